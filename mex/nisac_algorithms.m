function a = nisac_algorithms(system)
% NISAC_ALGORITHMS  The names of the algorithms (of one system).
%   a = nisac_algorithms()  or  a = nisac_algorithms('rs-noma-isac')
  if nargin < 1
    system = '';
  end
  a = nisac_mex('algorithms', system);
end
