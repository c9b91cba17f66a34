#!/usr/bin/env bash
# The Octave/MATLAB gateway (mex/, built into BUILD/octave by make octave)
# under octave-cli, against the program NISAC.  Prints its cases and
# "RESULT passed failed".  NISAC_NO_OCTAVE=1 skips it (the set-up then
# installs no Octave); so does a sanitizer build (the interpreter is not
# instrumented).
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-build}
case "${NISAC_NO_OCTAVE:-}${NISAC_LDFLAGS:-}" in
  *sanitize*) echo "  ok   octave gateway (skipped under sanitizers: the interpreter is not instrumented)"; echo "RESULT 1 0"; exit 0 ;;
  ?*) echo "  ok   octave gateway (skipped: NISAC_NO_OCTAVE is set)"; echo "RESULT 1 0"; exit 0 ;;
esac
if ! command -v octave-cli >/dev/null; then
  echo "  FAIL octave-cli not found (scripts/setup.sh installs Debian's octave; NISAC_NO_OCTAVE=1 skips the gateway)"
  echo "RESULT 0 1"; exit 1
fi
if [ ! -f "$here/$build/octave/nisac_mex.mex" ]; then
  echo "  FAIL $build/octave/nisac_mex.mex missing (make octave)"; echo "RESULT 0 1"; exit 1
fi
export NISAC=${NISAC:-$here/$build/nisac}
# Octave 7 prints a harmless line about an exception while exiting after a MEX file was loaded.
octave-cli --no-gui --norc --eval "addpath('$here/$build/octave'); source('$here/tests/octave/test_nisac.m');" 2>&1 |
  grep -v "ignoring const execution_exception& while preparing to exit"
