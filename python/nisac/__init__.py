"""nisac from Python: the C library through ctypes, NumPy arrays in and out.

    import nisac
    nisac.systems()                                  # names
    nisac.algorithms("rs-noma-isac")                 # names
    r = nisac.design("noma-isac", "sdr-powermin", seed=1, gamma_db=12)
    r["status"], r["objective"], r["metrics"]["min_sinr_db"], r["blocks"]["W"]
    r = nisac.design("rs-noma-isac", "rs-wmmse", channels=H, M=16, Mx=4, K=4)
    e = nisac.evaluate("rs-noma-isac", {"Wp": W}, channels=H, M=16, Mx=4)   # your own beams, judged
    nisac.run("experiments/paper000/fig4.json", out="results/fig4")     # an experiment config

The library is found next to this package in a source tree
(build/libnisac.so), then by the system's loader (an installed
libnisac.so.0), or at NISAC_LIBRARY.  Errors raise nisac.Error with the
library's message.  Designs are computed with one BLAS thread, as the
`nisac` program does, so that both give the same bits.
"""
import ctypes
import math
import os

import numpy as np

__all__ = ["Error", "systems", "algorithms", "parameters", "options", "design", "evaluate", "run", "library"]


class Error(Exception):
    """An error reported by the nisac library (its message)."""


def _load():
    here = os.path.dirname(os.path.abspath(__file__))
    cands = [os.environ.get("NISAC_LIBRARY"),
             os.path.join(here, "..", "..", "build", "libnisac.so"),
             "libnisac.so.0", "libnisac.so"]
    last = None
    for c in cands:
        if not c:
            continue
        try:
            return ctypes.CDLL(c)
        except OSError as e:
            last = e
    raise ImportError("nisac: cannot load libnisac (build it with make, install it, or set NISAC_LIBRARY): %s" % last)


library = _load()
try:  # one BLAS thread, as the program (bit-identical designs)
    library.openblas_set_num_threads(1)
except AttributeError:
    try:
        ctypes.CDLL("libopenblas.so.0").openblas_set_num_threads(1)
    except (OSError, AttributeError):
        pass


class _Metric(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("unit", ctypes.c_char_p), ("dim", ctypes.c_int),
                ("conv", ctypes.c_int), ("flags", ctypes.c_uint), ("help", ctypes.c_char_p)]


class _Input(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("outer", ctypes.c_char_p), ("inner", ctypes.c_char_p),
                ("help", ctypes.c_char_p)]


class _System(ctypes.Structure):  # the leading fields of struct nisac_system
    _fields_ = [("name", ctypes.c_char_p), ("summary", ctypes.c_char_p), ("params", ctypes.c_void_p),
                ("nparams", ctypes.c_int), ("dims", ctypes.c_void_p), ("ndims", ctypes.c_int),
                ("metrics", ctypes.POINTER(_Metric)), ("nmetrics", ctypes.c_int),
                ("constraints", ctypes.c_void_p), ("nconstraints", ctypes.c_int),
                ("inputs", ctypes.POINTER(_Input)), ("ninputs", ctypes.c_int)]


class _Algo(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("system", ctypes.c_char_p), ("summary", ctypes.c_char_p),
                ("opts", ctypes.c_void_p), ("nopts", ctypes.c_int)]


class _ParamTable(ctypes.Structure):  # nisac_param_def
    _fields_ = [("name", ctypes.c_char_p), ("alias", ctypes.c_char_p), ("type", ctypes.c_int), ("conv", ctypes.c_int),
                ("unit", ctypes.c_char_p), ("default", ctypes.c_double), ("lo", ctypes.c_double),
                ("hi", ctypes.c_double), ("flags", ctypes.c_uint), ("choices", ctypes.POINTER(ctypes.c_char_p)),
                ("nchoices", ctypes.c_int), ("def_list", ctypes.POINTER(ctypes.c_double)), ("def_len", ctypes.c_int),
                ("from_metric", ctypes.c_char_p), ("help", ctypes.c_char_p)]


_TYPES = ["int", "real", "choice", "bool", "list", "text"]


