function t = nisac_options(system, algo)
% NISAC_OPTIONS  An algorithm's options, as nisac_parameters describes them.
  t = nisac_mex('options', system, algo);
end
