#!/usr/bin/env bash
# Runs each test binary given, prints its cases, and ends with the
# summary line "tests: N passed, M failed".
set -u
passed=0; failed=0; broken=()
for t in "$@"; do
  echo "== ${t##*/}"
  out=$("$t" 2>&1); rc=$?
  printf '%s\n' "$out" | grep -v '^RESULT '
  res=$(printf '%s\n' "$out" | grep '^RESULT ' | tail -n 1)
  if [ -z "$res" ]; then
    echo "  FAIL ${t##*/} exited with status $rc before reporting"
    failed=$((failed + 1)); broken+=("${t##*/}")
    continue
  fi
  set -- $res
  passed=$((passed + $2)); failed=$((failed + $3))
  if [ "$rc" -ne 0 ] && [ "$3" -eq 0 ]; then
    echo "  FAIL ${t##*/} exited with status $rc"
    failed=$((failed + 1)); broken+=("${t##*/}")
  fi
done
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
