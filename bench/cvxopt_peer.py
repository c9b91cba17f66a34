#!/usr/bin/env python3
"""The CVXOPT peer of bench_conic: solves the SDPA files that
`bench_conic --sdpa DIR` wrote (the relaxation of (13) at (8, 3, 2), as
CSDP sees it: real embeddings of the Hermitian blocks) with Debian's
python3-cvxopt, and compares time and optimum with nisac's native backend
on the same problems (DIR/native_ms.txt).

usage: python3 bench/cvxopt_peer.py DIR [COUNT]

CVXOPT's sdp() solves min c^T x s.t. G x + s = h, s >= 0; the SDPA problem
max tr(C X) s.t. tr(A_i X) = a_i, X >= 0 is its dual (x = y, c = -a,
columns of G = the A_i, h = -C), so both optima equal tr(C X*).
Times are wall-clock seconds around solvers.sdp only (the problem's
matrices are built before the clock starts).
"""
import sys
import time

from cvxopt import matrix, solvers, spmatrix


def read_sdpa(path):
    with open(path) as f:
        lines = [l for l in f if not l.startswith('"') and not l.startswith("*")]
    m = int(lines[0].split()[0])
    nb = int(lines[1].split()[0])
    sizes = [int(v) for v in lines[2].split()[:nb]]
    a = [float(v) for v in lines[3].split()[:m]]
    ent = []
    for l in lines[4:]:
        p = l.split()
        if len(p) >= 5:
            ent.append((int(p[0]), int(p[1]) - 1, int(p[2]) - 1, int(p[3]) - 1, float(p[4])))
    return m, sizes, a, ent


def build(m, sizes, a, ent):
    """c, Gl, hl (diagonal block), Gs, hs (matrix blocks) for solvers.sdp."""
    lp = [i for i, s in enumerate(sizes) if s < 0]
    mats = [i for i, s in enumerate(sizes) if s > 0]
    nl = -sizes[lp[0]] if lp else 0
    Gs_i = {b: ([], [], []) for b in mats}
    hs = {b: matrix(0.0, (sizes[b], sizes[b])) for b in mats}
    Gl_i, Gl_j, Gl_v = [], [], []
    hl = matrix(0.0, (nl, 1)) if nl else None
    for mat, b, i, j, v in ent:
        if sizes[b] < 0:  # diagonal block: i == j
            if mat == 0:
                hl[i] = -v
            else:
                Gl_i.append(i)
                Gl_j.append(mat - 1)
                Gl_v.append(v)
            continue
        n = sizes[b]
        if mat == 0:
            hs[b][i, j] = -v
            hs[b][j, i] = -v
        else:
            rows, cols, vals = Gs_i[b]
            rows.append(i + j * n)
            cols.append(mat - 1)
            vals.append(v)
            if i != j:
                rows.append(j + i * n)
                cols.append(mat - 1)
                vals.append(v)
    c = matrix([-x for x in a])
    Gs = [spmatrix(Gs_i[b][2], Gs_i[b][0], Gs_i[b][1], (sizes[b] ** 2, m)) for b in mats]
    hs_l = [hs[b] for b in mats]
    Gl = spmatrix(Gl_v, Gl_i, Gl_j, (nl, m)) if nl else None
    return c, Gl, hl, Gs, hs_l


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    d = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 1000000
    solvers.options["show_progress"] = False
    native = {}
    with open(d + "/native_ms.txt") as f:
        for l in f:
            p = l.split()
            native[p[0]] = (float(p[1]), float(p[2]), p[3])
    tc, tn, worst, statuses = [], [], 0.0, {}
    for name in sorted(native)[:count]:
        m, sizes, a, ent = read_sdpa("%s/%s.dat-s" % (d, name))
        c, Gl, hl, Gs, hs = build(m, sizes, a, ent)
        t0 = time.perf_counter()
        if Gl is not None:
            sol = solvers.sdp(c, Gl=Gl, hl=hl, Gs=Gs, hs=hs)
        else:
            sol = solvers.sdp(c, Gs=Gs, hs=hs)
        tc.append(time.perf_counter() - t0)
        tn.append(native[name][0] / 1e3)
        statuses[sol["status"]] = statuses.get(sol["status"], 0) + 1
        if sol["status"] == "optimal" and native[name][2] == "optimal":
            # CVXOPT's dual objective is tr(C X) = -(the minimisation's optimum - constant)
            cv = -sol["dual objective"]
            nv = native[name][1]
            worst = max(worst, abs(cv - nv) / max(1.0, abs(nv)))
    tc.sort()
    tn.sort()
    med = lambda v: v[len(v) // 2] if len(v) % 2 else 0.5 * (v[len(v) // 2 - 1] + v[len(v) // 2])
    mc, mn = med(tc), med(tn)
    print("cvxopt      (8,3,2) all   20.0 dB  native %9.3f ms   cvxopt %9.3f ms (%d problems, %s)  cvxopt/native %6.1fx"
          "  worst rel diff of optima %.1e"
          % (1e3 * mn, 1e3 * mc, len(tc), ", ".join("%s %d" % kv for kv in sorted(statuses.items())), mc / mn, worst))
    return 0


if __name__ == "__main__":
    sys.exit(main())
