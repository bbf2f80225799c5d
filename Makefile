# Thin wrapper around CMake. `make demo` and `make test` are the README's two commands.
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all build test demo deps clean format deb deb-arm64 test-arm64

all: build

deps:
	@scripts/install-deps

build: deps
	@cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLNT_WERROR=ON -DBUILD_TESTING=OFF >/dev/null
	@cmake --build build -j $(JOBS)

# Sanitised (ASan + UBSan), warnings as errors, every suite through ctest. The optimised
# build `make demo` uses is built first: some warnings (maybe-uninitialized) only appear at -O2.
test: build
	@cmake -S . -B build-test -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_C_FLAGS_DEBUG=-g -O1" -DLNT_WERROR=ON -DLNT_SANITIZE=ON >/dev/null
	@cmake --build build-test -j $(JOBS)
	@cd build-test && ctest --output-on-failure -j $(JOBS)

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