def _table(ptr, n):
    out = []
    defs = ctypes.cast(ptr, ctypes.POINTER(_ParamTable))
    for i in range(n):
        d = defs[i]
        t = _TYPES[d.type]
        entry = {"name": d.name.decode(), "type": t, "unit": (d.unit or b"").decode(), "help": (d.help or b"").decode()}
        if t == "choice":
            entry["choices"] = [d.choices[j].decode() for j in range(d.nchoices)]
            entry["default"] = entry["choices"][int(d.default)]
        elif t == "bool":
            entry["default"] = bool(d.default)
        elif t == "list":
            entry["default"] = [d.def_list[j] for j in range(d.def_len)]
        elif t == "text":
            entry["default"] = None
        else:
            entry["default"] = int(d.default) if t == "int" else d.default
            entry["range"] = (d.lo, d.hi)
        out.append(entry)
    return out


class _Inputs(ctypes.Structure):
    _fields_ = [("n", ctypes.c_int), ("rows", ctypes.POINTER(ctypes.c_int)), ("cols", ctypes.POINTER(ctypes.c_int)),
                ("z", ctypes.POINTER(ctypes.c_void_p))]


class _Block(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("rows", ctypes.c_int), ("cols", ctypes.c_int),
                ("z", ctypes.c_void_p), ("x", ctypes.POINTER(ctypes.c_double))]


class _Design(ctypes.Structure):
    _fields_ = [("sys", ctypes.c_void_p), ("nblocks", ctypes.c_int), ("blocks", ctypes.POINTER(_Block)),
                ("imposed", ctypes.c_uint), ("scheme", ctypes.c_int)]


class _Eval(ctypes.Structure):
    _fields_ = [("sys", ctypes.c_void_p), ("nmetrics", ctypes.c_int), ("len", ctypes.POINTER(ctypes.c_int)),
                ("val", ctypes.POINTER(ctypes.POINTER(ctypes.c_double))), ("viol", ctypes.POINTER(ctypes.c_double)),
                ("max_viol", ctypes.c_double), ("worst", ctypes.c_int)]


class _Report(ctypes.Structure):
    _fields_ = [("status", ctypes.c_int), ("error", ctypes.c_int), ("objective", ctypes.c_double),
                ("objective_metric", ctypes.c_char_p), ("bound", ctypes.c_double), ("gap", ctypes.c_double),
                ("pinf", ctypes.c_double), ("iterations", ctypes.c_int), ("solves", ctypes.c_int),
                ("wall", ctypes.c_double), ("note", ctypes.c_char * 256), ("ninfo", ctypes.c_int),
                ("capinfo", ctypes.c_int), ("info", ctypes.c_void_p), ("eval", ctypes.POINTER(_Eval))]


_L = library
_L.nisac_catalog_builtin.restype = ctypes.c_void_p
_L.nisac_catalog_nsystems.argtypes = [ctypes.c_void_p]
_L.nisac_catalog_system_at.argtypes = [ctypes.c_void_p, ctypes.c_int]
_L.nisac_catalog_system_at.restype = ctypes.POINTER(_System)
_L.nisac_catalog_nalgos.argtypes = [ctypes.c_void_p]
_L.nisac_catalog_algo_at.argtypes = [ctypes.c_void_p, ctypes.c_int]
_L.nisac_catalog_algo_at.restype = ctypes.POINTER(_Algo)
_L.nisac_system_find.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
_L.nisac_system_find.restype = ctypes.POINTER(_System)
_L.nisac_algo_find.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_char_p]
_L.nisac_algo_find.restype = ctypes.c_void_p
_L.nisac_system_params.argtypes = [ctypes.c_void_p]
_L.nisac_system_params.restype = ctypes.c_void_p
_L.nisac_algo_opts.argtypes = [ctypes.c_void_p]
_L.nisac_algo_opts.restype = ctypes.c_void_p
_L.nisac_params_free.argtypes = [ctypes.c_void_p]
_L.nisac_params_set_named.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_double]
_L.nisac_params_set_text.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_char_p]
_L.nisac_system_check.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
_L.nisac_algo_check.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
_L.nisac_instance_new.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int, ctypes.POINTER(_Inputs),
                                  ctypes.c_uint64, ctypes.c_uint64, ctypes.c_uint64, ctypes.POINTER(ctypes.c_void_p)]
