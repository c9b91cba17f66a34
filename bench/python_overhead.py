#!/usr/bin/env python3
"""Calling overhead of the Python package: the median time of nisac.design on a small
rs-noma-isac instance (M = 4, K = 2, L = 0, rs-wmmse) over 500 calls, against the median of the
same library calls made from C (build/bench/bench_api_call: parameter set, instance draw, design
and the judge's evaluation, frees); the difference is what Python, ctypes and the conversion of
the report into a dict and NumPy arrays add.  Also printed: the design time the library itself
measures (report "wall", the algorithm alone).

    make build/bench/bench_api_call && PYTHONPATH=python python3 bench/python_overhead.py
"""
import os
import statistics
import subprocess
import time

import nisac

N = 500
ROUNDS = 5
peer = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "build", "bench", "bench_api_call")
py, cp, al = [], [], []
for _ in range(ROUNDS):  # rounds alternate Python and C, so that both see the machine's slow and fast spells
    calls, walls = [], []
    for i in range(N):
        t0 = time.perf_counter()
        r = nisac.design("rs-noma-isac", "rs-wmmse", M=4, Mx=2, K=2, L=0, seed=1 + i % 7)
        calls.append(time.perf_counter() - t0)
        walls.append(r["wall"])
    py.append(statistics.median(calls))
    al.append(statistics.median(walls))
    cp.append(float(subprocess.run([peer], check=True, capture_output=True, text=True).stdout) * 1e-6)
c, w, cpeer = statistics.median(py), statistics.median(al), statistics.median(cp)
print("median of %d rounds of %d calls: Python %.1f us, the same calls from C %.1f us (the algorithm alone %.1f us); "
      "overhead %.1f us (target <= 50 us)" % (ROUNDS, N, c * 1e6, cpeer * 1e6, w * 1e6, (c - cpeer) * 1e6))
