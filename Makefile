# baton: the two commands are `make demo` and `make test`.  This file only orders the steps:
# Debian packages -> kernel A (Debian's .deb), B (linux-source-6.12 + kernel/) and C (B built
# again, another release, for the chain of upgrades) -> CMake
# (trampoline, baton.ko, initramfs, host tests) -> CTest / the demo.  Everything lands under
# build/ and is incremental (ccache for the kernel and CMake).
BUILD      := $(CURDIR)/build
CMAKE_DIR  := $(BUILD)/cmake
# Reusable caches live outside the clone, so a fresh clone (CI's) reuses them: README.
BATON_CACHE ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/baton
export BATON_CACHE
export CCACHE_DIR ?= $(BATON_CACHE)/ccache
export CCACHE_BASEDIR ?= $(CURDIR)
export CCACHE_NOHASHDIR := 1
export CCACHE_MAXSIZE ?= 8G

.PHONY: all deps kernels cmake test demo bench deb host-tests clean help

all: cmake

help:
	@echo "make demo   build everything, boot the VM, show the standalone boot of B"
	@echo "make test   build everything, run host tests, build checks and QEMU scenarios"
	@echo "make bench  baton's handover against kexec -e and a full reboot (not a test)"
	@echo "make deb    Debian packages under build/deb: baton, baton-dkms"
	@echo "make host-tests  the library, the CLI and their tests only (no kernel build)"
	@echo "make clean  remove build/ (keeps nothing)"

deps:
	@scripts/install-deps.sh

kernels: deps
	@kernel/fetch-a.sh $(BUILD)
	@kernel/build-b.sh $(BUILD)
	@kernel/build-b.sh $(BUILD) c

cmake: kernels
	@cmake -S . -B $(CMAKE_DIR) -G Ninja -DBATON_BUILD_ROOT=$(BUILD) \
		-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache >/dev/null
	@cmake --build $(CMAKE_DIR)

test: cmake
	@cd $(CMAKE_DIR) && ctest --output-on-failure -j2

demo: cmake
	@python3 qemu/demo.py

deb: cmake
	@cmake --build $(CMAKE_DIR) --target deb

# The hosted parts alone, in their own build folder: minutes, not a kernel build.
host-tests: deps
	@cmake -S . -B $(BUILD)/host -G Ninja -DBATON_HOST_ONLY=ON -DBATON_BUILD_ROOT=$(BUILD) \
		-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache >/dev/null
	@cmake --build $(BUILD)/host
	@cd $(BUILD)/host && ctest --output-on-failure -j2

bench: cmake
	@python3 qemu/bench.py

clean:
	rm -rf $(BUILD)
