import {
  describeReference,
  isoDateOf,
  type OnlineLookup,
  type ReferenceReport,
  replacementRule,
} from '../../index.js';
import {
  dataDirOption,
  dateOption,
  jsonOption,
  type OptionSpecs,
  parseCommandArgs,
  timeoutOption,
  usageError,
} from '../args.js';
import { catalogOf, commandDate, debianPolicy } from '../context.js';
import { type Io, style } from '../io.js';
import type { Command } from '../main.js';

const help = `Usage: pybase tag <reference> [--date YYYY-MM-DD] [--json]

Everything pybase knows about one python image reference: what it resolves to at the date, its
Python and distro with their life cycles, the libc, the architectures, whether the tag is still
rebuilt, its newest equivalents, and its problems in plain words.

  <reference>          python:3.12-slim, 3.12-slim (the repository may be left out),
                       docker.io/library/python:3.12.14-slim-trixie@sha256:..., mirror.gcr.io/library/python:3
  --date YYYY-MM-DD    answer as of that date (default: today)
  --debian-eol POLICY  security (default: end of Debian security support) or lts (end of Debian LTS)
  --online             also ask the registry: the live digest, per-platform digests and created dates
                       (credentials from ~/.docker/config.json; loopback registries are spoken to over HTTP)
  --timeout SECONDS    with --online: give up on the registry after this long (default 120)
  --json               the whole report as JSON
  --data-dir DIR       read DIR/snapshot.json (default: the snapshot 'pybase data update' refreshed,
                       when it is newer than the embedded one)

Exit codes: 0 no error-level problem, 1 the reference has an error-level problem (never published,
end of life), 2 usage or input error.
`;

const options: OptionSpecs = {
  ...dateOption,
  ...dataDirOption,
  ...jsonOption,
  ...timeoutOption,
  'debian-eol': { type: 'string' },
  online: { type: 'boolean' },
};

export const command: Command = {
  summary: 'everything known about one python image reference',
  help,
  options,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs('tag', argv, options, 1);
    if (values.online && values.offline)
      throw usageError('tag: --online and --offline exclude each other', 'tag');
    const text = positionals[0];
    if (!text) throw usageError('tag: give a reference, for example: pybase tag python:3.12-slim', 'tag');
    const date = commandDate(values, io);
    const catalog = catalogOf(values, io);
    // Users often write just the tag; read `3.12-slim` as `python:3.12-slim`.
    const bare = !/[/:@]/.test(text) && (/^[0-9]/.test(text) || /^(latest|slim|alpine|rc)\b/.test(text));
    const reference = bare ? `python:${text}` : text;
    const report = describeReference(reference, {
      catalog,
      date,
      debianEol: debianPolicy(values, 'tag'),
      today: isoDateOf(io.now),
    });
    let online: OnlineLookup | undefined;
    if (values.online && report.ref.isPython) {
      const { lookupReferenceOnline } = await import('./tag-online.js');
      online = await lookupReferenceOnline(report.ref, io, values);
    }
    if (values.json)
      io.out(`${JSON.stringify({ schemaVersion: 1, ...report, ...(online ? { online } : {}) }, null, 2)}\n`);
    else io.out(renderTagReport(report, io) + (online ? renderOnline(online) : ''));
    return report.problems.some((p) => p.severity === 'error') ? 1 : 0;
  },
};

