#!/usr/bin/env python3
"""The tables of docs/results/paper004.md from the records of
`make figures-004`: per configuration the mean sum rate of each scheme,
the paired difference RS-NOMA - other (same channel in each trial) with
its 95% Student-t interval, and Fig. 5's fraction of the unimpaired sum
rate.  Usage: claims.py RESULTS_DIR (results/paper004).  Standard library only."""
import csv, math, os, sys

OK = ('optimal', 'feasible')
# two-sided 95% Student-t quantiles t_{0.975, df}
T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
        2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042]


def rows(d, fig):
    with open(os.path.join(d, fig, 'results.csv')) as f:
        return [r for r in csv.DictReader(line for line in f if not line.startswith('#'))]


def ci(v):
    n = len(v)
    m = sum(v) / n
    if n < 2:
        return m, float('nan')
    s = math.sqrt(sum((x - m) ** 2 for x in v) / (n - 1))
    t = T975[n - 2] if n - 2 < len(T975) else 1.96
    return m, t * s / math.sqrt(n)


def paired(r, keys, point, a, b, metric):
    """mean and CI of metric(a) - metric(b) over the trials where both have a design"""
    by = {}
    for x in r:
        if tuple(x[k] for k in keys) != point or x['status'] not in OK:
            continue
        by.setdefault(x['trial'], {})[x['algo']] = float(x[metric])
    d = [v[a] - v[b] for v in by.values() if a in v and b in v]
    return ci(d) + (len(d),)


def table(d, fig, keys, metric, ref, others, relative=True, fmt='%.1f'):
    r = rows(d, fig)
    pts = list(dict.fromkeys(tuple(x[k] for k in keys) for x in r))
    algos = list(dict.fromkeys(x['algo'] for x in r))
    print('\n%s: %s (mean over trials); paired difference %s - other, 95%% CI' % (fig, metric, ref))
    print('| ' + ' | '.join(keys) + ' | ' + ' | '.join(algos) + ' | ' +
          ' | '.join('%s - %s' % (ref, o) for o in others) + ' |')
    print('|' + '---|' * (len(keys) + len(algos) + len(others)))
    for p in pts:
        means = []
        for a in algos:
            v = [float(x[metric]) for x in r if tuple(x[k] for k in keys) == p and x['algo'] == a and x['status'] in OK]
            means.append(fmt % (sum(v) / len(v)) if v else 'n/a')
        diffs = []
        for o in others:
            m, h, n = paired(r, keys, p, ref, o, metric)
            base = [float(x[metric]) for x in r if tuple(x[k] for k in keys) == p and x['algo'] == o and x['status'] in OK]
            rel = 100 * m / (sum(base) / len(base)) if base else float('nan')
            sd = (fmt % m if m < 0 else '+' + fmt % m) + ' +- ' + fmt % h
            diffs.append(sd + (' (%+.1f%%)' % rel if relative else ''))
        print('| ' + ' | '.join(p) + ' | ' + ' | '.join(means) + ' | ' + ' | '.join(diffs) + ' |')


def fig5(d):
    r = [x for x in rows(d, 'fig5') if x['status'] in OK]
    key = lambda x: (x['phase_noise_dbc'], x['irr_db'], x['eps_csi'])
    algos = list(dict.fromkeys(x['algo'] for x in r))
    pts = list(dict.fromkeys(key(x) for x in r))
    base = pts[0]
    mean = lambda a, p: sum(float(x['sum_rate']) for x in r if x['algo'] == a and key(x) == p) / \
        max(1, sum(1 for x in r if x['algo'] == a and key(x) == p))
    print('\nfig5: sum rate on the true channel as a fraction of the unimpaired one (%s dBc, %s dB, eps %s)' % base)
    print('| phase noise (dBc) | IRR (dB) | eps_csi | ' + ' | '.join(algos) + ' |')
    print('|---|---|---|' + '---|' * len(algos))
    for p in pts[1:]:
        print('| %s | %s | %s | ' % tuple('off' if (i == 0 and v == '-300') or (i == 1 and v == '0') else v
                                          for i, v in enumerate(p)) +
              ' | '.join('%.1f%%' % (100 * mean(a, p) / mean(a, base)) for a in algos) + ' |')


def pareto_area(d):
    """area dominated by each scheme's mean (sum rate, sensing utility) points over the sensing
    weights, with the origin as the reference (the union of the rectangles [0, R] x [0, U])"""
    r = [x for x in rows(d, 'fig3') if x['status'] in OK]
    algos = list(dict.fromkeys(x['algo'] for x in r))
    ws = sorted({x['alpha2'] for x in r}, key=float)
    print('\nfig3: area dominated by the mean trade-off points (bit/s/Hz)^2')
    area = {}
    for a in algos:
        pts = []
        for w in ws:
            s = [x for x in r if x['algo'] == a and x['alpha2'] == w]
            pts.append((sum(float(x['sum_rate']) for x in s) / len(s), sum(float(x['sense_utility']) for x in s) / len(s)))
        pts.sort(reverse=True)
        tot, best_u = 0.0, 0.0
        for R, U in pts:  # by decreasing rate: each point adds the strip above the utilities seen so far
            if U > best_u:
                tot += R * (U - best_u)
                best_u = U
        area[a] = tot
        print('| %s | %.0f |' % (a, tot))
    if len(algos) == 2:
        print('ratio %s / %s: %.4f' % (algos[0], algos[1], area[algos[0]] / area[algos[1]]))


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    d = sys.argv[1]
    table(d, 'fig1', ['K'], 'sum_rate', 'RS-NOMA (hao-sca)', ['NOMA', 'E-WMMSE (rs-wmmse)'])
    table(d, 'fig1', ['K'], 'design_sum_rate', 'RS-NOMA (hao-sca)', ['NOMA', 'E-WMMSE (rs-wmmse)'])
    table(d, 'fig2', ['P_max_dbm'], 'min_sense_sinr_db', 'RS-NOMA (hao-sca)', ['NOMA', 'sensing only'], False)
    table(d, 'fig2', ['P_max_dbm'], 'min_pd', 'RS-NOMA (hao-sca)', ['NOMA', 'sensing only'], False, '%.4f')
    table(d, 'fig3', ['alpha2'], 'sense_utility', 'RS-NOMA (hao-sca)', ['NOMA'])
    pareto_area(d)
    table(d, 'fig4', ['M'], 'sum_rate', 'RS-NOMA (hao-sca)', ['NOMA', 'E-WMMSE (rs-wmmse)'])
    fig5(d)
    return 0


if __name__ == '__main__':
    sys.exit(main())
