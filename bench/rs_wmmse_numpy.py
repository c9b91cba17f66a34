#!/usr/bin/env python3
"""NumPy peer of nisac's rs-wmmse iteration (src/algo/rs_wmmse.c), written
independently from the description in docs/models/rs_noma_isac.md.

It reads the instance and nisac's trace that build/bench/bench_rs_design
wrote into DIR (Hhat, A, beta, rcs, group, order as .npy; scalars.json),
runs the same iteration from the same initial point (33)-(38), checks
that its objective trace equals nisac's, and reports the median time per
iteration beside nisac's (same machine, same BLAS underneath NumPy).

    python3 bench/rs_wmmse_numpy.py DIR
"""
import json
import math
import sys
import time

import numpy as np

LN2 = math.log(2.0)


def load(d):
    s = json.load(open(d + "/scalars.json"))
    H = np.load(d + "/Hhat.npy")
    try:
        A = np.load(d + "/A.npy")
        beta = np.load(d + "/beta.npy")
        rcs = np.load(d + "/rcs.npy").real
    except FileNotFoundError:  # no target
        A, beta, rcs = np.zeros((H.shape[0], 0), complex), np.zeros(0, complex), np.zeros(0)
    group = np.load(d + "/group.npy").real.astype(int)
    order = np.load(d + "/order.npy").real.astype(int)
    trace = np.load(d + "/trace.npy").real
    return s, H, A, beta, rcs, group, order, trace


