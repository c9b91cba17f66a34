"""The Python package against the nisac program: the same inputs give the same bits
(objective, every scalar metric, the design blocks), on the three systems; bad arrays and
names raise nisac.Error and never crash the interpreter.  Run by tests/check_python.sh."""
import json
import os
import subprocess
import tempfile

import numpy as np
import pytest

import nisac

PROG = os.environ.get("NISAC", os.path.join(os.path.dirname(__file__), "..", "..", "build", "nisac"))


def cli(*args):
    """The program's JSON report, with its design blocks (--save-design, .npy) under "blocks"."""
    with tempfile.TemporaryDirectory() as d:
        out = subprocess.run([PROG, "solve", "--json", "--save-design", d, *args], check=True, capture_output=True,
                             text=True).stdout
        c = json.loads(out)
        c["blocks"] = {f[:-4]: np.load(os.path.join(d, f)) for f in os.listdir(d) if f.endswith(".npy")}
    return c


def same(py, c):
    assert py["status"] == c["status"]
    assert py["objective"] == c["objective"] or (np.isnan(py["objective"]) and c["objective"] is None)
    for k, v in c["metrics"].items():
        if isinstance(v, list) or v is None or "wall" in k:  # seconds vary from run to run
            continue
        assert py["metrics"][k] == v, k
    assert set(py["blocks"]) == set(c["blocks"]) and py["blocks"]
    for k, v in c["blocks"].items():  # the program saves real blocks as complex128 with zero imaginary parts
        assert py["blocks"][k].shape == v.shape and np.array_equal(py["blocks"][k], v), k


def test_catalogue():
    assert set(nisac.systems()) == {"noma-isac", "ris-noma-isac", "rs-noma-isac"}
    assert "rs-wmmse" in nisac.algorithms("rs-noma-isac") and "sdr-powermin" in nisac.algorithms("noma-isac")


def test_noma_isac_as_the_program():
    same(nisac.design("noma-isac", "sdr-powermin", gamma_db=12), cli("--algo", "sdr-powermin", "--gamma-db", "12"))


def test_ris_noma_isac_as_the_program():
    same(nisac.design("ris-noma-isac", "ris-sdma", seed=3, Gamma_db=0),
         cli("--system", "ris-noma-isac", "--algo", "ris-sdma", "--seed", "3", "--Gamma-db", "0"))


def test_rs_noma_isac_channels_as_the_program():
    rng = np.random.default_rng(7)
    H = (rng.standard_normal((4, 16)) + 1j * rng.standard_normal((4, 16))) * 1e-5
    py = nisac.design("rs-noma-isac", "hao-sca", channels=H, M=16, Mx=4, L=1, seed=2)
    with tempfile.TemporaryDirectory() as d:
        np.save(os.path.join(d, "h.npy"), H)
        with open(os.path.join(d, "s.json"), "w") as f:
            json.dump({"system": "rs-noma-isac", "M": 16, "Mx": 4, "L": 1, "seed": 2, "channels": "h.npy"}, f)
        c = cli("--config", os.path.join(d, "s.json"), "--algo", "hao-sca")
    same(py, c)
    assert py["blocks"]["Wp"].shape == (16, 4) and py["blocks"]["Wp"].dtype == np.complex128
    assert abs(np.sum(np.abs(py["blocks"]["Wc"]) ** 2) + np.sum(np.abs(py["blocks"]["Wp"]) ** 2)
               + np.sum(np.abs(py["blocks"]["ws"]) ** 2) - py["metrics"]["power"]) < 1e-9 * py["metrics"]["power"]


@pytest.mark.parametrize("bad, why", [
    (np.zeros(16), "2-D"),
    (np.array([["a"] * 16] * 4), "numbers"),
    (np.full((4, 16), np.nan), "NaN"),
    (np.ones((4, 15)), "vectors of 15 entries"),
])
def test_bad_channels_raise(bad, why):
    with pytest.raises(nisac.Error, match=why):
        nisac.design("rs-noma-isac", "rs-wmmse", channels=bad, M=16, Mx=4)


