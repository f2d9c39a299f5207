# llconform — see README.md.  `make matrix` runs the suites, `make check`
# runs the project's own tests; both install what they miss first.

CC := gcc
PYTHON := /usr/bin/python3
B := build
CFLAGS := -std=gnu11 -Wall -Wextra -Werror -O2 -g
CPPFLAGS := -Iabi -Iharness
# The kselftest headers are third-party: -isystem keeps their own warnings
# out of -Werror while ours stay in.
SUITE_CPPFLAGS := $(CPPFLAGS) -isystem $(B)/kselftest
SUITE_LDFLAGS := -static
SUITES := $(basename $(notdir $(wildcard suites/*.c)))
ABI_OBJS := $(patsubst abi/%.c,$(B)/abi/%.o,$(filter-out abi/llabi.c,$(wildcard abi/*.c)))
HARNESS_OBJS := $(patsubst harness/%.c,$(B)/harness/%.o,$(filter-out harness/guest_init.c harness/llexec.c,$(wildcard harness/*.c)))
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: all deps-build deps-check deps-matrix deps-bench deps-coverage check lint unit host pytest pytest-fast pytest-boot matrix check-kernels bench coverage exec-go-landlock clean
.DEFAULT_GOAL := all

all: deps-build $(B)/llabi $(B)/guest_init $(B)/llexec $(SUITES:%=$(B)/suites/%)

deps-build deps-check deps-matrix deps-bench deps-coverage:
	@scripts/ensure-deps.sh $(@:deps-%=%)

$(B)/kselftest/SOURCE: harness/fetch-kselftest.sh
	@mkdir -p $(B)
	harness/fetch-kselftest.sh $(B)/kselftest

$(B)/abi/%.o: abi/%.c abi/*.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(CPPFLAGS) -c $< -o $@

$(B)/harness/%.o: harness/%.c harness/*.h abi/*.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(CPPFLAGS) -c $< -o $@

$(B)/libll.a: $(ABI_OBJS) $(HARNESS_OBJS)
	rm -f $@ && ar rcs $@ $^

$(B)/llabi: abi/llabi.c $(B)/libll.a
	$(CC) $(CFLAGS) $(CPPFLAGS) $< $(B)/libll.a -o $@ -static

$(B)/suites/%: suites/%.c $(wildcard suites/*.h) $(wildcard harness/*.h abi/*.h) $(B)/libll.a $(B)/kselftest/SOURCE
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SUITE_CPPFLAGS) $< $(B)/libll.a -o $@ $(SUITE_LDFLAGS)

# What `llconform exec` runs in each guest around the user's program: static.
$(B)/llexec: harness/llexec.c $(B)/libll.a
	$(CC) $(CFLAGS) $(CPPFLAGS) $< $(B)/libll.a -o $@ -static

# The guest's /init (and, with --host, the host row's runner): static.
$(B)/guest_init: harness/guest_init.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $< -o $@ -static -lz

$(B)/tests/check_abi: tests/unit/check_abi.c $(B)/libll.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(CPPFLAGS) $< $(B)/libll.a -o $@ $$(pkg-config --cflags --libs check)

$(B)/tests/without_userns: tests/unit/without_userns.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $< -o $@

# A program of ours that `llconform exec` runs in a guest (tests/test_exec.py).
$(B)/tests/exec_witness: tests/exec/witness.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $< -o $@ -static

$(B)/tests/without_landlock: tests/unit/without_landlock.c abi/landlock_uapi.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(CPPFLAGS) $< -o $@

# Fixture variants with needs (ll_harness.h), for tests/test_variant_needs.py.
$(B)/tests/variant_needs: tests/unit/variant_needs.c $(wildcard harness/*.h abi/*.h) $(B)/libll.a $(B)/kselftest/SOURCE
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SUITE_CPPFLAGS) $< $(B)/libll.a -o $@ $(SUITE_LDFLAGS)

# --- make check ------------------------------------------------------------
# The guest boots (pytest-boot, one core under TCG) run beside everything
# else (the other core); each part's output is shown whole when it ends.
check: deps-check all $(B)/tests/exec_witness $(B)/tests/check_abi $(B)/tests/without_landlock $(B)/tests/without_userns $(B)/tests/variant_needs
	@$(MAKE) --no-print-directory -j2 --output-sync=target pytest-boot lint unit host pytest-fast
	@echo "make check: all passed"

C_SOURCES = $(wildcard abi/*.[ch] harness/*.[ch] harness/coverage/*.c suites/*.[ch] tests/unit/*.c)
SHELL_SCRIPTS = $(wildcard scripts/*.sh harness/*.sh) .ci/run
PY_PACKAGES = harness/llconform tests vm

lint:
	clang-format --dry-run --Werror $(C_SOURCES)
	shellcheck $(SHELL_SCRIPTS)
	$(PYTHON) -m flake8 $(PY_PACKAGES) llconform
	$(PYTHON) -m mypy --no-error-summary $(PY_PACKAGES) llconform

unit: $(B)/tests/check_abi
	CK_FORK=yes $(B)/tests/check_abi

# Every suite on the host kernel, as root and as an unprivileged user.
host: all
	./llconform host --build $(B) --out $(B)/host-check --as-root --as-user nobody --allow-known

pytest: pytest-fast pytest-boot

pytest-fast: all $(B)/tests/exec_witness $(B)/tests/without_landlock $(B)/tests/without_userns $(B)/tests/variant_needs
	$(PYTHON) -m pytest -q -m 'not boot' tests

# Real guests (marker `boot`); no pytest cache: it runs beside pytest-fast.
pytest-boot: all $(B)/tests/exec_witness
	$(PYTHON) -m pytest -q -m boot -p no:cacheprovider tests

# --- make matrix / bench ---------------------------------------------------
# Every kernel of the default set (KERNELS ?= default), one matrix.
KERNELS ?= default
# More options of ./llconform matrix (e.g. --shard 2/4), and pytest's.
MATRIX_ARGS ?=
PYTEST_ARGS ?=
# make exits 2 on any failure: the driver's own status is printed.
# The exact Debian builds debian-<series> stands for (`./llconform lock`
# writes it, `./llconform lock --update` refreshes it); LOCK= resolves to
# whatever Debian serves now.
LOCK ?= kernels.lock
matrix: deps-matrix all
	@./llconform matrix --build $(B) --results results --kernels '$(KERNELS)' \
		$(if $(LOCK),--lock '$(LOCK)') $(MATRIX_ARGS) \
		$(if $(PYTEST_ARGS),-- $(PYTEST_ARGS)); \
	status=$$?; echo "make matrix: exit status $$status (0 nothing failed, 1 a kernel deviates, 2 our side failed)"; \
	exit $$status

# The slow check (not part of `make check`): build Debian's 7.3 source with
# the proposed NO_INHERIT series (../shared/patches) and run every suite in
# it next to Debian's own 7.3.  Minutes the first time, cached afterwards.
NO_INHERIT_PATCHES ?= ../shared/patches/landlock-no-inherit
check-kernels: deps-matrix all
	@test -d '$(NO_INHERIT_PATCHES)' || { echo "check-kernels: no patch series at $(NO_INHERIT_PATCHES) (set NO_INHERIT_PATCHES=DIR)" >&2; exit 2; }
	./llconform matrix --build $(B) --results results \
		--kernels 'src:debian-7.3,debian-7.3' \
		--patches '$(NO_INHERIT_PATCHES)' \
		--config-fragment '$(NO_INHERIT_PATCHES)/config-fragment' \
		--expect-abi 12 --expect-errata 0xf --expect-proposed no_inherit \
		$(if $(PYTEST_ARGS),-- $(PYTEST_ARGS))

# The coverage report (slow, not part of `make check`): Debian's 7.3 source
# built with gcov for security/landlock and fault injection (cached), our
# suites and the tree's upstream selftests each in a guest of it, lcov's
# report in results/<timestamp>/coverage/ (harness/llconform/coverage.py).
COVERAGE_KERNEL ?= src:debian-7.3
coverage: deps-coverage all
	./llconform coverage '$(COVERAGE_KERNEL)' --build $(B) --results results $(COVERAGE_ARGS)

# A real third-party Landlock client (not part of `make check`): the Go
# library go-landlock's own tests, built from Debian's packages (sid's
# library and Go toolchain, unpacked into the cache through the signed apt
# state, never installed) as static test binaries, then run with
# `llconform exec` in every kernel of EXEC_KERNELS (default: the catalogue,
# host and the disabled boot) as root and as nobody.
EXEC_KERNELS ?= default
exec-go-landlock: deps-matrix all
	scripts/go-landlock-tests $(B)/go-landlock
	./llconform exec --build $(B) --results results --dir $(B)/go-landlock/bin $(EXEC_KERNELS) -- -test.v; \
	status=$$?; ./llconform exec --build $(B) --results results --user nobody \
		--dir $(B)/go-landlock/bin $(EXEC_KERNELS) -- -test.v || status=$$?; exit $$status

bench: deps-bench all
	./llconform bench --build $(B) --guest-runs 3

clean:
	rm -rf $(B)
