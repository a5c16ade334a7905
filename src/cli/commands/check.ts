import {
  type CheckFormat,
  checkFormats,
  exceedsThreshold,
  type FailOn,
  formatGithub,
  formatJsonChunks,
  formatSarif,
  formatText,
  inputCodes,
  loadConfig,
  type PybaseConfig,
  PybaseError,
  runCheck,
  type Stage,
  stages,
} from '../../index.js';
import {
  dataDirOption,
  dateOption,
  jsonOption,
  listOption,
  type OptionSpecs,
  parseCommandArgs,
  stringOption,
  timeoutOption,
  usageError,
} from '../args.js';
import { commandDate, projectRoot, snapshotPathOf } from '../context.js';
import { type Io, style } from '../io.js';
import type { Command } from '../main.js';
import { indexOptions, lookupProgress } from '../network-options.js';

const help = `Usage: pybase check [PATH] [options]

Judge every python image reference and Python version statement under PATH (default: the current
directory) with pybase's rules (see 'pybase rules').

The dependency rules (PB201-PB206) read the project's dependency file, as 'pybase deps' does;
dependencies it names no files for (hashes only, plain pins, ranges) are looked up in the package
index first. A notice says how many could not be judged (offline, or a failed look-up).

Options:
  --format FORMAT        text (default), json, sarif or github (workflow annotations)
  --json                 same as --format json
  --fail-on LEVEL        exit 1 when a finding is at or above LEVEL: error (default), warning, info, never
  --exclude GLOB         leave files out (repeatable; adds to 'exclude' of the configuration)
  --config FILE          read the configuration from FILE instead of pybase.toml / pyproject.toml
  --stage-glob S=GLOB    files matching GLOB serve stage S (dev, ci, build, prod); repeatable
  --date YYYY-MM-DD      judge as of that date (default: today)
  --data-dir DIR         use DIR/snapshot.json, a refreshed data snapshot
  --offline              never open a network connection: dependencies the lock names no files for
                         are not looked up, and not judged (a notice says how many)
  --index-url URL        package index (default: PIP_INDEX_URL, index-url of the configuration,
                         the lock's own index, or PyPI); credentials from the URL or ~/.netrc
  --cache-dir DIR        where index pages are cached (default ~/.cache/pybase)
  --timeout SECONDS      give up on the network after this long (default 120)

Exit codes: 0 no finding at or above the threshold, 1 findings at or above it, 2 usage, configuration
or input error. A failed index look-up is a notice, not an exit status.
`;

function parseStageGlobs(values: string[]): Partial<Record<Stage, string[]>> {
  const out: Partial<Record<Stage, string[]>> = {};
  for (const v of values) {
    const eq = v.indexOf('=');
    const stage = v.slice(0, eq) as Stage;
    const glob = v.slice(eq + 1);
    if (eq < 1 || !stages.includes(stage) || glob === '') {
      throw usageError(
        `check: --stage-glob wants STAGE=GLOB with STAGE one of ${stages.join(', ')}, got '${v}'`,
        'check',
      );
    }
    out[stage] = [...(out[stage] ?? []), glob];
  }
  return out;
}

/** Files are written as seen from the directory the command runs in (JSON keeps them root-relative). */
function render(format: CheckFormat, result: Awaited<ReturnType<typeof runCheck>>, io: Io): string {
  switch (format) {
    case 'sarif':
      return formatSarif(result, { cwd: io.cwd });
    case 'github':
      return formatGithub(result, { cwd: io.cwd });
    default:
      return formatText(result, { style: style(io.color && io.stdoutIsTTY), cwd: io.cwd });
  }
}

const options: OptionSpecs = {
  ...dateOption,
  ...dataDirOption,
  ...jsonOption,
  ...timeoutOption,
  format: { type: 'string' },
  'fail-on': { type: 'string' },
  exclude: { type: 'string', multiple: true },
  config: { type: 'string' },
  'stage-glob': { type: 'string', multiple: true },
  ...indexOptions,
};

export const command: Command = {
  summary: 'judge the python images and Python versions of a project',
  help,
  options,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs('check', argv, options, 1);
    const format = (
      values.json === true ? 'json' : (stringOption(values, 'format') ?? 'text')
    ) as CheckFormat;
    if (!checkFormats.includes(format)) {
      throw usageError(`check: unknown --format '${format}' (one of ${checkFormats.join(', ')})`, 'check');
    }
    const failOnText = stringOption(values, 'fail-on');
    if (failOnText !== undefined && !['error', 'warning', 'info', 'never'].includes(failOnText)) {
      throw usageError(`check: --fail-on wants error, warning, info or never, got '${failOnText}'`, 'check');
    }
    const date = commandDate(values, io);
    const root = await projectRoot('check', positionals, io);
    const configFile = stringOption(values, 'config');
    const loaded = await loadConfig(root, configFile ? { configFile, cwd: io.cwd } : {});
    const stageGlobs = parseStageGlobs(listOption(values, 'stage-glob'));
    const config: PybaseConfig = {
      ...loaded,
      stages: { ...loaded.stages, ...stageGlobs },
      ...(failOnText ? { failOn: failOnText as FailOn } : {}),
    };
    const snapshotPath = snapshotPathOf(values, io);
    const offline = values.offline === true;
    let close: (() => Promise<void>) | undefined;
    const progress = lookupProgress(io);
    let result: Awaited<ReturnType<typeof runCheck>>;
    try {
      result = await runCheck(root, {
        date,
        config,
        exclude: listOption(values, 'exclude'),
        ...(snapshotPath ? { snapshotPath } : {}),
        offline,
        // Opened only when a dependency must be looked up: the network code is loaded then only.
        index: async (deps) => {
          const { openIndex } = await import('../network.js');
          const opened = await openIndex(values, io, 'check', deps.indexUrls, config);
          close = opened.close;
          return opened.index;
        },
        onProgress: (p) => progress.update(p),
      });
    } catch (err) {
      if (err instanceof PybaseError) throw err;
      const e = err as NodeJS.ErrnoException;
      if (e?.code === 'ENOENT' || e?.code === 'ENOTDIR' || e?.code === 'EACCES') {
        throw new PybaseError({
          code: inputCodes.unreadableFile,
          severity: 'error',
          message: `check: cannot read ${positionals[0] ?? '.'}: ${e.message}`,
        });
      }
      throw err;
    } finally {
      progress.finish();
      await close?.();
    }
    if (format === 'json') {
      // Written piece by piece: a monorepo's report is tens of megabytes, and one string of it would
      // double the peak memory.
      for (const chunk of formatJsonChunks(result)) {
        io.out(chunk);
        await io.flush?.();
      }
    } else io.out(render(format, result, io));
    return exceedsThreshold(result, config.failOn) ? 1 : 0;
  },
};
