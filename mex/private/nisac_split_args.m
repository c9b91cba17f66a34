function [known, rest] = nisac_split_args(args, names, defaults, caller)
% Splits name/value pairs ARGS into the values of NAMES (DEFAULTS where
% absent, as a cell in the order of NAMES) and a struct REST of the
% other pairs (system parameters).  Names are case-sensitive, as the
% parameter tables are.
  if mod(numel(args), 2) ~= 0
    error('nisac:error', '%s: expected name/value pairs after the fixed arguments', caller);
  end
  known = defaults;
  rest = struct();
  for i = 1:2:numel(args)
    name = args{i};
    if ~ischar(name)
      error('nisac:error', '%s: argument %d: expected a parameter name', caller, i + 2);
    end
    k = find(strcmp(names, name), 1);
    if isempty(k)
      rest.(name) = args{i + 1};
    else
      known{k} = args{i + 1};
    end
  end
end
