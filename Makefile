# Thin wrapper around CMake. `make demo` and `make test` are the README's two commands.
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

# (build-test names a directory too: as a phony target its step always runs.)
.PHONY: all build build-test test demo deps clean format deb deb-arm64 test-arm64 test-pi

all: build

deps:
	@scripts/install-deps

build: deps
	@cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLNT_WERROR=ON -DBUILD_TESTING=OFF >/dev/null
	@cmake --build build -j $(JOBS)

# Sanitised (ASan + UBSan), warnings as errors, every suite through ctest. The optimised
# build `make demo` uses is built first: some warnings (maybe-uninitialized) only appear at -O2.
# All but the label `emulated`: the arm64 packages' cross-build and the Pi image built and set
# up under qemu take tens of minutes more on two cores; `make test-pi` runs them (below).
test: build-test
	@cd build-test && ctest --output-on-failure -j $(JOBS) -LE emulated
	@echo "make test: done; the arm64 packages and the Pi image under emulation: make test-pi"

build-test: build
	@cmake -S . -B build-test -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_C_FLAGS_DEBUG=-g -O1" -DLNT_WERROR=ON -DLNT_SANITIZE=ON >/dev/null
	@cmake --build build-test -j $(JOBS)

# The tests under emulation: the arm64 .deb packages cross-built and inspected, then the Pi
# image script run on a debootstrapped arm64 root under qemu (docs/testing.md).
test-pi: build-test
	@cd build-test && ctest --output-on-failure -L emulated

demo: build
	@scripts/demo

# lantern-server and lantern-kiosk .deb packages (debhelper) in build-deb/, checked by lintian.
deb: deps
	@scripts/build-deb build-deb

# The Raspberry Pi's packages, cross-built for arm64, in build-deb-arm64/ (docs/deploy.md).
deb-arm64: deps
	@scripts/build-deb build-deb-arm64 arm64

# common/, hw/ and the kiosk cross-built for arm64 in build-arm64/, their suites run under
# qemu-aarch64-static (docs/testing.md, "The arm64 build"). `make test` runs it too.
test-arm64: deps
	@scripts/test-arm64 build-arm64

format:
	@git ls-files '*.c' '*.h' | xargs clang-format -i

clean:
	rm -rf build build-test build-deb build-arm64 build-deb-arm64
