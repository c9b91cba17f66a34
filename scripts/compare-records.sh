#!/usr/bin/env bash
# Checks that a change kept paper 000's records: runs every paper-000
# experiment with two nisac programs and compares the data rows of
# results.csv byte for byte (comment lines, which carry the version and
# the system, are left out).
#
# usage: scripts/compare-records.sh OLD_NISAC NEW_NISAC [TRIALS]
#   TRIALS: trials per sweep point (default: each config's own count)
# Build the old program from an earlier commit, e.g.
#   git worktree add /tmp/old COMMIT && make -C /tmp/old build/nisac
# Exit status 0 when every experiment's rows are identical.
set -euo pipefail
old=$1; new=$2; trials=${3:-}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
status=0
for cfg in experiments/paper000/*.json; do
  name=$(basename "$cfg" .json)
  if [ -n "$trials" ]; then
    sed -E "s/\"trials\": *[0-9]+/\"trials\": $trials/" "$cfg" > "$dir/$name.json"
    cfg=$dir/$name.json
  fi
  for which in old new; do
    prog=$old; [ $which = new ] && prog=$new
    "$prog" run "$cfg" --out "$dir/$which-$name" --quiet --no-summary --force
  done
  a=$(grep -v '^#' "$dir/old-$name/results.csv" | sha256sum | cut -c1-16)
  b=$(grep -v '^#' "$dir/new-$name/results.csv" | sha256sum | cut -c1-16)
  rows=$(grep -v '^#' "$dir/new-$name/results.csv" | tail -n +2 | wc -l)
  if [ "$a" = "$b" ]; then echo "$name: $rows rows identical ($a)"
  else echo "$name: rows DIFFER (old $a, new $b)"; status=1; fi
done
exit $status
