import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildReportData, inputCodes, PybaseError, renderHtmlReport } from '../../index.js';
import {
  dataDirOption,
  dateOption,
  type OptionSpecs,
  parseCommandArgs,
  stringOption,
  usageError,
} from '../args.js';
import { commandDate, noteStaleData, projectRoot, snapshotPathOf } from '../context.js';
import { type Io, plural } from '../io.js';
import type { Command } from '../main.js';

const help = `Usage: pybase report [PATH] --html FILE [options]

Write one self-contained HTML page about the project under PATH (default: the current directory):
the recommended python image per stage (with copy buttons), the findings of 'pybase check' linked to
their rule pages, a dependency x image table of install verdicts, the life cycles of Python minors
and distros, and the decision path. The page needs no network and reads without JavaScript.

Options:
  --html FILE            where to write the page (required; '-' writes to standard output)
  --date YYYY-MM-DD      report as of that date (default: today)
  --data-dir DIR         use DIR/snapshot.json, a refreshed data snapshot
  --offline              never ask the package index (locks without file names give unknown verdicts)

Exit codes: 0 written, 2 usage or input error.
`;

const options: OptionSpecs = { ...dateOption, ...dataDirOption, html: { type: 'string' } };

export const command: Command = {
  summary: 'write a self-contained HTML report: recommendation, findings, dependency heatmap, life cycles',
  help,
  options,
  async run(argv: string[], io: Io) {
    const { values, positionals } = parseCommandArgs('report', argv, options, 1);
    const out = stringOption(values, 'html');
    if (!out) throw usageError('report: --html FILE is required', 'report');
    const date = commandDate(values, io);
    noteStaleData(values, io, date);
    const root = await projectRoot('report', positionals, io);
    const snapshotPath = snapshotPathOf(values, io);
    // The report never opens a connection by itself: wheel file names come from the lock.
    const data = await buildReportData(root, {
      date,
      offline: true,
      ...(snapshotPath ? { snapshotPath } : {}),
    });
    const html = renderHtmlReport(data);
    if (out === '-') {
      io.out(html);
    } else {
      const file = path.resolve(io.cwd, out);
      await writeFile(file, html).catch((err: NodeJS.ErrnoException) => {
        throw new PybaseError({
          code: inputCodes.unreadableFile,
          severity: 'error',
          message: `report: cannot write ${out}: ${err.message}`,
        });
      });
      io.err(
        `pybase: wrote ${out} (${plural(data.recommendations.length, 'recommendation')}, ${plural(data.findings.length, 'finding')})\n`,
      );
    }
    return 0;
  },
};
