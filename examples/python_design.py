#!/usr/bin/env python3
"""nisac from Python, step by step (run from a source tree after `make`, with
PYTHONPATH=python, or after `make install`):

    PYTHONPATH=python python3 examples/python_design.py
"""
import numpy as np

import nisac

# 1. What is there.
print("systems:", nisac.systems())
print("rs-noma-isac algorithms:", nisac.algorithms("rs-noma-isac"))

# 2. Paper 000: power minimisation by SDR at a 12 dB SINR target, on the default channel draw.
r = nisac.design("noma-isac", "sdr-powermin", gamma_db=12)
print("noma-isac:", r["status"], "objective %.4f W," % r["objective"],
      "min SINR %.2f dB" % r["metrics"]["min_sinr_db"], "W", r["blocks"]["W"].shape)

# 3. Paper 004 with your own channels (rows are users: y_k = h_k^H x), e.g. from a ray tracer.
rng = np.random.default_rng(0)
K, M = 8, 64
H = (rng.standard_normal((K, M)) + 1j * rng.standard_normal((K, M))) * 1e-5
r = nisac.design("rs-noma-isac", "hao-sca", channels=H, M=M, Mx=8, L=2, options={"max_iter": 30})
print("rs-noma-isac:", r["status"], "sum rate %.2f bit/s/Hz on the true, impaired channel," % r["metrics"]["sum_rate"],
      "%.2f on the estimate" % r["metrics"]["design_sum_rate"], "after", r["iterations"], "iterations")
print("common-stream power fraction %.3f" % r["metrics"]["common_power_frac"])

# 4. Errors come back as exceptions with the library's message.
try:
    nisac.design("rs-noma-isac", "rs-wmmse", channels=np.full((K, M), np.nan), M=M, Mx=8)
except nisac.Error as e:
    print("refused:", e)
