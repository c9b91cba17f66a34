function r = nisac_design(system, algo, varargin)
% NISAC_DESIGN  A design by the nisac engine, judged on the true channel.
%   r = nisac_design(SYSTEM, ALGO, 'name', value, ...)
%
%   r = nisac_design('noma-isac', 'sdr-powermin', 'gamma_db', 12)
%   r = nisac_design('rs-noma-isac', 'rs-wmmse', 'channels', H, 'Mx', 4)
%
% Names: 'channels' (K x M, row k is h_k with y_k = h_k' x; omitted: drawn
% from 'seed' and 'trial'), 'seed' (1), 'trial' (0), 'algo_seed' (1),
% 'options' (a struct of the algorithm's options, nisac_options); any
% other name is a system parameter (nisac_parameters), in the units
% `nisac solve --help` shows; choices by name.  Returns a struct: status,
% objective, iterations, solves, wall, note, max_violation, metrics (in
% the program's recorded units) and blocks (the design's matrices).
% Errors raise 'nisac:error' with the library's message.
  [k, params] = nisac_split_args(varargin, {'channels', 'seed', 'trial', 'algo_seed', 'options'}, ...
                                 {[], 1, 0, 1, struct()}, 'nisac_design');
  r = nisac_mex('design', system, algo, k{1}, k{2}, k{3}, k{4}, k{5}, params);
end
