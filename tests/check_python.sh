#!/usr/bin/env bash
# The Python package (python/nisac) under pytest with Debian's NumPy, against
# the program NISAC and the library of BUILD.  Prints "RESULT passed failed".
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
PYTHON=${PYTHON:-$("$here/scripts/python.sh")}
export NISAC_LIBRARY=${NISAC_LIBRARY:-$here/${BUILD:-build}/libnisac.so}
export PYTHONPATH=$here/python${PYTHONPATH:+:$PYTHONPATH}
case "${NISAC_LDFLAGS:-}" in
  *sanitize*) echo "  ok   python package (skipped under sanitizers: the interpreter is not instrumented)"; echo "RESULT 1 0"; exit 0 ;;
esac
out=$("$PYTHON" -m pytest -q -p no:cacheprovider "$here/tests/python" 2>&1); rc=$?
printf '%s\n' "$out" | tail -n 15 | sed 's/^/  /'
passed=$(printf '%s\n' "$out" | grep -oE '[0-9]+ passed' | grep -oE '[0-9]+' | tail -1)
failed=$(printf '%s\n' "$out" | tail -n 1 | grep -oE '[0-9]+ (failed|errors?)' | awk '{s += $1} END {print s + 0}')
echo "RESULT ${passed:-0} ${failed:-$([ $rc -eq 0 ] && echo 0 || echo 1)}"
[ $rc -eq 0 ]
