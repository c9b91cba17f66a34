#!/usr/bin/env python3
"""Tables for docs/results/paper002.md from nisac records (standard library
only).  Usage: claims.py [RESULTS_DIR] (default results/paper002).

For each sweep figure: the mean sum rate of every scheme at every point
with the half-width of its 95% Student-t interval and the count of
feasible designs, then paired differences "proposed - scheme" over the
trials where both designs exist (every scheme sees the same channels in
a trial), and the change of each scheme's sum rate from the first to the
last point (paired over trials)."""
import csv, math, os, sys


def t975(df):
    """0.975 quantile of Student's t by bisection on a Simpson-integrated CDF."""
    c = math.exp(math.lgamma((df + 1) / 2) - math.lgamma(df / 2)) / math.sqrt(df * math.pi)
    dens = lambda x: c * (1 + x * x / df) ** (-(df + 1) / 2)

    def cdf(x, n=2000):
        h = x / n
        s = dens(0) + dens(x) + sum((4 if i % 2 else 2) * dens(i * h) for i in range(1, n))
        return 0.5 + s * h / 3

    lo, hi = 0.0, 50.0
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if cdf(mid) < 0.975 else (lo, mid)
    return (lo + hi) / 2


def ci(v):
    n = len(v)
    if n == 0:
        return float('nan'), float('nan'), 0
    m = sum(v) / n
    if n < 2:
        return m, float('nan'), n
    sd = math.sqrt(sum((x - m) ** 2 for x in v) / (n - 1))
    return m, t975(n - 1) * sd / math.sqrt(n), n


def records(path):
    with open(path) as f:
        return list(csv.DictReader(line for line in f if not line.startswith('#')))


def fig_tables(d, name, param):
    r = records(os.path.join(d, name, 'results.csv'))
    algos = list(dict.fromkeys(x['algo'] for x in r))
    pts = list(dict.fromkeys(x[param] for x in r))
    ok = lambda x: x['status'] in ('optimal', 'feasible')
    val = {}
    for x in r:
        if ok(x):
            val[(x[param], x['algo'], x['trial'])] = float(x['sum_rate'])
    trials = sorted(set(x['trial'] for x in r), key=int)
    out = ['#### %s: sum rate (bit/s/Hz), mean +- 95%% CI (feasible designs of %d)' % (name, len(trials)), '',
           '| %s | %s |' % (param, ' | '.join(algos)), '|---|' + '---|' * len(algos)]
    for p in pts:
        cells = []
        for a in algos:
            m, h, n = ci([val[(p, a, t)] for t in trials if (p, a, t) in val])
            cells.append('%.2f +- %.2f (%d)' % (m, h, n) if n else 'none feasible')
        out.append('| %s | %s |' % (p, ' | '.join(cells)))
    base = algos[0]
    out += ['', '%s minus each scheme, paired over trials (mean +- 95%% CI):' % base, '',
            '| %s | %s |' % (param, ' | '.join(algos[1:])), '|---|' + '---|' * (len(algos) - 1)]
    for p in pts:
        cells = []
        for a in algos[1:]:
            m, h, n = ci([val[(p, base, t)] - val[(p, a, t)] for t in trials
                          if (p, base, t) in val and (p, a, t) in val])
            cells.append('%+.2f +- %.2f' % (m, h) if n > 1 else 'n/a')
        out.append('| %s | %s |' % (p, ' | '.join(cells)))
    if len(pts) < 2:
        return '\n'.join(out) + '\n'
    out += ['', 'change from %s = %s to %s (paired over trials): %s' % (
        param, pts[0], pts[-1], '; '.join(
            '%s %+.2f +- %.2f' % ((a,) + ci([val[(pts[-1], a, t)] - val[(pts[0], a, t)] for t in trials
                                             if (pts[-1], a, t) in val and (pts[0], a, t) in val])[:2])
            for a in algos)), '']
    return '\n'.join(out)


def radar_table(d):
    r = records(os.path.join(d, 'radar_threshold', 'results.csv'))
    algos = list(dict.fromkeys(x['algo'] for x in r))
    pts = list(dict.fromkeys(x['Gamma_db'] for x in r))
    out = ['#### radar threshold: feasible designs, sum rate and smallest radar SNR bound reached', '',
           '| Gamma (dB) | ' + ' | '.join('%s: feasible, sum rate, min SNR (dB), SNR >= Gamma' % a for a in algos) + ' |',
           '|---|' + '---|' * len(algos)]
    for p in pts:
        cells = []
        for a in algos:
            rows = [x for x in r if x['Gamma_db'] == p and x['algo'] == a]
            okr = [x for x in rows if x['status'] in ('optimal', 'feasible')]
            m, h, n = ci([float(x['sum_rate']) for x in okr])
            s, sh, _ = ci([float(x['min_radar_snr_db']) for x in okr])
            meets = sum(1 for x in okr if float(x['min_radar_snr_db']) >= float(p) - 1e-6)
            cells.append('%d/%d, %.2f +- %.2f, %.2f +- %.2f, %d/%d' % (n, len(rows), m, h, s, sh, meets, n) if n
                         else '0/%d' % len(rows))
        out.append('| %s | %s |' % (p, ' | '.join(cells)))
    return '\n'.join(out) + '\n'


if __name__ == '__main__':
    d = sys.argv[1] if len(sys.argv) > 1 else 'results/paper002'
    for name, param in [('fig4', 'trace_points'), ('fig5', 'M'), ('fig6', 'N'), ('fig7', 'P_max_dbm'),
                        ('fig8', 'pl_bu'), ('fig9', 'K')]:
        if os.path.exists(os.path.join(d, name, 'results.csv')):
            print(fig_tables(d, name, param))
    if os.path.exists(os.path.join(d, 'radar_threshold', 'results.csv')):
        print(radar_table(d))