export function renderTagReport(r: ReferenceReport, io: Io): string {
  const s = style(io.color);
  const rows: [string, string][] = [];
  const row = (label: string, value: string | undefined) => {
    if (value) rows.push([label, value]);
  };
  const res = r.resolution;
  if (r.digestOnly) row('resolves to', 'unknown offline (a digest without a tag)');
  if (r.ref.isPython && res) {
    const when = r.resolvedAsOf ? ` (on ${r.resolvedAsOf}, the last day it was listed)` : '';
    row('resolves to', `${s.bold(res.fullTag)}${res.floating ? `  since ${res.since}` : ''}${when}`);
    if (res.previous) row('before that', `${res.previous.fullTag} until ${res.previous.until}`);
    row('same image', res.sameImage.join(', '));
    if (res.otherPlatforms.length > 0) row('on Windows', res.otherPlatforms.map((o) => o.fullTag).join(', '));
  }
  const py = r.python;
  if (py) {
    const parts = [
      `${py.status === 'eol' ? s.red('end of life') : py.status === 'security' ? 'security fixes only' : py.status === 'bugfix' ? s.green('bugfix releases') : s.yellow('pre-release')}`,
    ];
    if (py.releaseDate) parts.push(`released ${py.releaseDate}`);
    if (typeof py.endOfBugfix === 'string') parts.push(`bugfixes until ${py.endOfBugfix}`);
    if (typeof py.endOfLife === 'string') parts.push(`end of life ${py.endOfLife}`);
    if (py.latestPatch) parts.push(`newest patch ${py.latestPatch.version} (${py.latestPatch.date})`);
    row('Python', `${py.minor}: ${parts.join(', ')}`);
  }
  const d = r.distro;
  if (d) {
    const label = d.family === 'debian' ? `Debian ${d.version} ${d.name}` : `Alpine ${d.name}`;
    const status = d.endOfLifeReached
      ? s.red('end of life')
      : d.status === 'lts'
        ? s.yellow('LTS only')
        : d.status === 'supported'
          ? s.green('supported')
          : d.status;
    const dates = [
      typeof d.endOfSupport === 'string' ? `security support until ${d.endOfSupport}` : undefined,
      typeof d.endOfLts === 'string' ? `LTS until ${d.endOfLts}` : undefined,
    ].filter(Boolean);
    row('distro', `${label}: ${status}${dates.length ? `, ${dates.join(', ')}` : ''}`);
  }
  if (r.libc?.family)
    row(
      'libc',
      `${r.libc.family} ${r.libc.version ?? '(version unknown)'}${r.libc.wheelPlatformMax ? `  (runs ${r.libc.wheelPlatformMax} wheels)` : ''}`,
    );
  if (res?.architectures)
    row(
      'architectures',
      `${res.architectures.join(', ')}${res.architecturesExact ? '' : `  (from the tag list of ${res.architecturesFrom ?? '?'})`}`,
    );
  if (r.rebuild && r.rebuild.status !== 'never-published' && res) {
    row(
      'rebuilds',
      r.rebuild.status === 'rebuilt'
        ? r.problems.some((p) => p.key === 'beyond-data')
          ? `${res.fullTag} was still rebuilt on ${r.dataAge.tagListCheckedAt}, where the data ends`
          : `${res.fullTag} is still rebuilt`
        : `${r.rebuild.fullTag ?? res.fullTag} is frozen since ${r.rebuild.since ?? '?'}${r.rebuild.replacement ? ` (replaced by ${r.rebuild.replacement.tag}${replacementRule(r.rebuild.replacement)})` : ''}`,
    );
  }
  const eq = r.equivalents;
  if (eq) {
    row('newest patch', eq.newestPatch);
    row('newest distro', eq.newestDistro);
    row('newest Python', eq.newestMinor);
  }
  const width = Math.max(0, ...rows.map(([l]) => l.length));
  const lines = [`${s.bold(r.reference)}  ${s.dim(`as of ${r.date}`)}`];
  for (const [label, value] of rows) lines.push(`  ${label.padEnd(width)}  ${value}`);
  if (r.problems.length > 0) {
    lines.push('', 'Problems:');
    for (const p of r.problems) {
      const sev =
        p.severity === 'error'
          ? s.red('error')
          : p.severity === 'warning'
            ? s.yellow('warning')
            : s.dim('info');
      lines.push(
        `  ${sev.padEnd(7 + (sev.length - p.severity.length))}  ${p.message}${/^PB\d/.test(p.key) ? s.dim(`  [${p.key}]`) : ''}`,
      );
    }
  } else {
    lines.push('', s.green('No problems.'));
  }
  return `${lines.join('\n')}\n`;
}

export function renderOnline(o: OnlineLookup): string {
  const lines = ['', `Registry (${o.host}):`, `  digest   ${o.digest}`, `  pinned   ${o.pinned}`];
  if (o.pinnedDigestCurrent !== undefined) {
    lines.push(
      `  your digest is ${o.pinnedDigestCurrent ? 'the current one' : 'NOT the current one: the tag has moved'}`,
    );
  }
  if (o.createdDate)
    lines.push(
      `  created  ${o.createdDate}${o.pythonVersion ? `  (PYTHON_VERSION ${o.pythonVersion})` : ''}`,
    );
  for (const p of o.platforms) {
    lines.push(
      `  ${(p.arch ?? p.platform).padEnd(14)} ${p.digest}${p.created ? `  created ${p.created.slice(0, 10)}` : ''}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
