#!/usr/bin/env python3
"""Calling overhead of the Python package: the median time of nisac.design on a small
rs-noma-isac instance (M = 4, K = 2, L = 0, rs-wmmse) minus the median design time the
library itself measures (report "wall": the algorithm and the judge), over 500 calls; the
difference is what Python, ctypes, the parameter set-up and the instance draw add.

    PYTHONPATH=python python3 bench/python_overhead.py
"""
import statistics
import time

import nisac

N = 500
calls, walls = [], []
for i in range(N):
    t0 = time.perf_counter()
    r = nisac.design("rs-noma-isac", "rs-wmmse", M=4, Mx=2, K=2, L=0, seed=1 + i % 7)
    calls.append(time.perf_counter() - t0)
    walls.append(r["wall"])
c, w = statistics.median(calls), statistics.median(walls)
print("median per call %.1f us; inside the library's design %.1f us; overhead %.1f us (target <= 50 us)"
      % (c * 1e6, w * 1e6, (c - w) * 1e6))
