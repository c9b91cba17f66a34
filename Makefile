# nisac build.  `make` builds the library and the program, `make test`
# runs the suite, `make check-asan` runs it under AddressSanitizer and
# UndefinedBehaviorSanitizer, `make bench` runs the benchmarks.
CC ?= cc
BUILD ?= build
OPT ?= -O2 -g
CFLAGS_BASE = -std=c11 -D_DEFAULT_SOURCE -Wall -Wextra -Wshadow -Wno-unused-parameter \
              -Iinclude -I/usr/include/x86_64-linux-gnu $(shell pkg-config --cflags jansson gsl matio 2>/dev/null)
CFLAGS += $(OPT) $(CFLAGS_BASE) -MMD -MP
LDLIBS += -lsdp -llapacke -llapack -lopenblas $(shell pkg-config --libs jansson gsl matio 2>/dev/null) -lpthread -lm

# The Python interpreter with NumPy and pytest (Debian's python3-numpy and
# python3-pytest); the tests, the NumPy peers and the figure scripts use
# it.  scripts/python.sh finds one on the PATH or the system's own;
# `make PYTHON=...` chooses another.
ifeq ($(origin PYTHON),undefined)
PYTHON := $(shell scripts/python.sh)
endif
export PYTHON

# MPI is optional: with OpenMPI's development files the program can run
# under mpirun; without them it builds without MPI and says so.
HAVE_MPI := $(shell pkg-config --exists ompi-c 2>/dev/null && echo 1)
ifeq ($(HAVE_MPI),1)
CFLAGS_BASE += -DNISAC_HAVE_MPI $(shell pkg-config --cflags ompi-c)
LDLIBS += $(shell pkg-config --libs ompi-c)
else
$(info nisac: building without MPI (pkg-config finds no ompi-c; install libopenmpi-dev for mpirun support))
endif

