function e = nisac_evaluate(system, blocks, varargin)
% NISAC_EVALUATE  The judge on a design of one's own.
%   e = nisac_evaluate(SYSTEM, BLOCKS, 'name', value, ...)
%
% BLOCKS is a struct of the system's design blocks (the names and sizes
% nisac_design returns; blocks not given are zero).  Names: 'channels',
% 'seed', 'trial' as for nisac_design, 'feas_tol' (1e-6); any other name
% is a system parameter.  Returns metrics, violations (relative, per
% constraint family; NaN where the design does not impose it) and
% max_violation.
  [k, params] = nisac_split_args(varargin, {'channels', 'seed', 'trial', 'feas_tol'}, ...
                                 {[], 1, 0, 1e-6}, 'nisac_evaluate');
  e = nisac_mex('evaluate', system, blocks, k{1}, k{2}, k{3}, k{4}, params);
end
