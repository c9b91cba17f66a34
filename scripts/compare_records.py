#!/usr/bin/env python3
"""Compares two results.csv files of the same experiment field by field.

usage: scripts/compare_records.py OLD.csv NEW.csv [--rel 1e-6] [--abs 1e-9] [--by-status]

Comment lines (# ...) are skipped; both files must have the same header
and the same rows in the same order.  Text fields (status, algorithm,
labels) must be equal.  Numbers agree when |a - b| <= rel * max(|a|, |b|)
or |a - b| <= abs (quantities that are zero up to rounding: violations,
gaps).  Prints a summary per column and the first differing rows; exit
status 0 when every field agrees.

--by-status: also the table of status changes (old -> new) and, over the
rows whose status is "optimal" in both files, the worst relative
difference of every numeric column (the quantities an optimal design
determines uniquely -- the objective -- against those it does not: how
power splits between users whose SINR exceeds the target, say).
"""
import collections
import math
import sys


def rows(path):
    with open(path) as f:
        lines = [l.rstrip("\n") for l in f if not l.startswith("#")]
    return lines[0].split(","), [l.split(",") for l in lines[1:]]


def num(s):
    try:
        return float(s)
    except ValueError:
        return None


def main():
    args = sys.argv[1:]
    rel, absol = 1e-6, 1e-9
    if "--rel" in args:
        i = args.index("--rel")
        rel = float(args[i + 1])
        del args[i:i + 2]
    by_status = "--by-status" in args
    if by_status:
        args.remove("--by-status")
    if "--abs" in args:
        i = args.index("--abs")
        absol = float(args[i + 1])
        del args[i:i + 2]
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    ha, ra = rows(args[0])
    hb, rb = rows(args[1])
    if ha != hb:
        print("headers differ", file=sys.stderr)
        return 1
    if len(ra) != len(rb):
        print("row counts differ: %d and %d" % (len(ra), len(rb)))
        return 1
    bad = {}
    worst = {}
    shown = 0
    nbad_rows = 0
    for k, (a, b) in enumerate(zip(ra, rb)):
        row_bad = False
        for j, (x, y) in enumerate(zip(a, b)):
            if x == y:
                continue
            fx, fy = num(x), num(y)
            col = ha[j] if j < len(ha) else str(j)
            if fx is None or fy is None or math.isnan(fx) != math.isnan(fy) or math.isinf(fx) or math.isinf(fy):
                ok = False
                d = float("inf")
            else:
                diff = abs(fx - fy)
                scale = max(abs(fx), abs(fy))
                ok = diff <= rel * scale or diff <= absol
                d = diff / scale if scale > 0 else diff
            worst[col] = max(worst.get(col, 0.0), d)
            if not ok:
                bad[col] = bad.get(col, 0) + 1
                row_bad = True
                if shown < 12:
                    print("row %d, %s: %s -> %s" % (k + 1, col, x, y))
                    shown += 1
        nbad_rows += row_bad
    print("%d rows, %d differ beyond rel %g / abs %g" % (len(ra), nbad_rows, rel, absol))
    for col in sorted(worst):
        print("  %-24s worst relative difference %.2e%s" % (col, worst[col],
              ("  (%d beyond)" % bad[col]) if col in bad else ""))
    if by_status and "status" in ha:
        si = ha.index("status")
        trans = collections.Counter((a[si], b[si]) for a, b in zip(ra, rb))
        same = sum(v for (x, y), v in trans.items() if x == y)
        print("statuses: %d of %d rows the same" % (same, len(ra)))
        for (x, y), v in sorted(trans.items(), key=lambda kv: -kv[1]):
            if x != y:
                print("  %-18s -> %-18s %5d" % (x, y, v))
        opt = [(a, b) for a, b in zip(ra, rb) if a[si] == b[si] == "optimal"]
        print("rows optimal in both: %d; worst relative difference per column:" % len(opt))
        for j, col in enumerate(ha):
            w, beyond = 0.0, 0
            for a, b in opt:
                fx, fy = num(a[j]), num(b[j])
                if fx is None or fy is None or not (math.isfinite(fx) and math.isfinite(fy)) or a[j] == b[j]:
                    continue
                diff = abs(fx - fy)
                scale = max(abs(fx), abs(fy))
                d = diff / scale if scale > 0 else 0.0
                w = max(w, d)
                beyond += not (diff <= rel * scale or diff <= absol)
            if w > 0:
                print("  %-24s %.2e  (%d beyond)" % (col, w, beyond))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
