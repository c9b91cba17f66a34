% The Octave gateway (mex/) against the nisac program: the same inputs
% give the same bits (status, objective, every scalar metric, every design
% block) on the three systems; channels written by Octave are read by the
% program; errors raise 'nisac:error' and leave the interpreter running.
% Run by tests/check_octave.sh, which sets NISAC (the program) and puts
% the gateway on the path.  Prints "  ok   NAME" / "  FAIL NAME: why" and
% "RESULT passed failed".
1;

function out = cli(args)
  % the program's JSON as text: Octave's jsondecode does not round every
  % 17-digit number to the nearest double, so numbers are read by number()
  [st, out] = system([getenv('NISAC') ' solve --json ' args]);
  if st ~= 0
    error('the program failed (%d): %s', st, out);
  end
end

function x = number(txt, name)
  % the first "name": NUMBER of the JSON text (NaN for null), read by sscanf (C's strtod)
  tok = regexp(txt, ['"' name '": (-?[0-9][0-9.eE+-]*|null)'], 'tokens', 'once');
  assert(~isempty(tok), 'no number "%s" in the program''s output', name);
  if strcmp(tok{1}, 'null')
    x = NaN;
  else
    x = sscanf(tok{1}, '%lf');
  end
end

function same_as_program(r, txt, matfile)
  % r: nisac_design's struct; txt: the program's JSON; matfile: its --save-design file
  c = jsondecode(txt);
  assert(strcmp(r.status, c.status), 'status %s vs %s', r.status, c.status);
  o = number(txt, 'objective');
  assert(isequal(r.objective, o) || (isnan(r.objective) && isnan(o)), 'objective %.17g vs %.17g', r.objective, o);
  i0 = strfind(txt, '"metrics": {');
  mtxt = txt(i0(1) : i0(1) + find(txt(i0(1):end) == '}', 1) - 1);
  names = fieldnames(c.metrics);
  checked = 0;
  for i = 1:numel(names)
    v = c.metrics.(names{i});
    if ~isnumeric(v) || numel(v) ~= 1 || ~isempty(strfind(names{i}, 'wall')) || ...
       ~isempty(regexp(mtxt, ['"' names{i} '": \['], 'once'))
      continue;   % vectors are checked through the blocks; seconds vary from run to run
    end
    v = number(mtxt, names{i});
    got = r.metrics.(names{i});
    assert(isequal(got, v) || (isnan(got) && isnan(v)), 'metric %s: %.17g vs %.17g', names{i}, got, v);
    checked = checked + 1;
  end
  assert(checked >= 3, 'only %d scalar metrics compared', checked);
  s = load(matfile);
  b = fieldnames(r.blocks);
  assert(isequal(sort(b), sort(fieldnames(s))), 'block names differ');
  for i = 1:numel(b)
    assert(isequal(size(r.blocks.(b{i})), size(s.(b{i}))), 'block %s: size', b{i});
    assert(isequal(r.blocks.(b{i}), s.(b{i})), 'block %s: values differ (largest %.3g)', b{i}, ...
           max(abs(r.blocks.(b{i})(:) - s.(b{i})(:))));
  end
end

function expect_error(f, pattern)
  try
    f();
  catch err
    assert(strcmp(err.identifier, 'nisac:error'), 'identifier %s (%s)', err.identifier, err.message);
    assert(~isempty(regexp(err.message, pattern, 'once')), 'message "%s" lacks "%s"', err.message, pattern);
    return;
  end
  error('no error raised (expected "%s")', pattern);
end

function t_catalogue(tmp)
  [st, out] = system([getenv('NISAC') ' algos']);
  assert(st == 0);
  want = regexp(out, '^(\S+)\s+(noma-isac|ris-noma-isac|rs-noma-isac)\s', 'tokens', 'lineanchors');
  got = nisac_algorithms();
  assert(numel(got) == numel(want), '%d algorithms, the program lists %d', numel(got), numel(want));
  for i = 1:numel(want)
    assert(strcmp(got{i}, want{i}{1}), 'algorithm %d: %s vs %s', i, got{i}, want{i}{1});
  end
  assert(isequal(nisac_systems(), {'noma-isac', 'ris-noma-isac', 'rs-noma-isac'}));
  rs = nisac_algorithms('rs-noma-isac');
  assert(any(strcmp(rs, 'rs-wmmse')) && ~any(strcmp(rs, 'sdr-powermin')));
end

function r = as_program(tmp, name, flags, system, algo, varargin)
  % nisac_design(system, algo, varargin{:}) against `nisac solve FLAGS` (report and saved blocks)
  f = fullfile(tmp, [name '.mat']);
  c = cli([flags ' --save-design ' f]);
  r = nisac_design(system, algo, varargin{:});
  same_as_program(r, c, f);
end

function t_noma_isac(tmp)
  as_program(tmp, 'noma', '--algo sdr-powermin --gamma-db 12 --seed 3', 'noma-isac', 'sdr-powermin', ...
             'gamma_db', 12, 'seed', 3);
  as_program(tmp, 'noma-targets', '--algo sdr-powermin --gamma-db 12 --seed 3 --targets -30,30', ...   % a list
             'noma-isac', 'sdr-powermin', 'gamma_db', 12, 'seed', 3, 'targets_deg', [-30 30]);
end

function t_ris_noma_isac(tmp)
  as_program(tmp, 'ris', '--system ris-noma-isac --algo ris-sdma --seed 3 --Gamma-db 0', 'ris-noma-isac', ...
             'ris-sdma', 'seed', 3, 'Gamma_db', 0);
end

function t_rs_noma_isac_channels_from_octave(tmp)
  randn('state', 7);
  channels = (randn(4, 16) + 1i * randn(4, 16)) * 1e-5;   % row k is h_k
  for fmt = {'-v7', '-v6'}                                % MATLAB v5 files, compressed and not
    h = fullfile(tmp, ['h' fmt{1} '.mat']);
    save(fmt{1}, h, 'channels');
    r = as_program(tmp, ['rs' fmt{1}], ['--system rs-noma-isac --algo hao-sca --Mx 4 --L 1 --seed 2 --channels ' h], ...
                   'rs-noma-isac', 'hao-sca', 'channels', channels, 'Mx', 4, 'L', 1, 'seed', 2);
  end
  assert(isequal(size(r.blocks.Wp), [16 4]) && iscomplex(r.blocks.Wp));
  p = sum(abs(r.blocks.Wc(:)).^2) + sum(abs(r.blocks.Wp(:)).^2) + sum(abs(r.blocks.ws(:)).^2);
  assert(abs(p - r.metrics.power) <= 1e-9 * r.metrics.power, 'power %.17g vs %.17g', p, r.metrics.power);
end

function t_evaluate_own_beams(tmp)
  r = nisac_design('rs-noma-isac', 'rs-wmmse', 'Mx', 4, 'M', 16, 'K', 4, 'L', 1, 'seed', 5);
  e = nisac_evaluate('rs-noma-isac', r.blocks, 'Mx', 4, 'M', 16, 'K', 4, 'L', 1, 'seed', 5);
  for k = {'objective', 'sum_rate', 'power', 'min_sense_sinr_db'}
    assert(isequal(e.metrics.(k{1}), r.metrics.(k{1})), '%s: %.17g vs %.17g', k{1}, e.metrics.(k{1}), r.metrics.(k{1}));
  end
  half = r.blocks;
  half.Wp = half.Wp / sqrt(2);
  half.Wc = half.Wc / sqrt(2);
  half.ws = half.ws / sqrt(2);
  e2 = nisac_evaluate('rs-noma-isac', half, 'Mx', 4, 'M', 16, 'K', 4, 'L', 1, 'seed', 5);
  assert(abs(e2.metrics.power - r.metrics.power / 2) <= 1e-12 * r.metrics.power);
  assert(e2.max_violation == 0 && isstruct(e2.violations));
end

function t_tables_round_trip(tmp)
  % every option and parameter set to its table default gives the design of no setting at all
  p = nisac_parameters('noma-isac');
  o = nisac_options('noma-isac', 'sdr-powermin');
  assert(strcmp(p(1).name, 'N') && p(1).default == 8 && p(1).lo == 1);
  opts = struct();
  for i = 1:numel(o)
    if ~strcmp(o(i).type, 'text')
      opts.(o(i).name) = o(i).default;
    end
  end
  args = {};
  for i = 1:numel(p)
    if ~strcmp(p(i).type, 'text')
      args(end + 1 : end + 2) = {p(i).name, p(i).default};
    end
  end
  a = nisac_design('noma-isac', 'sdr-powermin', 'options', opts, args{:});
  b = nisac_design('noma-isac', 'sdr-powermin');
  assert(isequal(a.blocks, b.blocks) && isequal(a.objective, b.objective));
  as_program(tmp, 'csdp', '--algo sdr-powermin --gamma-db 12 --solver csdp', ...   % a choice by name, in options
             'noma-isac', 'sdr-powermin', 'gamma_db', 12, 'options', struct('solver', 'csdp'));
end

function t_errors(tmp)
  expect_error(@() nisac_design('nope', 'rs-wmmse'), 'unknown system ''nope''');
  expect_error(@() nisac_design('rs-noma-isac', 'nope'), 'unknown algorithm ''nope''');
  expect_error(@() nisac_design('noma-isac', 'sdr-powermin', 'frob', 1), 'no field ''frob''');
  expect_error(@() nisac_design('noma-isac', 'sdr-powermin', 'N', 0), 'N');
  expect_error(@() nisac_design('noma-isac', 'sdr-powermin', 'N', 'eight'), 'takes a number');
  expect_error(@() nisac_design('noma-isac', 'sdr-powermin', 'options', struct('solver', 'mosek')), 'one of native\|csdp');
  H = zeros(4, 16); H(2, 3) = NaN;
  expect_error(@() nisac_design('rs-noma-isac', 'rs-wmmse', 'channels', H, 'Mx', 4), 'NaN');
  expect_error(@() nisac_design('rs-noma-isac', 'rs-wmmse', 'channels', ones(4, 16, 2), 'Mx', 4), 'full double matrix');
  expect_error(@() nisac_design('rs-noma-isac', 'rs-wmmse', 'channels', single(ones(4, 16)), 'Mx', 4), 'double');
  expect_error(@() nisac_design('rs-noma-isac', 'rs-wmmse', 'channels', ones(4, 16), 'Mx', 5), 'Mx');
  expect_error(@() nisac_design('noma-isac', 'sdr-powermin', 'seed', -1), 'integer >= 0');
  expect_error(@() nisac_evaluate('rs-noma-isac', struct('Wq', 1)), 'no design block ''Wq''');
  expect_error(@() nisac_evaluate('rs-noma-isac', struct('Wp', ones(3, 3))), 'expected a');
  expect_error(@() nisac_mex('bogus'), 'unknown command');
  expect_error(@() nisac_run(fullfile(tmp, 'missing.json')), 'missing.json');
  assert(strcmp(nisac_design('noma-isac', 'sdr-powermin', 'gamma_db', 12).status, 'optimal'));   % still alive
end

function a = run_both(tmp, name, config)
  % runs the config text through nisac_run and through the program; their results.csv, equal
  cfg = fullfile(tmp, [name '.json']);
  fid = fopen(cfg, 'w');
  fprintf(fid, '%s', config);
  fclose(fid);
  p = nisac_run(cfg, 'out', fullfile(tmp, [name '-oct']));
  [st, out] = system([getenv('NISAC') ' run ' cfg ' --out ' fullfile(tmp, [name '-prog']) ' --quiet']);
  assert(st == 0, out);
  a = fileread(p);
  assert(strcmp(a, fileread(fullfile(tmp, [name '-prog'], 'results.csv'))), 'results.csv differs');
  assert(exist(fullfile(tmp, [name '-oct'], 'summary.md'), 'file') == 2);
end

function t_run_as_the_program(tmp)
  a = run_both(tmp, 'cfg', ['{"name": "octave", "scenario": {"N": 4, "K": 2}, "trials": 2, "seed": 5, ' ...
                            '"sweep": [{"param": "gamma_db", "values": [6, 9]}], ' ...
                            '"algorithms": [{"algo": "sdr-powermin"}], "metrics": ["total_power", "min_sinr_db"]}']);
  assert(numel(strsplit(strtrim(a), "\n")) > 4);
end

function t_channel_stack_from_octave(tmp)
  % an experiment over channels from Octave: K x N x T, realisation t for trial t
  randn('state', 3);
  channels = randn(2, 4, 3) + 1i * randn(2, 4, 3);
  save('-v7', fullfile(tmp, 'stack.mat'), 'channels');
  a = run_both(tmp, 'stack', ['{"name": "stack", "scenario": {"N": 4, "K": 2}, "trials": 3, "seed": 5, ' ...
                              '"channels": {"file": "stack.mat"}, "sweep": [{"param": "gamma_db", "values": [6, 9]}], ' ...
                              '"algorithms": [{"algo": "sdr-powermin"}], "metrics": ["total_power", "user_sinr_db"]}']);
  % trial 2 at 6 dB is the design nisac_design makes on realisation 3
  r = nisac_design('noma-isac', 'sdr-powermin', 'channels', channels(:, :, 3), 'gamma_db', 6);
  row = regexp(a, '^0,6,sdr-powermin,2,[^\n]*', 'match', 'once', 'lineanchors');
  f = strsplit(row, ',');
  assert(numel(f) >= 7, 'record: %s', row);
  assert(abs(str2double(f{7}) - r.metrics.total_power) <= 1e-9 * r.metrics.total_power, ...
         '%s vs %.17g', f{7}, r.metrics.total_power);
end

tmp = tempname();
mkdir(tmp);
cases = {'t_catalogue', 't_noma_isac', 't_ris_noma_isac', 't_rs_noma_isac_channels_from_octave', ...
         't_evaluate_own_beams', 't_tables_round_trip', 't_errors', 't_run_as_the_program', ...
         't_channel_stack_from_octave'};
passed = 0; failed = 0;
for i = 1:numel(cases)
  try
    feval(cases{i}, tmp);
    printf('  ok   %s\n', cases{i});
    passed = passed + 1;
  catch err
    printf('  FAIL %s: %s\n', cases{i}, err.message);
    failed = failed + 1;
  end
end
confirm_recursive_rmdir(false);
rmdir(tmp, 's');
printf('RESULT %d %d\n', passed, failed);