_L.nisac_instance_free.argtypes = [ctypes.c_void_p]
_L.nisac_design_new.argtypes = [ctypes.c_void_p]
_L.nisac_design_new.restype = ctypes.POINTER(_Design)
_L.nisac_design_free.argtypes = [ctypes.POINTER(_Design)]
_L.nisac_report_new.restype = ctypes.POINTER(_Report)
_L.nisac_report_free.argtypes = [ctypes.POINTER(_Report)]
_L.nisac_design.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_uint64,
                            ctypes.POINTER(_Design), ctypes.POINTER(_Report)]
_L.nisac_last_error.restype = ctypes.c_char_p
_L.nisac_metric_to_record.argtypes = [ctypes.POINTER(_Metric), ctypes.c_double]
_L.nisac_metric_to_record.restype = ctypes.c_double
_L.nisac_status_name.argtypes = [ctypes.c_int]
_L.nisac_status_name.restype = ctypes.c_char_p


def _err(what):
    msg = _L.nisac_last_error()
    raise Error("%s: %s" % (what, msg.decode() if msg else "unknown error"))


def systems():
    """The names of the built-in systems."""
    c = _L.nisac_catalog_builtin()
    return [_L.nisac_catalog_system_at(c, i).contents.name.decode() for i in range(_L.nisac_catalog_nsystems(c))]


def algorithms(system=None):
    """The names of the algorithms (of one system)."""
    c = _L.nisac_catalog_builtin()
    out = []
    for i in range(_L.nisac_catalog_nalgos(c)):
        a = _L.nisac_catalog_algo_at(c, i).contents
        if system is None or a.system.decode() == system:
            out.append(a.name.decode())
    return out


def parameters(system):
    """The scenario parameters of a system: name, type, unit, default (in the unit shown),
    range or choices, help, as `nisac solve --system NAME --help` lists them."""
    sysp = _L.nisac_system_find(None, system.encode())
    if not sysp:
        raise Error("parameters: unknown system '%s' (known: %s)" % (system, ", ".join(systems())))
    return _table(sysp.contents.params, sysp.contents.nparams)


def options(system, algo):
    """The options of an algorithm (its own table), as `parameters` describes them."""
    sysp = _L.nisac_system_find(None, system.encode())
    ap = _L.nisac_algo_find(None, ctypes.cast(sysp, ctypes.c_void_p), algo.encode()) if sysp else None
    if not ap:
        raise Error("options: unknown algorithm '%s' for system '%s'" % (algo, system))
    a = ctypes.cast(ap, ctypes.POINTER(_Algo)).contents
    return _table(a.opts, a.nopts)


def _set(p, name, value, what):
    i = _param_index(p, name)
    if isinstance(value, str):
        d = ctypes.cast(ctypes.cast(p, ctypes.POINTER(_Params)).contents.defs, ctypes.POINTER(_ParamTable))[i] \
            if i is not None else None
        if d is not None and _TYPES[d.type] == "text":
            if _L.nisac_params_set_text(p, i, value.encode()):
                _err(what)
            return
        if d is not None and _TYPES[d.type] == "choice":
            names = [d.choices[j].decode() for j in range(d.nchoices)]
            if value not in names:
                raise Error("%s: field '%s': expected one of %s, got '%s'" % (what, name, "|".join(names), value))
            value = names.index(value)
        else:
            raise Error("%s: field '%s': takes a number, not text" % (what, name))
    if isinstance(value, bool):
        value = 1.0 if value else 0.0
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise Error("%s: %s: expected a number, got %r" % (what, name, value)) from None
    if not math.isfinite(v):
        raise Error("%s: %s: expected a finite number, got %r" % (what, name, value))
    if _L.nisac_params_set_named(p, name.encode(), v):
        _err(what)


_L.nisac_param_find.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_char_p]


class _Params(ctypes.Structure):
    _fields_ = [("defs", ctypes.c_void_p), ("n", ctypes.c_int)]


def _param_index(p, name):
    ps = ctypes.cast(p, ctypes.POINTER(_Params)).contents
    i = _L.nisac_param_find(ps.defs, ps.n, name.encode())
    return None if i < 0 else i


