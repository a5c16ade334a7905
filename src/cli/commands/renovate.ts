import path from 'node:path';
import {
  createCatalog,
  extractOptionsOf,
  extractProject,
  loadConfig,
  NoAllowedPythonError,
  type RenovateSnippet,
  readProjectPythonConstraints,
  renovateConfig,
  stuckReferences,
} from '../../index.js';
import {
  dataDirOption,
  dateOption,
  jsonOption,
  type OptionSpecs,
  parseCommandArgs,
  stringOption,
} from '../args.js';
import { commandDate, debianPolicy, noteStaleData, projectRoot, snapshotPathOf } from '../context.js';
import type { Command } from '../main.js';

const help = `Usage: pybase renovate [PATH] [options]

Print Renovate packageRules (JSON) that keep python image updates inside pybase's policy: only the
Python minors supported at the date that the project allows (requires-python of pyproject.toml or
the lock, Poetry's python, setup.cfg python_requires), only distros still supported, the same variant and distro as
written, no pre-releases, patch and minor updates in separate pull requests, digests pinned.
Mirrors from the configuration of PATH (default: the current directory) are matched too.

Options:
  --date YYYY-MM-DD    the date the supported minors and distros are taken at (default: today)
  --config FILE        read the configuration from FILE instead of pybase.toml / pyproject.toml
  --debian-eol POLICY  security or lts (default: the configuration's debian-eol-policy)
  --data-dir DIR       use DIR/snapshot.json, a refreshed data snapshot
  --json               accepted for scripts that pass it everywhere: the output is always JSON

Merge the printed packageRules into renovate.json. Run it again when a Python minor or a distro
reaches end of life: the allowed versions are a snapshot of the date.

Exit codes: 0 printed, 1 the project allows none of the supported minors (nothing printed, the
reason on stderr), 2 usage, configuration or input error.
`;

const options: OptionSpecs = {
  ...dateOption,
  ...dataDirOption,
  ...jsonOption,
  config: { type: 'string' },
  'debian-eol': { type: 'string' },
};

export const command: Command = {
  summary: 'print Renovate rules that keep python images inside the policy',
  help,
  options,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs('renovate', argv, options, 1);
    const date = commandDate(values, io);
    noteStaleData(values, io, date);
    const root = await projectRoot('renovate', positionals, io);
    const configFile = stringOption(values, 'config');
    const config = await loadConfig(root, configFile ? { configFile, cwd: io.cwd } : {});
    const snapshotPath = snapshotPathOf(values, io);
    const extract = extractOptionsOf(config);
    const pythonConstraints = await readProjectPythonConstraints(root, { extract });
    const catalog = createCatalog(snapshotPath ? { snapshotPath: path.resolve(io.cwd, snapshotPath) } : {});
    const debianEol =
      values['debian-eol'] === undefined ? config.debianEolPolicy : debianPolicy(values, 'renovate');
    let snippet: RenovateSnippet;
    try {
      snippet = renovateConfig({
        catalog,
        date,
        mirrors: config.mirrors,
        debianEol,
        ...(config.stages.dev && config.stages.dev.length > 0 ? { devGlobs: config.stages.dev } : {}),
        pythonConstraints,
      });
    } catch (error) {
      if (!(error instanceof NoAllowedPythonError)) throw error;
      io.err(`pybase: renovate: ${error.message}; no rules printed\n`);
      return 1;
    }
    io.out(`${JSON.stringify(snippet, null, 2)}\n`);
    // Lines these rules will never touch are said, so that nobody waits for a pull request.
    const stuck = stuckReferences(await extractProject(root, extract), {
      catalog,
      date,
      debianEol,
      mirrors: config.mirrors,
      pythonConstraints,
    });
    for (const s of stuck.slice(0, 5)) {
      io.err(
        `pybase: note: ${s.file}:${s.line}: ${s.reference} stays as it is under these rules: ${s.reason}; move it with 'pybase fix --bump distro'\n`,
      );
    }
    if (stuck.length > 5) io.err(`pybase: note: and ${stuck.length - 5} more references like these\n`);
    return 0;
  },
};
