import path from 'node:path';
import {
  assertOutputWritable,
  buildReport,
  checkArchitectures,
  createCatalog,
  defaultArchs,
  loadConfig,
  recommendPolicyOf,
  renderHtmlReport,
  resolveCacheDir,
  writeOutputFile,
} from '../../index.js';
import {
  dataDirOption,
  dateOption,
  type OptionSpecs,
  parseCommandArgs,
  stringOption,
  timeoutOption,
  usageError,
} from '../args.js';
import { commandDate, linuxArchsOf, noteStaleData, projectRoot, snapshotPathOf } from '../context.js';
import { type Io, plural } from '../io.js';
import type { Command } from '../main.js';
import { indexOptions, indexOptionsHelp, reportNetworkFailures } from '../network-options.js';

const help = `Usage: pybase report [PATH] --html FILE [options]

Write one self-contained HTML page about the project under PATH (default: the current directory):
the recommended python image per stage (with copy buttons), the findings of 'pybase check' linked to
their rule pages, a dependency x image table of install verdicts, the life cycles of Python minors
and distros, and the decision path. The page needs no network and reads without JavaScript. The
project is read as 'pybase recommend' reads it (configuration, package index, cache), so the page
recommends what recommend does.

Options:
  --html FILE            where to write the page (required; '-' writes to standard output)
  --date YYYY-MM-DD      report as of that date (default: today)
  --data-dir DIR         use DIR/snapshot.json, a refreshed data snapshot
  --offline              never ask the package index (dependencies the lock names no files for
                         get unknown verdicts)
${indexOptionsHelp(25)}
Exit codes: 0 written, 2 usage or input error, or a failed index look-up (the page is still
written, and says which verdicts are unknown).
`;

const options: OptionSpecs = {
  ...dateOption,
  ...dataDirOption,
  html: { type: 'string' },
  ...indexOptions,
  ...timeoutOption,
};

export const command: Command = {
  summary: 'write a self-contained HTML report: recommendation, findings, dependency heatmap, life cycles',
  help,
  options,
  async run(argv: string[], io: Io) {
    const { values, positionals } = parseCommandArgs('report', argv, options, 1);
    const out = stringOption(values, 'html');
    if (!out) throw usageError('report: --html FILE is required', 'report');
    // Before any work: an output that cannot be written is said at once.
    if (out !== '-') assertOutputWritable('report', path.resolve(io.cwd, out), out);
    const date = commandDate(values, io);
    noteStaleData(values, io, date);
    const root = await projectRoot('report', positionals, io);
    const snapshotPath = snapshotPathOf(values, io);
    // The project is read as 'pybase recommend' reads it, with the same configuration, so that the
    // page recommends what recommend does.
    const config = await loadConfig(root);
    const policy = recommendPolicyOf(config);
    const archs = config.archs ? linuxArchsOf(config.archs, 'report', `'archs' of ${config.source}`) : [];
    const catalog = createCatalog(snapshotPath ? { snapshotPath } : {});
    const offline = values.offline === true;
    // The network client is loaded only when the command goes online.
    const network = offline ? undefined : await import('../network.js');
    const opened = await network?.openIndex(values, io, 'report', [], config);
    const cacheDir = stringOption(values, 'cache-dir');
    try {
      const { data, diagnostics } = await buildReport(root, {
        date,
        catalog,
        // Architectures that cannot be judged at the date are refused before any dependency is judged.
        checkCandidates: (candidates) =>
          checkArchitectures(catalog, candidates, archs.length > 0 ? archs : defaultArchs, date, {
            command: 'report',
          }),
        ...(snapshotPath ? { snapshotPath } : {}),
        config,
        policy,
        ...(archs.length > 0 ? { archs } : {}),
        offline,
        ...(opened ? { index: opened.index } : {}),
        cacheDir: path.join(
          resolveCacheDir({ env: io.env, ...(cacheDir !== undefined ? { cacheDir } : {}) }),
          'deps',
        ),
      });
      const html = renderHtmlReport(data);
      if (out === '-') {
        io.out(html);
      } else {
        await writeOutputFile('report', path.resolve(io.cwd, out), html, out);
        io.err(
          `pybase: wrote ${out} (${plural(data.recommendations.length, 'recommendation')}, ${plural(data.findings.length, 'finding')})\n`,
        );
      }
      // A failed look-up leaves verdicts unknown (the page says which): an error, as for recommend.
      // Errors inside the dependency file are notes of the page, as they always were.
      return reportNetworkFailures(diagnostics, io) ? 2 : 0;
    } finally {
      await opened?.close();
    }
  },
};