class RS:
    def __init__(self, s, H, A, beta, rcs, group, order):
        self.P, self.s2, self.ss2 = s["P"], s["sigma2"], s["sigma_s2"]
        self.a1, self.a2, self.kappa, self.ls = s["alpha1"], s["alpha2"], s["softmin"], s["line_search"]
        M, K = H.shape
        L = A.shape[1]
        G = s["G"]
        self.K, self.L, self.G = K, L, G
        self.n, self.nb = K + L, G + K + 1
        V = np.hstack([H, A])
        self.Gm = V.conj().T @ V
        self.rcs, self.group, self.order = rcs, group, order
        na = self.Gm[K:, K:].diagonal().real
        b2 = np.abs(beta) ** 2
        self.g = b2 * na                                    # g_l
        self.c = b2[None, :] * np.abs(self.Gm[K:, K:].T) ** 2 / na[:, None]  # c[l, j]
        np.fill_diagonal(self.c, 0.0)
        members = [sorted(np.flatnonzero(group == g), key=lambda k: order[k]) for g in range(G)]
        self.members = members
        # stages: (user, beam, excluded beams); messages: lists of stages
        self.st_user, self.st_beam, self.excl, self.msgs = [], [], [], []
        for b in range(G + K):
            g = b if b < G else group[b - G]
            oi = -1 if b < G else order[b - G]
            m = []
            for k in members[g]:
                if order[k] < oi:
                    continue
                ex = [] if b < G else [g] + [G + q for q in members[g][:oi]]
                m.append(len(self.st_user))
                self.st_user.append(k)
                self.st_beam.append(b)
                self.excl.append(ex)
            self.msgs.append(m)
        self.st_user = np.array(self.st_user)
        self.st_beam = np.array(self.st_beam)
        ns = len(self.st_user)
        self.exmask = np.zeros((ns, self.nb))
        for s_, ex in enumerate(self.excl):
            self.exmask[s_, ex] = 1.0
        # per beam: (users that cancelled it, their stages)
        self.cancel = []
        for b in range(G + K):
            g = b if b < G else group[b - G]
            F = []
            for k in members[g]:
                st = [s_ for s_ in range(ns) if self.st_user[s_] == k and b in self.excl[s_]]
                if st:
                    F.append((k, st))
            self.cancel.append(F)

    def initial(self):
        K, G, n, nb = self.K, self.G, self.n, self.nb
        X = np.zeros((n, nb), complex)
        X[np.arange(K), self.group] = 1.0
        X[:K, G:G + K] = np.linalg.solve(self.Gm[:K, :K] + self.s2 / self.P * np.eye(K), np.eye(K))
        X[K:, G + K] = np.sqrt(self.rcs)
        p = np.einsum("ib,ib->b", X.conj(), self.Gm @ X).real
        active = p > 0  # the sensing beam only with targets
        X[:, active] *= np.sqrt(self.P / active.sum() / p[active])[None, :]
        return X

    def evaluate(self, Y, pw, aux):
        K, L = self.K, self.L
        n2 = self.s2 * pw / self.P
        Yu = np.abs(Y[:K, :]) ** 2
        tot = Yu.sum(1)
        u = self.st_user
        pres = tot[u] - (self.exmask * Yu[u, :]).sum(1)
        pres = np.maximum(pres, 0) + n2
        y = Y[u, self.st_beam]
        e = np.maximum(1 - np.abs(y) ** 2 / pres, 1e-300)
        rate = -np.log2(e)
        f = self.a1 * sum(rate[m].min() for m in self.msgs)
        q = (np.abs(Y[K:, :]) ** 2).sum(1)                     # a_l^H Q a_l
        N = self.g * q
        D = self.c @ q + self.ss2 * pw / self.P
        gam = N / D
        f += self.a2 * np.log2(1 + gam).sum()
        if aux:
            self.rate, self.u, self.omega, self.gam = rate, y.conj() / pres, 1 / e, gam
            self.z = np.sqrt(self.g)[:, None] * Y[K:, :] / (N + D)[:, None]
        return f

    def surrogate(self, Y, pw):
        K = self.K
        n2 = self.s2 * pw / self.P
        Yu = np.abs(Y[:K, :]) ** 2
        tot = Yu.sum(1)
        u = self.st_user
        pres = np.maximum(tot[u] - (self.exmask * Yu[u, :]).sum(1), 0) + n2
        y = Y[u, self.st_beam]
        e = np.abs(self.u) ** 2 * pres - 2 * (self.u * y).real + 1
        m = (np.log(self.omega) - self.omega * e + 1) / LN2
        S = self.a1 * sum(m[ms].min() for ms in self.msgs)
        q = (np.abs(Y[K:, :]) ** 2).sum(1)
        N = self.g * q
        D = self.c @ q + self.ss2 * pw / self.P
        zx = (self.z.conj() * np.sqrt(self.g)[:, None] * Y[K:, :]).sum(1).real
        z2 = (np.abs(self.z) ** 2).sum(1)
        g0 = self.gam
        S += self.a2 * ((np.log1p(g0) - g0 + (1 + g0) * (2 * zx - z2 * (N + D))) / LN2).sum()
        return S

    def weights(self, kappa):
        lam = np.empty(len(self.rate))
        for m in self.msgs:
            r = self.rate[m]
            w = (r == r.min()).astype(float) if math.isinf(kappa) else np.exp(-kappa * (r - r.min()))
            lam[m] = np.maximum(w / w.sum(), 1e-9)
        return lam

    def wstep(self, lam):
        K, L, G, n, nb = self.K, self.L, self.G, self.n, self.nb
        u = self.st_user
        nu = self.a1 * lam / LN2
        cs = nu * self.omega * np.abs(self.u) ** 2
        E = np.zeros(n)
        np.add.at(E, u, cs)
        mu = cs.sum() * self.s2 / self.P
        Bt = np.zeros((n, nb), complex)
        Bt[u, self.st_beam] += nu * self.omega * self.u.conj()
        t = self.a2 / LN2 * (1 + self.gam)
        sc = t * (np.abs(self.z) ** 2).sum(1)
        mu += sc.sum() * self.ss2 / self.P
        Bt[K:, :] += (t * np.sqrt(self.g))[:, None] * self.z
        E[K:] = sc * self.g + self.c.T @ sc
        Es = np.sqrt(E)
        S = mu * np.eye(n) + Es[:, None] * self.Gm * Es[None, :]
        Lc = np.linalg.cholesky(S)
        R = np.hstack([Es[:, None] * (self.Gm @ Bt), Es[:, None] * self.Gm[:, :K]])
        R = np.linalg.solve(Lc.conj().T, np.linalg.solve(Lc, R))
        X = (Bt - Es[:, None] * R[:, :nb]) / mu
        TU = (np.eye(n)[:, :K] - Es[:, None] * R[:, nb:]) / mu
        for b in range(G + K):
            F = self.cancel[b]
            if not F:
                continue
            ks = [k for k, _ in F]
            f = np.array([cs[st].sum() for _, st in F])
            TF = TU[:, ks] * f[None, :]
            Amat = np.eye(len(ks)) - self.Gm[ks, :] @ TF
            r = np.linalg.solve(Amat, self.Gm[ks, :] @ X[:, b])
            X[:, b] += TF @ r
        return X

    def iterate(self, X, f):
        Y = self.Gm @ X
        for kappa in (self.kappa, math.inf):
            Xn = self.wstep(self.weights(kappa))
            Yn = self.Gm @ Xn
            for q in range(self.ls + 1):
                tau = 2.0 ** -q
                Xb, Yb = X + tau * (Xn - X), Y + tau * (Yn - Y)
                pt = np.einsum("ib,ib->", Xb.conj(), Yb).real
                if self.surrogate(Yb, pt) >= f + 1e-13 * abs(f):
                    sc = math.sqrt(self.P / pt)
                    return Xb * sc, Yb * sc
        return None, None


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    s, H, A, beta, rcs, group, order, trace = load(sys.argv[1])
    rs = RS(s, H, A, beta, rcs, group, order)
    X = rs.initial()
    Y = rs.Gm @ X
    f = rs.evaluate(Y, rs.P, True)
    ours, times = [f], []
    for _ in range(s["iters"]):
        t0 = time.perf_counter()
        X, Y = rs.iterate(X, f)
        if X is None:
            break
        f = rs.evaluate(Y, rs.P, True)
        times.append(time.perf_counter() - t0)
        ours.append(f)
    ours = np.array(ours)
    m = min(len(ours), len(trace))
    dev = np.max(np.abs(ours[:m] - trace[:m]) / np.abs(trace[:m]))
    per = float(np.median(times))
    print("iterations %d (nisac %d); largest relative difference of the objective traces %.2e" % (len(ours) - 1, len(trace) - 1, dev))
    print("per iteration: NumPy %.4f s, nisac %.4f s, nisac faster by x%.2f" % (per, s["c_seconds_per_iter"], per / s["c_seconds_per_iter"]))
    return 0 if dev < 1e-6 and len(ours) == len(trace) else 1


if __name__ == "__main__":
    sys.exit(main())
