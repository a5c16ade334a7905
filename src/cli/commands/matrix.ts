import {
  buildMatrixReport,
  extractOptionsOf,
  formatMatrix,
  loadConfig,
  type MatrixFormat,
  matrixFormats,
  planBake,
  recommendPolicyOf,
} from '../../index.js';
import {
  dataDirOption,
  dateOption,
  jsonOption,
  type OptionSpecs,
  parseCommandArgs,
  stringOption,
  usageError,
} from '../args.js';
import {
  commandDate,
  linuxArchsOf,
  noteStaleData,
  projectRoot,
  reportDependencyErrors,
  snapshotPathOf,
} from '../context.js';
import type { Io } from '../io.js';
import type { Command } from '../main.js';

const help = `Usage: pybase matrix [PATH] [options]

The best python images for the project under PATH (default: the current directory), ranked as
'pybase recommend' ranks them, as a CI test matrix.

Options:
  --format FORMAT        github (a strategy.matrix JSON; default), bake (docker-bake.hcl) or json
  --json                 same as --format json
  --top N                how many images (default 3)
  --verify               add per image a job that installs the locked dependencies as pybase judged
                         them (no sdist build for a package judged to install from a wheel)
                         (github: a complete workflow YAML)
  --smoke CMD            with --verify: the command each job runs after installing
  --date YYYY-MM-DD      as of that date (default: today)
  --data-dir DIR         use DIR/snapshot.json, a refreshed data snapshot

Exit codes: 0 ok, 1 no image passes the constraints (nothing on stdout but with --format json;
the reason on stderr), 2 usage or input error.
`;

const options: OptionSpecs = {
  ...dateOption,
  ...dataDirOption,
  ...jsonOption,
  format: { type: 'string' },
  top: { type: 'string' },
  verify: { type: 'boolean' },
  smoke: { type: 'string' },
};

export const command: Command = {
  summary: 'the top candidate images as a CI test matrix (GitHub Actions, docker bake, JSON)',
  help,
  options,
  async run(argv: string[], io: Io) {
    const { values, positionals } = parseCommandArgs('matrix', argv, options, 1);
    const format = (
      values.json === true ? 'json' : (stringOption(values, 'format') ?? 'github')
    ) as MatrixFormat;
    if (!matrixFormats.includes(format)) {
      throw usageError(`matrix: unknown --format '${format}' (one of ${matrixFormats.join(', ')})`, 'matrix');
    }
    const topText = stringOption(values, 'top') ?? '3';
    const top = Number(topText);
    if (!Number.isInteger(top) || top < 1 || top > 50) {
      throw usageError(`matrix: --top wants a whole number from 1 to 50, got '${topText}'`, 'matrix');
    }
    const smoke = stringOption(values, 'smoke');
    if (smoke !== undefined && values.verify !== true) {
      throw usageError('matrix: --smoke needs --verify', 'matrix');
    }
    const date = commandDate(values, io);
    noteStaleData(values, io, date);
    const root = await projectRoot('matrix', positionals, io);
    const snapshotPath = snapshotPathOf(values, io);
    // The project's configuration decides as it does for 'pybase recommend' (policy, architectures).
    const config = await loadConfig(root);
    const archs = config.archs ? linuxArchsOf(config.archs, 'matrix', `'archs' of ${config.source}`) : [];
    const { matrix, diagnostics } = await buildMatrixReport(root, {
      date,
      top,
      policy: recommendPolicyOf(config),
      ...(archs.length > 0 ? { archs } : {}),
      ...(snapshotPath ? { snapshotPath } : {}),
      extract: extractOptionsOf(config),
    });
    // A dependency file read with errors: a matrix about incomplete dependencies would mislead.
    if (reportDependencyErrors(diagnostics, io)) return 2;
    if (matrix.entries.length === 0) {
      // GitHub rejects a job whose matrix is empty, and a bake file without targets builds nothing:
      // say why and fail. JSON still prints its document (no entries) for scripts that read it.
      io.err(
        `pybase: matrix: no candidate image passes the constraints, the matrix would be empty: ${matrix.why ?? 'no reason known'}\n`,
      );
      if (format === 'json') io.out(formatMatrix(matrix, format, { verify: values.verify === true }));
      return 1;
    }
    // bake: the build argument the Dockerfile's python FROM takes, and what it cannot do, on stderr.
    const bake =
      format === 'bake' ? await planBake(root, matrix, snapshotPath ? { snapshotPath } : {}) : undefined;
    for (const w of bake?.warnings ?? []) io.err(`pybase: warning: matrix: ${w}\n`);
    io.out(
      formatMatrix(matrix, format, {
        verify: values.verify === true,
        ...(smoke ? { smoke } : {}),
        ...(bake ? { bake } : {}),
      }),
    );
    return 0;
  },
};
