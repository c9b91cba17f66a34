#!/usr/bin/env bash
# The exported symbols of the libraries: every global symbol defined in
# the static library starts with nisac_, and the shared library exports
# only public nisac_ names (no nisac__ internal helper, nothing else).
# Usage: tests/check_symbols.sh LIB.a LIB.so (or NISAC_LIB/NISAC_SO).
# Prints its cases and "RESULT passed failed" for tests/run.sh.
set -u
lib=${1:-${NISAC_LIB:-build/libnisac.a}}
so=${2:-${NISAC_SO:-build/libnisac.so}}
pass=0; fail=0
check() { # name, offending symbols
  if [ -z "$2" ]; then echo "  ok   $1"; pass=$((pass + 1))
  else echo "  FAIL $1:"; printf '%s\n' "$2" | head -20 | sed 's/^/    /'; fail=$((fail + 1)); fi
}
# (sanitizer builds add __odr_asan.NAME markers beside each global: not API)
san='^__(odr_asan\.|asan|ubsan|sancov)'
static_bad=$(nm -g --defined-only "$lib" 2>/dev/null | awk 'NF == 3 {print $3}' | grep -vE "$san" | grep -v '^nisac_' | sort -u)
[ -s "$lib" ] || static_bad="cannot read $lib"
check "static library exports only nisac_ symbols" "$static_bad"
dyn=$(nm -D --defined-only "$so" 2>/dev/null | awk 'NF == 3 {print $3}' | grep -vE "$san" | sort -u)
[ -n "$dyn" ] || dyn_bad="cannot read $so"
dyn_bad=${dyn_bad:-$(printf '%s\n' "$dyn" | grep -v '^nisac_' | grep -vE '^(_init|_fini|_edata|_end|__bss_start)$')}
check "shared library exports only nisac_ symbols" "$dyn_bad"
check "shared library hides the nisac__ internals" "$(printf '%s\n' "$dyn" | grep '^nisac__')"
api=$(printf '%s\n' "$dyn" | grep -c -E '^nisac_(design|experiment_run|system_find|params_new|instance_new)$')
check "shared library exports the public API" "$([ "$api" -eq 5 ] || echo "found $api of 5 public functions")"
echo "RESULT $pass $fail"
[ "$fail" -eq 0 ]
