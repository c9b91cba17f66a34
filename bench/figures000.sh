#!/usr/bin/env bash
# Wall time of each paper-000 experiment at full trial counts with 1 and 2
# worker processes (the 1-worker run is the peer), and a byte comparison
# of the two results files.  Usage: bench/figures000.sh NISAC NAME...
set -euo pipefail
TIMEFORMAT=%R
prog=$1; shift
out=${BENCH_OUT:-build/bench-figures000}
rm -rf "$out"; mkdir -p "$out"
printf '| experiment | units | 1 worker (s) | 2 workers (s) | speed-up | efficiency | identical |\n|---|---|---|---|---|---|---|\n'
for f in "$@"; do
  cfg=experiments/paper000/$f.json
  t1=$( { time "$prog" run "$cfg" --out "$out/$f-w1" --workers 1 --quiet --no-summary >/dev/null 2>&1; } 2>&1 )
  t2=$( { time "$prog" run "$cfg" --out "$out/$f-w2" --workers 2 --quiet --no-summary >/dev/null 2>&1; } 2>&1 )
  units=$(sed -n 's/^# points: \([0-9]*\) trials: \([0-9]*\).*/\1 \2/p' "$out/$f-w1/results.csv" | awk '{print $1*$2}')
  same=no; cmp -s "$out/$f-w1/results.csv" "$out/$f-w2/results.csv" && same=yes
  awk -v f="$f" -v u="$units" -v a="$t1" -v b="$t2" -v s="$same" \
    'BEGIN { printf "| %s | %d | %.1f | %.1f | %.2f | %.0f%% | %s |\n", f, u, a, b, a/b, 50*a/b, s }'
done
