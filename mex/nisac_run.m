function path = nisac_run(config, varargin)
% NISAC_RUN  Runs an experiment config as `nisac run` does.
%   path = nisac_run(CONFIG, 'out', DIR, 'workers', 1, 'resume', false, 'force', false)
% Writes DIR/results.csv (DIR defaults to results/<config name>),
% summary.csv and summary.md; returns the results file's path.
  [~, name] = fileparts(config);
  [k, rest] = nisac_split_args(varargin, {'out', 'workers', 'resume', 'force'}, ...
                               {fullfile('results', name), 1, false, false}, 'nisac_run');
  extra = fieldnames(rest);
  if ~isempty(extra)
    error('nisac:error', 'nisac_run: unknown option ''%s'' (out, workers, resume, force)', extra{1});
  end
  path = nisac_mex('run', config, k{1}, k{2}, k{3}, k{4});
end