def _inputs(sysp, channels):
    """The system's first explicit input ("channels": K vectors of M) from an array of shape (K, M)."""
    s = sysp.contents
    if s.ninputs < 1:
        raise Error("design: system '%s' takes no explicit channels" % s.name.decode())
    a = np.asarray(channels)
    if a.ndim != 2:
        raise Error("design: channels: expected a 2-D array (%s x %s), got shape %s"
                    % (s.inputs[0].outer.decode(), s.inputs[0].inner.decode(), a.shape))
    if not np.issubdtype(a.dtype, np.number):
        raise Error("design: channels: expected numbers, got dtype %s" % a.dtype)
    a = np.ascontiguousarray(a, dtype=np.complex128)  # row k is vector k: column-major inner x outer
    if not np.all(np.isfinite(a)):
        raise Error("design: channels: the array holds NaN or infinite values")
    n = s.ninputs
    rows = (ctypes.c_int * n)()
    cols = (ctypes.c_int * n)()
    z = (ctypes.c_void_p * n)()
    rows[0], cols[0] = a.shape[1], a.shape[0]
    z[0] = a.ctypes.data
    return _Inputs(n, rows, cols, z), a, (s.inputs[0].outer.decode(), s.inputs[0].inner.decode())


def _instance(sysp, p, channels, params, seed, trial, inst, what, more_checks):
    """The instance of system parameters p (keywords params, channels of shape (outer, inner)) into inst."""
    inp = None
    if channels is not None:
        inp, keep, (outer, inner) = _inputs(sysp, channels)
        _set(p, outer, keep.shape[0], what)
        _set(p, inner, keep.shape[1], what)
    for k, v in params.items():
        _set(p, k, v, what)
    if _L.nisac_system_check(ctypes.cast(sysp, ctypes.c_void_p), p) or more_checks():
        _err(what)
    if _L.nisac_instance_new(ctypes.cast(sysp, ctypes.c_void_p), p, 0, ctypes.byref(inp) if inp else None,
                             seed, 0, trial, ctypes.byref(inst)):
        _err(what)


def design(system, algo, channels=None, seed=1, trial=0, algo_seed=1, options=None, **params):
    """Designs with algorithm `algo` for `system` on the channel drawn from (seed, trial) or given as
    `channels` (an array of shape (K, M): row k is h_k, with y_k = h_k^H x), system parameters as
    keywords and the algorithm's options in `options` (a dict).  Returns a dict: status, objective,
    iterations, solves, wall, note, max_violation, metrics (name -> float or array, in the unit the
    program records: dB where the metric's table says so) and blocks (name -> array, complex or
    real)."""
    sysp = _L.nisac_system_find(None, system.encode())
    if not sysp:
        raise Error("design: unknown system '%s' (known: %s)" % (system, ", ".join(systems())))
    ap = _L.nisac_algo_find(None, ctypes.cast(sysp, ctypes.c_void_p), algo.encode())
    if not ap:
        raise Error("design: unknown algorithm '%s' for system '%s' (known: %s)"
                    % (algo, system, ", ".join(algorithms(system))))
    p = _L.nisac_system_params(ctypes.cast(sysp, ctypes.c_void_p))
    o = _L.nisac_algo_opts(ap)
    inst = ctypes.c_void_p()
    d = r = None
    try:
        for k, v in (options or {}).items():
            _set(o, k, v, "design")
        _instance(sysp, p, channels, params, seed, trial, inst, "design", lambda: _L.nisac_algo_check(ap, p, o))
        d = _L.nisac_design_new(inst)
        r = _L.nisac_report_new()
        if not d or not r:
            raise Error("design: out of memory")
        if _L.nisac_design(ap, inst, o, algo_seed, d, r):
            _err("design")
        rep = r.contents
        out = {"status": _L.nisac_status_name(rep.status).decode(), "objective": rep.objective,
               "iterations": rep.iterations, "solves": rep.solves, "wall": rep.wall,
               "note": rep.note.decode(errors="replace"), "metrics": {}, "blocks": {}}
        ev = rep.eval
        if ev:
            out["max_violation"] = ev.contents.max_viol
            out["metrics"] = _metrics(sysp, ev.contents)
        dd = d.contents
        for i in range(dd.nblocks):
            b = dd.blocks[i]
            n = b.rows * b.cols
            if b.z:
                arr = np.ctypeslib.as_array(ctypes.cast(b.z, ctypes.POINTER(ctypes.c_double)), shape=(2 * n,))
                arr = arr.view(np.complex128).reshape(b.cols, b.rows).T.copy()
            else:
                arr = np.ctypeslib.as_array(b.x, shape=(n,)).reshape(b.cols, b.rows).T.copy()
            out["blocks"][b.name.decode()] = arr
        return out
    finally:
        if r:
            _L.nisac_report_free(r)
        if d:
            _L.nisac_design_free(d)
        if inst:
            _L.nisac_instance_free(inst)
        _L.nisac_params_free(o)
        _L.nisac_params_free(p)