LIB_SRC := $(wildcard src/core/*.c src/linalg/*.c src/rng/*.c src/geom/*.c src/channel/*.c src/learn/*.c \
                      src/model/*.c src/conic/*.c src/algo/*.c src/stats/*.c src/exp/*.c)
CLI_SRC := $(wildcard src/cli/*.c)
TEST_SRC := $(wildcard tests/unit/test_*.c tests/integration/test_*.c)
BENCH_SRC := $(wildcard bench/bench_*.c)

LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
PIC_OBJ := $(LIB_SRC:%.c=$(BUILD)/pic/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/%.o)
TEST_BIN := $(TEST_SRC:%.c=$(BUILD)/%)
BENCH_BIN := $(BENCH_SRC:%.c=$(BUILD)/%)
LIB := $(BUILD)/libnisac.a
SO := $(BUILD)/libnisac.so
PROG := $(BUILD)/nisac

.PHONY: all octave check-octave test check-asan check-symbols check-faults check-install install uninstall bench bench-conic bench-rs clean run-default figures-000 figures-002 figures-004 bench-figures-000 fuzz fuzz-build
all: $(LIB) $(SO) $(PROG)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

# The native conic solver multiplies complex numbers without C99 Annex G's
# infinity/NaN recovery (its operands are finite by construction: the
# builder refuses non-finite data); a third of its time went to those checks.
$(BUILD)/src/conic/native.o $(BUILD)/pic/src/conic/native.o: CFLAGS += -fcx-limited-range

$(LIB): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	ar rcs $@ $^

# The shared library: hidden visibility, so that only what the public
# headers declare (between their visibility pragmas) is exported.
$(BUILD)/pic/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -fPIC -fvisibility=hidden -c $< -o $@

# The library's version (include/nisac/core.h) and soname: libnisac.so.MAJOR.
VERSION := $(shell sed -n 's/^\#define NISAC_VERSION "\(.*\)"/\1/p' include/nisac/core.h)
SOMAJOR := $(firstword $(subst ., ,$(VERSION)))

$(SO): $(PIC_OBJ)
	$(CC) -shared $(LDFLAGS) -Wl,-soname,libnisac.so.$(SOMAJOR) -o $@ $^ $(LDLIBS)

# Every symbol the libraries export is nisac_-prefixed (and the shared
# library exports no internal nisac__ helper).
check-symbols: $(LIB) $(SO)
	@tests/check_symbols.sh $(LIB) $(SO)

$(PROG): $(CLI_OBJ) $(LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(CLI_OBJ) $(LIB) $(LDLIBS)

$(BUILD)/tests/%: tests/%.c tests/harness.h $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

$(BUILD)/bench/%: bench/%.c bench/bench_util.h $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

# The Octave/MATLAB gateway (mex/): build/octave/ holds the MEX file,
# linked with the library's objects (no run-time dependency on
# libnisac.so), and the functions around it; addpath('build/octave').
# NISAC_NO_OCTAVE=1 leaves it out of make test; the sanitizer build skips
# it (the interpreter is not instrumented).
MKOCTFILE ?= mkoctfile
OCT := $(BUILD)/octave
OCT_M := $(wildcard mex/*.m mex/private/*.m)
octave: $(OCT)/nisac_mex.mex $(OCT_M:mex/%=$(OCT)/%)
$(OCT)/nisac_mex.mex: mex/nisac_mex.c $(PIC_OBJ)
	@mkdir -p $(dir $@)
	@command -v $(MKOCTFILE) >/dev/null || { echo "make octave: $(MKOCTFILE) not found (Debian's liboctave-dev; scripts/setup.sh installs it, NISAC_NO_OCTAVE=1 skips the gateway)"; exit 1; }
	$(MKOCTFILE) --mex -Iinclude -o $@ $< $(PIC_OBJ) $(LDLIBS)
$(OCT)/%.m: mex/%.m
	@mkdir -p $(dir $@)
	cp $< $@
WITH_OCTAVE := $(if $(or $(NISAC_NO_OCTAVE),$(findstring sanitize,$(LDFLAGS))),,octave)
check-octave: octave $(PROG)
	@NISAC=$(abspath $(PROG)) BUILD=$(BUILD) tests/run.sh tests/check_octave.sh

# The ENOSPC shim of the fault-injection suite (LD_PRELOAD; built plain,
# without sanitizers, so that it loads into any build of the program).
SHIM := $(BUILD)/tests/faults/enospc.so
$(SHIM): tests/faults/enospc.c
	@mkdir -p $(dir $@)
	cc -O2 -shared -fPIC -o $@ $< -ldl

test: $(TEST_BIN) $(PROG) $(LIB) $(SO) $(SHIM) $(WITH_OCTAVE)
	@NISAC=$(abspath $(PROG)) NISAC_SHIM=$(abspath $(SHIM)) BUILD=$(BUILD) NISAC_LIB=$(LIB) NISAC_SO=$(SO) \
	    NISAC_LDFLAGS="$(LDFLAGS)" tests/run.sh $(TEST_BIN) tests/check_symbols.sh tests/check_install.sh \
	    tests/check_python.sh tests/check_octave.sh

# make install and pkg-config from a temporary prefix (part of make test too).
check-install: $(LIB) $(SO) $(PROG) $(WITH_OCTAVE)
	@NISAC=$(abspath $(PROG)) BUILD=$(BUILD) NISAC_LDFLAGS="$(LDFLAGS)" tests/run.sh tests/check_install.sh

# The fault-injection suite alone (it is part of `make test` too).
check-faults: $(BUILD)/tests/integration/test_faults $(PROG) $(SHIM)
	@NISAC=$(abspath $(PROG)) NISAC_SHIM=$(abspath $(SHIM)) tests/run.sh $(BUILD)/tests/integration/test_faults

check-asan:
	$(MAKE) BUILD=build-asan OPT="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all" \
	    LDFLAGS="-fsanitize=address,undefined" test

bench: $(BENCH_BIN) $(PROG)
	@for b in $(filter-out $(BUILD)/bench/bench_conic $(BUILD)/bench/bench_rs_design,$(BENCH_BIN)); do echo "== $$b"; $$b || exit 1; done
	@$(MAKE) --no-print-directory bench-conic bench-rs

# Paper 004's designs at M up to 1024, then the NumPy peer of the rs-wmmse
# iteration on the M = 512 instance (Debian's python3-numpy).
bench-rs: $(BUILD)/bench/bench_rs_design
	@echo "== $(BUILD)/bench/bench_rs_design"
	@rm -rf $(BUILD)/bench/rs-peer && mkdir -p $(BUILD)/bench/rs-peer
	@$(BUILD)/bench/bench_rs_design 3 $(BUILD)/bench/rs-peer
	@OPENBLAS_NUM_THREADS=1 $(PYTHON) bench/rs_wmmse_numpy.py $(BUILD)/bench/rs-peer

# The conic engine against CSDP (same builder) and CVXOPT (Debian's
# python3-cvxopt on the same problems, written in SDPA format).
bench-conic: $(BUILD)/bench/bench_conic
	@echo "== $(BUILD)/bench/bench_conic"
	@rm -rf $(BUILD)/bench/sdpa && mkdir -p $(BUILD)/bench/sdpa
	@$(BUILD)/bench/bench_conic --sdpa $(BUILD)/bench/sdpa
	@$(PYTHON) bench/cvxopt_peer.py $(BUILD)/bench/sdpa

# Paper 000's figures and tables: results, summaries and plots in
# results/paper000/NAME/.  Finished experiments are kept (--resume finds
# them complete); interrupted ones continue where they stopped.
FIG000 := fig3 tables fig4 fig5_6 fig7
WORKERS ?= $(shell nproc)
figures-000: $(PROG)
	@for f in $(FIG000); do \
	  $(PROG) run experiments/paper000/$$f.json --out results/paper000/$$f --workers $(WORKERS) --resume --plot || exit 1; \
	done

# Paper 002's figures: results, summaries and plots in results/paper002/NAME/
# (Figs. 5-9 by --plot, Figs. 2-4 by experiments/paper002/plot_extra.py).
FIG002 := fig2_3 fig4 fig5 fig6 fig7 fig8 fig9 radar_threshold
# Paper 004 (rs-noma-isac): Figs. 1-5 with the configs' small trial counts
# (the paper's 5000 by nisac run --trials 5000), then the Pareto frontier.
FIG004 := fig1 fig2 fig3 fig4 fig5
figures-004: $(PROG)
	@for f in $(FIG004); do \
	  $(PROG) run experiments/paper004/$$f.json --out results/paper004/$$f --workers $(WORKERS) --resume --plot || exit 1; \
	  $(PROG) report results/paper004/$$f/results.csv || exit 1; \
	done
	@$(PYTHON) experiments/paper004/plot_extra.py results/paper004

figures-002: $(PROG)
	@for f in $(FIG002); do \
	  $(PROG) run experiments/paper002/$$f.json --out results/paper002/$$f --workers $(WORKERS) --resume --plot || exit 1; \
	done
	@$(PYTHON) experiments/paper002/plot_extra.py results/paper002

# Wall time of each paper-000 experiment with 1 and 2 workers, and a
# check that both give the same file.
bench-figures-000: $(PROG)
	@bench/figures000.sh $(PROG) $(FIG000)

# Fuzzing with libFuzzer (clang), ASan and UBSan, FUZZ_SECONDS per
# target: config (experiment configs), scenario (solve --config files),
# results (summarize and --resume over damaged results files), cli (the
# argument parser of `nisac solve --dry-run`).  Corpora start from
# tests/fuzz/corpus* and grow in build-fuzz/corpus-TARGET; artifacts go
# to build-fuzz/artifacts/.  Run one `make fuzz` at a time (each rebuilds
# the targets); FUZZ_TARGETS runs several one after the other.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= config scenario results cli
FUZZ_CFLAGS := -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all $(CFLAGS_BASE)
fuzz-build:
	$(MAKE) BUILD=build-fuzz CC=clang OPT="-O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all" \
	    build-fuzz/libnisac.a
	@mkdir -p build-fuzz/artifacts
	clang $(FUZZ_CFLAGS) tests/fuzz/fuzz_config.c build-fuzz/libnisac.a $(LDLIBS) -o build-fuzz/fuzz_config
	clang $(FUZZ_CFLAGS) tests/fuzz/fuzz_scenario.c build-fuzz/libnisac.a $(LDLIBS) -o build-fuzz/fuzz_scenario
	clang $(FUZZ_CFLAGS) tests/fuzz/fuzz_results.c build-fuzz/libnisac.a $(LDLIBS) -o build-fuzz/fuzz_results
	clang $(FUZZ_CFLAGS) -Dmain=nisac_cli_main -Isrc/cli tests/fuzz/fuzz_cli.c src/cli/main.c src/cli/exp_cmds.c src/cli/train.c \
	    build-fuzz/libnisac.a $(LDLIBS) -o build-fuzz/fuzz_cli

fuzz: fuzz-build
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p build-fuzz/corpus-$$t; \
	  cp tests/fuzz/corpus-$$t/* build-fuzz/corpus-$$t/ 2>/dev/null || true; \
	  if [ $$t = config ]; then cp tests/fuzz/corpus/*.json experiments/paper000/*.json build-fuzz/corpus-$$t/; fi; \
	  echo "== fuzz_$$t for $(FUZZ_SECONDS) s"; \
	  mask=0; [ $$t = cli ] && mask=3; \
	  build-fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -max_len=8192 -print_final_stats=1 -close_fd_mask=$$mask \
	      -artifact_prefix=build-fuzz/artifacts/$$t- build-fuzz/corpus-$$t 2>&1 | tail -12 || exit 1; \
	done

run-default: $(PROG)
	$(PROG) solve

# make install [PREFIX=/usr/local] [DESTDIR=]: headers, libnisac.a,
# libnisac.so.VERSION with its soname and development links, nisac.pc for
# pkg-config, the program, man pages made from its --help texts, and the
# Python package under PREFIX/PYTHONDIR (on Debian's path for /usr), and
# the Octave/MATLAB functions under PREFIX/share/nisac/octave when built.
PREFIX ?= /usr/local
PYTHONDIR ?= lib/python3/dist-packages
INSTALL_FILES = $(PYTHONDIR)/nisac include/nisac lib/libnisac.a lib/libnisac.so lib/libnisac.so.$(SOMAJOR) lib/libnisac.so.$(VERSION) \
                lib/pkgconfig/nisac.pc bin/nisac share/man/man1/nisac.1 share/nisac \
                $(foreach c,solve run summarize report plot train,share/man/man1/nisac-$(c).1)
install: $(LIB) $(SO) $(PROG) $(WITH_OCTAVE)
	@d=$(DESTDIR)$(PREFIX); mkdir -p $$d/include/nisac $$d/lib/pkgconfig $$d/bin $$d/share/man/man1
	cp include/nisac/*.h $(DESTDIR)$(PREFIX)/include/nisac/
	cp $(LIB) $(DESTDIR)$(PREFIX)/lib/libnisac.a
	cp $(SO) $(DESTDIR)$(PREFIX)/lib/libnisac.so.$(VERSION)
	ln -sf libnisac.so.$(VERSION) $(DESTDIR)$(PREFIX)/lib/libnisac.so.$(SOMAJOR)
	ln -sf libnisac.so.$(SOMAJOR) $(DESTDIR)$(PREFIX)/lib/libnisac.so
	cp $(PROG) $(DESTDIR)$(PREFIX)/bin/nisac
	scripts/man.sh $(PROG) $(DESTDIR)$(PREFIX)/share/man/man1
	mkdir -p $(DESTDIR)$(PREFIX)/$(PYTHONDIR)/nisac && cp python/nisac/*.py $(DESTDIR)$(PREFIX)/$(PYTHONDIR)/nisac/
	@if [ -f $(OCT)/nisac_mex.mex ]; then mkdir -p $(DESTDIR)$(PREFIX)/share/nisac && \
	  rm -rf $(DESTDIR)$(PREFIX)/share/nisac/octave && cp -r $(OCT) $(DESTDIR)$(PREFIX)/share/nisac/octave && \
	  echo "Octave/MATLAB functions in $(DESTDIR)$(PREFIX)/share/nisac/octave (addpath it)"; fi
	@printf '%s\n' 'prefix=$(PREFIX)' 'libdir=$${prefix}/lib' 'includedir=$${prefix}/include' '' \
	  'Name: nisac' 'Description: beamforming for NOMA-based integrated sensing and communication' \
	  'Version: $(VERSION)' 'Requires.private: jansson gsl matio' 'Cflags: -I$${includedir}' \
	  'Libs: -L$${libdir} -lnisac' 'Libs.private: -lsdp -llapacke -llapack -lopenblas -lpthread -lm' \
	  > $(DESTDIR)$(PREFIX)/lib/pkgconfig/nisac.pc
	@echo "installed nisac $(VERSION) into $(DESTDIR)$(PREFIX)"

uninstall:
	cd $(DESTDIR)$(PREFIX) && rm -rf $(INSTALL_FILES)

clean:
	rm -rf build build-asan build-fuzz

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(PIC_OBJ:.o=.d)
