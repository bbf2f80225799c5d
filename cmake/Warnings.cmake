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