class _EvalOpts(ctypes.Structure):
    _fields_ = [("mode", ctypes.c_int), ("eps", ctypes.c_double), ("rng", ctypes.c_void_p),
                ("feas_tol", ctypes.c_double)]


_L.nisac_eval_new.argtypes = [ctypes.c_void_p]
_L.nisac_eval_new.restype = ctypes.POINTER(_Eval)
_L.nisac_eval_free.argtypes = [ctypes.POINTER(_Eval)]
_L.nisac_evaluate.argtypes = [ctypes.c_void_p, ctypes.POINTER(_Design), ctypes.c_void_p, ctypes.POINTER(_EvalOpts),
                              ctypes.POINTER(_Eval)]


_metric_tables = {}


def _metric_table(sysp):
    """(name, conv, scalar, pointer to the metric's definition) per metric of a system, looked up once."""
    key = ctypes.addressof(sysp.contents)
    t = _metric_tables.get(key)
    if t is None:
        sy = sysp.contents
        base = ctypes.addressof(sy.metrics.contents)
        size = ctypes.sizeof(_Metric)
        t = [(sy.metrics[i].name.decode(), sy.metrics[i].conv, sy.metrics[i].dim < 0,
              ctypes.cast(base + i * size, ctypes.POINTER(_Metric))) for i in range(sy.nmetrics)]
        _metric_tables[key] = t
    return t


def _metrics(sysp, e):
    out = {}
    for i, (name, conv, scalar, mp) in enumerate(_metric_table(sysp)):
        n = e.len[i]
        v = e.val[i]
        if scalar and n == 1:
            out[name] = v[0] if conv == 0 else _L.nisac_metric_to_record(mp, v[0])
        elif conv == 0:
            out[name] = np.ctypeslib.as_array(v, shape=(n,)).copy() if n > 0 else np.zeros(0)
        else:
            out[name] = np.array([_L.nisac_metric_to_record(mp, v[j]) for j in range(n)])
    return out