def test_bad_names_raise():
    with pytest.raises(nisac.Error, match="unknown system"):
        nisac.design("nope", "rs-wmmse")
    with pytest.raises(nisac.Error, match="unknown algorithm"):
        nisac.design("noma-isac", "nope")
    with pytest.raises(nisac.Error, match="unknown parameter"):
        nisac.design("noma-isac", "sdr-powermin", nope=1)
    with pytest.raises(nisac.Error, match="field 'gamma_db'"):
        nisac.design("noma-isac", "sdr-powermin", gamma_db=1e9)


def test_evaluate_judges_own_beams():
    r = nisac.design("rs-noma-isac", "rs-wmmse", M=16, Mx=4, K=4, L=1, seed=5)
    e = nisac.evaluate("rs-noma-isac", r["blocks"], M=16, Mx=4, K=4, L=1, seed=5)
    for k in ("objective", "sum_rate", "design_sum_rate", "min_sense_sinr_db", "power"):
        assert e["metrics"][k] == r["metrics"][k], k
    assert e["max_violation"] == 0 and set(e["violations"]) == {"power", "rate", "pd", "crlb"}
    half = {k: v / 2 for k, v in r["blocks"].items() if k in ("Wc", "Wp", "ws")}  # half the amplitude
    e2 = nisac.evaluate("rs-noma-isac", half, M=16, Mx=4, K=4, L=1, seed=5)
    assert abs(e2["metrics"]["power"] - r["metrics"]["power"] / 4) < 1e-9 * r["metrics"]["power"]
    with pytest.raises(nisac.Error, match="no design block 'V'"):
        nisac.evaluate("rs-noma-isac", {"V": np.zeros((16, 4))}, M=16, Mx=4, K=4)
    with pytest.raises(nisac.Error, match=r"expected shape \(16, 4\)"):
        nisac.evaluate("rs-noma-isac", {"Wp": np.zeros((4, 16))}, M=16, Mx=4, K=4)


def test_run_as_the_program():
    cfg = os.path.join(os.path.dirname(__file__), "..", "..", "experiments", "paper000", "fig4.json")
    with tempfile.TemporaryDirectory() as d:
        with open(cfg) as f:
            c = json.load(f)
        c["trials"] = 2
        small = os.path.join(d, "c.json")
        with open(small, "w") as f:
            json.dump(c, f)
        a = nisac.run(small, out=os.path.join(d, "py"))
        subprocess.run([PROG, "run", small, "--out", os.path.join(d, "cli"), "--quiet", "--workers", "1"], check=True)
        rows = lambda p: [l for l in open(p) if not l.startswith("#")]
        assert rows(a) == rows(os.path.join(d, "cli", "results.csv"))
        assert os.path.exists(os.path.join(d, "py", "summary.md"))


def test_tables_and_named_choices():
    names = [p["name"] for p in nisac.parameters("rs-noma-isac")]
    assert names[:3] == ["M", "Mx", "K"]
    o = {x["name"]: x for x in nisac.options("noma-isac", "sdr-powermin")}
    assert o["solver"]["choices"] == ["native", "csdp"] and o["solver"]["default"] == "native"
    assert nisac.options("rs-noma-isac", "td3")[0] == {"name": "weights", "type": "text", "unit": "",
                                                         "help": nisac.options("rs-noma-isac", "td3")[0]["help"],
                                                         "default": None}
    same(nisac.design("noma-isac", "sdr-powermin", gamma_db=12, options={"solver": "csdp"}),
         cli("--algo", "sdr-powermin", "--gamma-db", "12", "--solver", "csdp"))
    with pytest.raises(nisac.Error, match="expected one of native|csdp"):
        nisac.design("noma-isac", "sdr-powermin", options={"solver": "cvx"})
    with pytest.raises(nisac.Error, match="takes a number, not text"):
        nisac.design("noma-isac", "sdr-powermin", gamma_db="high")
