# Cross-compiling for 64-bit ARM (the Raspberry Pi's Debian arm64) on a Debian 12 machine:
#
#   cmake -S . -B build-arm64 -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-aarch64.cmake
#
# Debian's cross compiler (crossbuild-essential-arm64) against the arm64 libraries installed
# next to this machine's own (multiarch: /usr/lib/aarch64-linux-gnu), found through the arm64
# pkg-config. scripts/install-deps installs all of it; libpq-dev and libzbar-dev, which cannot
# be installed for two architectures at once, are unpacked into LNT_ARM64_DEV instead.
# Programs built here run under qemu-user-static (CMAKE_CROSSCOMPILING_EMULATOR), so ctest runs
# the arm64 suites on this machine. docs/testing.md, "The arm64 build".
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(LNT_TRIPLET aarch64-linux-gnu)

find_program(LNT_CROSS_CC ${LNT_TRIPLET}-gcc)
find_program(LNT_CROSS_PKG_CONFIG ${LNT_TRIPLET}-pkg-config)
find_program(LNT_QEMU qemu-aarch64-static)
foreach(tool LNT_CROSS_CC LNT_CROSS_PKG_CONFIG LNT_QEMU)
  if(NOT ${tool})
    message(FATAL_ERROR "${tool} not found: run scripts/install-deps (the arm64 part)")
  endif()
endforeach()
set(CMAKE_C_COMPILER ${LNT_CROSS_CC})
set(PKG_CONFIG_EXECUTABLE ${LNT_CROSS_PKG_CONFIG} CACHE FILEPATH "arm64 pkg-config")
# LeakSanitizer stops the program's threads to look for leaks, which qemu cannot do: a
# program built with LNT_SANITIZE checks everything but leaks there (scripts/test-arm64
# uses UBSan alone: AddressSanitizer under qemu is too slow to be worth it).
set(CMAKE_CROSSCOMPILING_EMULATOR ${LNT_QEMU} -E ASAN_OPTIONS=detect_leaks=0)

# Only arm64 .pc files: the unpacked -dev packages' first, then the multiarch ones.
if(DEFINED ENV{LNT_ARM64_DEV})
  set(LNT_ARM64_DEV $ENV{LNT_ARM64_DEV})
else()
  set(LNT_ARM64_DEV /usr/local/lib/lantern/arm64-dev)
endif()
set(ENV{PKG_CONFIG_LIBDIR}
    "${LNT_ARM64_DEV}/usr/lib/${LNT_TRIPLET}/pkgconfig:/usr/lib/${LNT_TRIPLET}/pkgconfig:/usr/share/pkgconfig")
unset(ENV{PKG_CONFIG_PATH})

# Libraries and headers of the target only; programs (faketime, python3) of this machine.
set(CMAKE_LIBRARY_ARCHITECTURE ${LNT_TRIPLET})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
