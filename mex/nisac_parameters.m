function t = nisac_parameters(system)
% NISAC_PARAMETERS  A system's parameters, as `nisac solve --help` lists
% them: a struct array with name, type, unit, default, lo, hi (the
% range; NaN where none), choices and help.
  t = nisac_mex('parameters', system);
end
