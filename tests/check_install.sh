#!/usr/bin/env bash
# make install into a temporary prefix: a C program built with
# `pkg-config --cflags --libs nisac` against the installed shared library
# designs through the public API; the man pages are there; make uninstall
# removes every installed file.  Prints its cases and "RESULT passed failed".
# NISAC (the program), BUILD (its build folder) and NISAC_LDFLAGS (the
# sanitizer flags of a sanitizer build) come from make test.
set -u
pass=0; fail=0
check() { if eval "$2"; then echo "  ok   $1"; pass=$((pass + 1)); else echo "  FAIL $1"; fail=$((fail + 1)); fi; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
PYTHON=${PYTHON:-$("$(dirname "$0")/../scripts/python.sh")}
make -s install PREFIX="$prefix" BUILD="${BUILD:-build}" > "$tmp/install.log" 2>&1
check "make install into a temporary prefix" "[ -x '$prefix/bin/nisac' ] && [ -f '$prefix/include/nisac/nisac.h' ]"
check "the shared library carries its soname" \
  "readelf -d '$prefix/lib/libnisac.so' | grep -q 'SONAME.*libnisac.so.[0-9]'"
check "man pages for nisac and its subcommands" "[ -s '$prefix/share/man/man1/nisac.1' ] && [ -s '$prefix/share/man/man1/nisac-report.1' ]"
cat > "$tmp/use.c" <<'C'
#include <nisac/nisac.h>
#include <stdio.h>
extern void openblas_set_num_threads(int) __attribute__((weak));
int main(void)
{
    if (openblas_set_num_threads) openblas_set_num_threads(1); /* one BLAS thread, as the program */
    const nisac_system *s = nisac_system_find(NULL, "noma-isac");
    nisac_params *p = nisac_system_params(s);
    nisac_instance *inst;
    if (!s || !p || nisac_instance_new(s, p, 0, NULL, 1, 0, 0, &inst)) return 1;
    const nisac_algo *a = nisac_algo_find(NULL, s, "sdr-powermin");
    nisac_design_t *d = nisac_design_new(inst);
    nisac_report *r = nisac_report_new();
    if (nisac_design(a, inst, NULL, 1, d, r)) return 1;
    printf("%s %s %.6g\n", NISAC_VERSION, nisac_status_name(r->status), r->objective);
    nisac_report_free(r), nisac_design_free(d), nisac_instance_free(inst), nisac_params_free(p);
    return 0;
}
C
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
check "pkg-config knows nisac" "pkg-config --exists nisac"
check "a program builds with pkg-config --cflags --libs nisac" \
  "cc -o '$tmp/use' '$tmp/use.c' \$(pkg-config --cflags --libs nisac) ${NISAC_LDFLAGS:-} 2> '$tmp/cc.log'"
out=$(LD_LIBRARY_PATH=$prefix/lib "$tmp/use" 2>&1)
want=$("${NISAC:-build/nisac}" solve --algo sdr-powermin --json 2>/dev/null | "$PYTHON" -c 'import json,sys; d=json.load(sys.stdin); print(d["status"], "%.6g" % d["objective"])' 2>/dev/null)
check "it designs through the installed library as the program does ($out)" "[ \"\${out#* }\" = \"$want\" ]"
# the Python package where make install put it (PYTHONDIR), imported from another folder
pkg=$(find "$prefix" -path '*/nisac/__init__.py' | head -n 1)
pkgdir=$(dirname "$(dirname "$pkg")")
pyout=$(cd "$tmp" && env -u PYTHONPATH -u NISAC_LIBRARY PYTHONPATH="$pkgdir" LD_LIBRARY_PATH="$prefix/lib" \
        "$PYTHON" -c 'import nisac; print(nisac.__file__, " ".join(nisac.systems()))' 2>&1)
case "${NISAC_LDFLAGS:-}" in
  *sanitize*) check "import nisac from the installed package (skipped under sanitizers)" "true" ;;
  *) check "import nisac from the installed package, anywhere ($pyout)" "[[ '$pyout' == '$pkg noma-isac ris-noma-isac rs-noma-isac' ]]" ;;
esac
case "${NISAC_NO_OCTAVE:-}${NISAC_LDFLAGS:-}" in
  *sanitize*|?*) ;;   # the gateway is not built (tests/check_octave.sh says why)
  *) octout=$(cd "$tmp" && octave-cli --no-gui --norc --eval "addpath('$prefix/share/nisac/octave'); r = nisac_design('noma-isac', 'sdr-powermin'); printf('%s %.6g\\n', r.status, r.objective)" 2>&1 |
             grep -v 'ignoring const execution_exception')
     check "the installed Octave functions design as the program does ($octout)" "[ \"$octout\" = \"$want\" ]" ;;
esac
make -s uninstall PREFIX="$prefix" > /dev/null 2>&1
check "make uninstall removes what make install put" "[ -z \"\$(find '$prefix' -type f -o -type l)\" ]"
echo "RESULT $pass $fail"
[ "$fail" -eq 0 ]
