#!/usr/bin/env python3
"""Paper 004's Fig. 3 (Pareto frontier) and Fig. 5 (robustness, one panel per
impairment) from nisac records; the other figures are line plots of
`nisac run --plot`.  Usage: plot_extra.py RESULTS_DIR (the directory of
results/paper004/).  Writes PNG files and the plotted .dat tables beside
the records; needs only the Python standard library and gnuplot."""
import csv, math, os, subprocess, sys

OK = ('optimal', 'feasible')


def rows(path):
    with open(path) as f:
        return [r for r in csv.DictReader(line for line in f if not line.startswith('#')) if r['status'] in OK]


def mean(v):
    return sum(v) / len(v) if v else float('nan')


def gnuplot(script):
    subprocess.run(['gnuplot'], input=script, text=True, check=True)


HEAD = "set terminal pngcairo size 900,620 enhanced font 'Sans,12'\nset output '%s'\nset grid\n" \
       "set key outside right top vertical box\nset datafile missing 'nan'\n"


def fig3(d):
    r = rows(os.path.join(d, 'fig3', 'results.csv'))
    algos = list(dict.fromkeys(x['algo'] for x in r))
    ws = sorted({float(x['alpha2']) for x in r})
    dat = os.path.join(d, 'fig3', 'fig3_pareto.dat')
    with open(dat, 'w') as f:
        f.write('# per scheme (blocks): alpha2, mean sum rate, mean sensing utility sum_l log2(1 + Gamma_l) (bit/s/Hz)\n')
        for a in algos:
            f.write('# %s\n' % a)
            for w in ws:
                s = [x for x in r if x['algo'] == a and float(x['alpha2']) == w]
                f.write('%g %.6f %.6f\n' % (w, mean([float(x['sum_rate']) for x in s]),
                                           mean([float(x['sense_utility']) for x in s])))
            f.write('\n\n')
    plots = ', '.join("'%s' index %d using 2:3 with linespoints lw 2 title '%s', '' index %d using 2:3:(sprintf('%%g', $1)) "
                      "with labels offset 1,1 notitle" % (dat, i, a, i) for i, a in enumerate(algos))
    gnuplot(HEAD % os.path.join(d, 'fig3', 'fig3_pareto.png') +
            "set xlabel 'sum rate (bit/s/Hz)'\nset ylabel 'sensing utility sum_l log_2(1 + {/Symbol G}_l) (bit/s/Hz)'\n"
            "set title 'Paper 004, Fig. 3: trade-off over the sensing weight alpha2 (labels)'\nplot %s\n" % plots)


def fig5(d):
    r = rows(os.path.join(d, 'fig5', 'results.csv'))
    algos = list(dict.fromkeys(x['algo'] for x in r))
    key = lambda x: (float(x['phase_noise_dbc']), float(x['irr_db']), float(x['eps_csi']))
    pts = list(dict.fromkeys(key(x) for x in r))
    base = (-300.0, 0.0, 0.0)
    panels = [('pn', 'phase noise (dBc)', 0, [p for p in pts if p[1] == 0 and p[2] == 0 and p != base]),
              ('irr', 'image rejection ratio (dB)', 1, [p for p in pts if p[0] == -300 and p[2] == 0 and p != base]),
              ('csi', 'CSI error eps', 2, [p for p in pts if p[0] == -300 and p[1] == 0 and p != base]),
              ('combined', 'combination (phase noise dBc / IRR dB / eps)', -1,
               [p for p in pts if sum([p[0] != -300, p[1] != 0, p[2] != 0]) > 1])]
    for name, xl, axis, sel in panels:
        dat = os.path.join(d, 'fig5', 'fig5_%s.dat' % name)
        with open(dat, 'w') as f:
            f.write('# %s; then per scheme the mean sum rate (bit/s/Hz); the first line: no impairment\n' % xl)
            for i, p in enumerate([base] + sel):
                x = (i if axis < 0 else (p[axis] if p != base else float('nan')))
                vals = [mean([float(y['sum_rate']) for y in r if y['algo'] == a and key(y) == p]) for a in algos]
                f.write('%s %s\n' % (x, ' '.join('%.6f' % v for v in vals)))
        if axis < 0:
            xt = ', '.join('"%g/%g/%g" %d' % (p[0], p[1], p[2], i + 1) for i, p in enumerate(sel))
            extra = "set xtics (\"none\" 0, %s)\nset xrange [-0.5:%d.5]\n" % (xt, len(sel))
            using = '1'
        else:
            extra = ''
            using = '1'
        plots = ', '.join("'%s' using %s:%d with linespoints lw 2 title '%s'" % (dat, using, k + 2, a)
                          for k, a in enumerate(algos))
        gnuplot(HEAD % os.path.join(d, 'fig5', 'fig5_%s.png' % name) + extra +
                "set xlabel '%s'\nset ylabel 'sum rate on the true channel (bit/s/Hz)'\n"
                "set title 'Paper 004, Fig. 5: robustness'\nplot %s\n" % (xl, plots))


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    d = sys.argv[1]
    fig3(d)
    fig5(d)
    return 0


if __name__ == '__main__':
    sys.exit(main())
