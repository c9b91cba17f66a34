function s = nisac_systems()
% NISAC_SYSTEMS  The names of nisac's systems (a cell of strings).
  s = nisac_mex('systems');
end
