#!/usr/bin/env python3
"""Paper 002's Figs. 2, 3 and 4 from nisac records (the other figures are
line plots of `nisac run --plot`).  Usage: plot_extra.py RESULTS_DIR
(the directory of results/paper002/).  Writes PNG files beside the
records; needs only the Python standard library and gnuplot."""
import csv, os, subprocess, sys


def rows(path):
    with open(path) as f:
        return list(csv.DictReader(line for line in f if not line.startswith('#')))


def gnuplot(script):
    subprocess.run(['gnuplot'], input=script, text=True, check=True)


def fig4(d):
    r = rows(os.path.join(d, 'fig4', 'results.csv'))
    cols = sorted((c for c in r[0] if c.startswith('trace_sum_rate_')), key=lambda c: int(c.rsplit('_', 1)[1]))
    algos = list(dict.fromkeys(x['algo'] for x in r))
    dat = os.path.join(d, 'fig4', 'fig4_trace.dat')
    with open(dat, 'w') as f:
        f.write('# iteration, then the mean judged sum rate of each scheme over its feasible trials\n')
        for i, c in enumerate(cols):
            vals = []
            for a in algos:
                v = [float(x[c]) for x in r if x['algo'] == a and x['status'] in ('optimal', 'feasible')]
                vals.append(sum(v) / len(v) if v else float('nan'))
            f.write('%d %s\n' % (i, ' '.join('%.6f' % v for v in vals)))
    plots = ', '.join("'%s' using 1:%d with linespoints lw 2 title '%s'" % (dat, k + 2, a) for k, a in enumerate(algos))
    gnuplot("set terminal pngcairo size 900,620 enhanced font 'Sans,12'\nset output '%s'\n"
            "set grid\nset key outside right top vertical box\nset datafile missing 'nan'\n"
            "set xlabel 'AO iteration (0: feasible start)'\nset ylabel 'sum rate (bit/s/Hz)'\n"
            "set title 'Paper 002, Fig. 4: convergence (mean over trials)'\nplot %s\n"
            % (os.path.join(d, 'fig4', 'fig4.png'), plots))


def fig2_3(d):
    v = rows(os.path.join(d, 'fig2_3', 'vectors.csv'))
    get = lambda m: [float(x['value']) for x in sorted((x for x in v if x['metric'] == m), key=lambda x: int(x['index']))]
    ang, bp = get('bp_angle_deg'), get('beampattern_db')
    dat = os.path.join(d, 'fig2_3', 'fig3_beampattern.dat')
    with open(dat, 'w') as f:
        f.write('# angle (deg), DFBS beampattern (dB)\n')
        for a, b in zip(ang, bp):
            f.write('%.3f %.6f\n' % (a, b))
    gnuplot("set terminal pngcairo size 900,620 enhanced font 'Sans,12'\nset output '%s'\nset grid\nunset key\n"
            "set xlabel 'angle from DFBS broadside (deg)'\nset ylabel 'sum_i |a({/Symbol q})^T w_i|^2 (dB W)'\n"
            "set title 'Paper 002, Fig. 3: DFBS transmit beampattern'\nplot '%s' using 1:2 with lines lw 2\n"
            % (os.path.join(d, 'fig2_3', 'fig3.png'), dat))
    xs, ys, ms = get('map_x'), get('map_y'), get('map_dbm')
    n = int(round(len(xs) ** 0.5))
    dat = os.path.join(d, 'fig2_3', 'fig2_map.dat')
    with open(dat, 'w') as f:
        f.write('# x (m), y (m), beampattern gain (69) (dBm)\n')
        for i in range(n):
            for j in range(n):
                k = i * n + j
                f.write('%.3f %.3f %.4f\n' % (xs[k], ys[k], ms[k]))
            f.write('\n')
    nx, ny = get('node_x'), get('node_y')
    k = sum(1 for x in v if x['metric'] == 'user_order')  # users recorded per design
    names = ['DFBS', 'RIS'] + ['U%d' % (i + 1) for i in range(k)] + ['T%d' % (i + 1) for i in range(len(nx) - 2 - k)]
    labels = ''.join("set label '%s' at %.3f,%.3f front point pt 7 ps 1.2 lc rgb 'white' offset 0.6,0.6 tc rgb 'white'\n"
                     % (n, x, y) for n, x, y in zip(names, nx, ny))
    gnuplot("set terminal pngcairo size 900,760 enhanced font 'Sans,12'\nset output '%s'\nunset key\n"
            "set view map\nset xlabel 'x (m)'\nset ylabel 'y (m)'\nset cblabel 'beampattern gain (69) (dBm)'\n"
            "set size ratio -1\nset title 'Paper 002, Fig. 2: signal energy of the joint DFBS-RIS beams'\n%s"
            "plot '%s' using 1:2:3 with image\n" % (os.path.join(d, 'fig2_3', 'fig2.png'), labels, dat))


if __name__ == '__main__':
    d = sys.argv[1] if len(sys.argv) > 1 else 'results/paper002'
    fig4(d)
    fig2_3(d)