def evaluate(system, blocks, channels=None, seed=1, trial=0, feas_tol=1e-6, **params):
    """Judges a design of your own: blocks maps the system's design block names (as `design`
    returns them) to arrays of their shapes; blocks not given are zero.  The channel is drawn from
    (seed, trial) or given as `channels`.  Returns metrics (recorded units), the relative violation of
    each constraint family (NaN where the design does not impose it) and the largest."""
    sysp = _L.nisac_system_find(None, system.encode())
    if not sysp:
        raise Error("evaluate: unknown system '%s' (known: %s)" % (system, ", ".join(systems())))
    p = _L.nisac_system_params(ctypes.cast(sysp, ctypes.c_void_p))
    inst = ctypes.c_void_p()
    d = ev = None
    try:
        _instance(sysp, p, channels, params, seed, trial, inst, "evaluate", lambda: 0)
        d = _L.nisac_design_new(inst)
        ev = _L.nisac_eval_new(inst)
        if not d or not ev:
            raise Error("evaluate: out of memory")
        dd = d.contents
        names = {dd.blocks[i].name.decode(): i for i in range(dd.nblocks)}
        for name, arr in blocks.items():
            if name not in names:
                raise Error("evaluate: system '%s' has no design block '%s' (blocks: %s)"
                            % (system, name, ", ".join(names)))
            b = dd.blocks[names[name]]
            a = np.asarray(arr)
            if a.ndim == 1:
                a = a.reshape(-1, 1)
            if a.shape != (b.rows, b.cols):
                raise Error("evaluate: block '%s': expected shape (%d, %d), got %s" % (name, b.rows, b.cols, a.shape))
            if not np.issubdtype(a.dtype, np.number) or not np.all(np.isfinite(a)):
                raise Error("evaluate: block '%s': expected finite numbers" % name)
            n = b.rows * b.cols
            if b.z:
                dst = np.ctypeslib.as_array(ctypes.cast(b.z, ctypes.POINTER(ctypes.c_double)), shape=(2 * n,))
                dst[:] = np.asarray(a, dtype=np.complex128).T.reshape(-1).view(np.float64)
            else:
                if np.iscomplexobj(a):
                    raise Error("evaluate: block '%s' is real" % name)
                np.ctypeslib.as_array(b.x, shape=(n,))[:] = np.asarray(a, dtype=np.float64).T.reshape(-1)
        eo = _EvalOpts(0, float("nan"), None, feas_tol)
        if _L.nisac_evaluate(inst, d, None, ctypes.byref(eo), ev):
            _err("evaluate")
        e = ev.contents
        sy = sysp.contents
        cons = ctypes.cast(sy.constraints, ctypes.POINTER(ctypes.c_char_p * 3))
        viol = {}
        for i in range(sy.nconstraints):
            viol[cons[i][0].decode()] = e.viol[i]
        return {"metrics": _metrics(sysp, e), "violations": viol, "max_violation": e.max_viol}
    finally:
        if ev:
            _L.nisac_eval_free(ev)
        if d:
            _L.nisac_design_free(d)
        if inst:
            _L.nisac_instance_free(inst)
        _L.nisac_params_free(p)


class _RunOpts(ctypes.Structure):
    _fields_ = [("out_dir", ctypes.c_char_p), ("workers", ctypes.c_int), ("resume", ctypes.c_int),
                ("force", ctypes.c_int), ("batch", ctypes.c_int), ("progress", ctypes.c_void_p),
                ("cancelled", ctypes.c_void_p), ("user", ctypes.c_void_p), ("threads", ctypes.c_int)]


class _RunResult(ctypes.Structure):
    _fields_ = [("total", ctypes.c_long), ("start", ctypes.c_long), ("done", ctypes.c_long),
                ("already_complete", ctypes.c_int), ("rank", ctypes.c_int), ("results", ctypes.c_char * 1100),
                ("msg", ctypes.c_char * 1024)]


_L.nisac_experiment_load.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p),
                                     ctypes.c_char_p, ctypes.c_size_t]
_L.nisac_experiment_run.argtypes = [ctypes.c_void_p, ctypes.POINTER(_RunOpts), ctypes.POINTER(_RunResult)]
_L.nisac_experiment_free.argtypes = [ctypes.c_void_p]
_L.nisac_summarize.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_size_t]


def run(config, out=None, workers=1, resume=False, force=False):
    """Runs an experiment config (docs/experiments.md) into OUT (default results/<config name>):
    results.csv, summary.csv and summary.md, as `nisac run` does.  Returns the results file's path."""
    e = ctypes.c_void_p()
    msg = ctypes.create_string_buffer(1024)
    if _L.nisac_experiment_load(None, config.encode(), ctypes.byref(e), msg, 1024):
        raise Error("run: %s" % msg.value.decode())
    try:
        if out is None:
            out = os.path.join("results", os.path.splitext(os.path.basename(config))[0])
        o = _RunOpts(out.encode(), int(workers), int(bool(resume)), int(bool(force)), 16, None, None, None, 1)
        res = _RunResult()
        if _L.nisac_experiment_run(e, ctypes.byref(o), ctypes.byref(res)):
            raise Error("run: %s" % res.msg.decode())
        if _L.nisac_summarize(res.results, out.encode(), 0, msg, 1024):
            raise Error("run: summary: %s" % msg.value.decode())
        return res.results.decode()
    finally:
        _L.nisac_experiment_free(e)
