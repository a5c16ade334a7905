import path from 'node:path';
import {
  createDefaultFetcher,
  type DataStatus,
  type DataUpdateResult,
  dataStatus,
  isoDateOf,
  loadDockerConfig,
  resolveDataDir,
  updateData,
} from '../../index.js';
import {
  dataDirOption,
  jsonOption,
  type OptionSpecs,
  parseCommandArgs,
  stringOption,
  timeoutOption,
  usageError,
} from '../args.js';
import { type Io, plural, style, table } from '../io.js';
import type { Command } from '../main.js';
import { deadlineMsOf } from '../network-options.js';

const help = `Usage: pybase data update [options]
       pybase data status [--json]

update  refreshes pybase's knowledge online into the data directory: the official tag list
        (docker-library/official-images library/python), the Python, Debian and Alpine life cycles
        (endoflife.date), and the tags the registry publishes for library/python. What cannot be
        fetched keeps its previous value (the embedded snapshot at first).
status  shows which snapshot commands read, each source, where its data comes from (embedded or
        refreshed), its date and age, and warns when a source is older than 90 days.

Without --data-dir, every command reads the refreshed snapshot of the default data directory when
it is newer than the embedded one; one that cannot be read is passed over with a note.

  --data-dir DIR        the data directory (default: $XDG_CACHE_HOME/pybase/data or ~/.cache/pybase/data)
  --endoflife-url URL   endoflife.date API base (default https://endoflife.date/api)
  --library-url URL     raw URL of official-images library/python
  --registry HOST       registry (or mirror) to list library/python tags from (default docker.io)
  --no-registry         do not list registry tags
  --timeout SECONDS     give up on each source after this long (default 120)
  --json                machine-readable output

update refuses --offline: it exists to fetch.
`;

function renderUpdate(result: DataUpdateResult, io: Io): string {
  const s = style(io.color);
  const rows = result.sources.map((o) => [
    o.ok ? s.green('ok') : s.red('failed'),
    o.name,
    o.ok ? o.summary : `${o.summary}: ${o.error ?? ''}`,
  ]);
  const lines = [`Data directory: ${result.dataDir}`, table(rows)];
  if (result.notPublished.length > 0) {
    lines.push(`Listed by official-images but not in the registry yet: ${result.notPublished.join(', ')}`);
  }
  return `${lines.join('\n')}\n`;
}

function renderStatus(status: DataStatus, io: Io): string {
  const s = style(io.color);
  const rows = [
    ['source', 'from', 'date', 'age'],
    ...status.sources.map((src) =>
      src.origin === 'none'
        ? [src.name, s.yellow('never fetched'), '-', '-']
        : [
            src.name,
            src.origin,
            src.date ?? 'unknown',
            src.ageDays === undefined
              ? 'unknown'
              : src.stale
                ? s.yellow(plural(src.ageDays, 'day'))
                : plural(src.ageDays, 'day'),
          ],
    ),
  ];
  const lines = [
    `Data directory: ${status.dataDir}`,
    `In use: ${status.active === 'refreshed' ? `refreshed snapshot ${status.snapshotPath}` : 'embedded snapshot'} (data date ${status.dataDate})`,
    table(rows),
    ...status.warnings.map((w) => `${s.yellow('warning:')} ${w}`),
  ];
  return `${lines.join('\n')}\n`;
}

const options: OptionSpecs = {
  ...dataDirOption,
  ...jsonOption,
  ...timeoutOption,
  'endoflife-url': { type: 'string' },
  'library-url': { type: 'string' },
  registry: { type: 'string' },
  'no-registry': { type: 'boolean' },
};

export const command: Command = {
  summary: 'refresh the tag list and life cycles online (update), or show their age (status)',
  help,
  options,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs('data', argv, options, 1);
    const action = positionals[0];
    const dataDir = resolveDataDir({
      ...(stringOption(values, 'data-dir')
        ? { dataDir: path.resolve(io.cwd, stringOption(values, 'data-dir') as string) }
        : {}),
      env: io.env,
    });
    const today = isoDateOf(io.now);
    if (action === 'status') {
      const status = await dataStatus({
        dataDir,
        today,
        explicit: stringOption(values, 'data-dir') !== undefined,
      });
      io.out(
        values.json
          ? `${JSON.stringify({ schemaVersion: 1, ...status }, null, 2)}\n`
          : renderStatus(status, io),
      );
      return 0;
    }
    if (action !== 'update') {
      throw usageError(
        action
          ? `data: unknown action '${action}' (update or status)`
          : 'data: give an action: update or status',
        'data',
      );
    }
    if (values.offline)
      throw usageError('data update fetches data online; it cannot run with --offline', 'data');
    const fetcher = createDefaultFetcher();
    try {
      const dockerConfig = await loadDockerConfig({ env: io.env });
      const registryHost = stringOption(values, 'registry');
      const deadlineMs = deadlineMsOf(values, 'data');
      const result = await updateData({
        fetcher,
        ...(deadlineMs !== undefined ? { http: { deadlineMs } } : {}),
        today,
        dataDir,
        ...(stringOption(values, 'endoflife-url')
          ? { endoflifeUrl: stringOption(values, 'endoflife-url') as string }
          : {}),
        ...(stringOption(values, 'library-url')
          ? { libraryPythonUrl: stringOption(values, 'library-url') as string }
          : {}),
        registry: values['no-registry']
          ? false
          : {
              ...(registryHost ? { registry: registryHost } : {}),
              options: {
                ...(dockerConfig ? { dockerConfig } : {}),
                ...(deadlineMs !== undefined ? { http: { deadlineMs } } : {}),
              },
            },
      });
      io.out(
        values.json
          ? `${JSON.stringify({ schemaVersion: 1, ...result }, null, 2)}\n`
          : renderUpdate(result, io),
      );
      return result.sources.every((o) => o.ok) ? 0 : 1;
    } finally {
      await fetcher.close();
    }
  },
};
