# The project's warnings (docs/style.md, rule 9), applied to all targets.
set(LNT_WARNINGS
  -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
  -Wformat=2 -Wvla -Wpointer-arith -Wcast-qual -Wundef
  -Wnull-dereference -Wdouble-promotion -Wimplicit-fallthrough)
add_compile_options(${LNT_WARNINGS})
if(LNT_WERROR)
  add_compile_options(-Werror)
endif()
if(LNT_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined -fno-sanitize-recover=all)
endif()
# The libFuzzer build (tests/fuzz, scripts/fuzz): everything instrumented for coverage and
# sanitised; only the fuzz_<name> executables link libFuzzer itself.
if(LNT_FUZZ)
  if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "LNT_FUZZ needs clang (CC=clang): libFuzzer is part of clang")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined -fno-sanitize-recover=all)
endif()
