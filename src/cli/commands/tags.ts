import {
  beyondDataMessage,
  type Catalog,
  isoDateOf,
  type ListedImage,
  listImages,
  normalizeArch,
  tryParseTag,
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
import { catalogOf, commandDate, debianPolicy } from '../context.js';
import { type Io, plural, style, table } from '../io.js';
import type { Command } from '../main.js';

const help = `Usage: pybase tags [FILTER] [--date YYYY-MM-DD] [--arch ARCH] [--frozen DAYS] [--json]

The python images published at the date, grouped by Python minor and variant, each with every
tag that names it and a status: supported, eol-soon, eol, prerelease (and frozen with --frozen).

  FILTER               parts a tag must have: 3.12, slim, alpine, 3.12-slim, trixie, 3.13-alpine, rc;
                       or latest: the images the tag latest names
  --date YYYY-MM-DD    answer as of that date (default: today)
  --arch ARCH          only images published for this architecture (amd64, arm64, linux/arm/v7, ...)
  --frozen DAYS        also list fully specified tags that stopped being rebuilt in the DAYS before the date
  --eol-window DAYS    how close an end of life counts as soon (default 180)
  --debian-eol POLICY  security (default) or lts: which Debian date counts as end of life
  --json               the list as JSON
  --data-dir DIR       use DIR/snapshot.json, a refreshed data snapshot
`;

function positiveInt(text: string | undefined, name: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text))
    throw usageError(`tags: ${name} must be a whole number of days, not '${text}'`, 'tags');
  return Number(text);
}

const options: OptionSpecs = {
  ...dateOption,
  ...dataDirOption,
  ...jsonOption,
  arch: { type: 'string' },
  frozen: { type: 'string' },
  'eol-window': { type: 'string' },
  'debian-eol': { type: 'string' },
};

export const command: Command = {
  summary: 'the python tags published at a date, with their status',
  help,
  options,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs('tags', argv, options, 1);
    const date = commandDate(values, io);
    const archText = stringOption(values, 'arch');
    const arch = archText === undefined ? undefined : normalizeArch(archText);
    if (archText !== undefined && !arch) {
      throw usageError(`tags: unknown architecture '${archText}'`, 'tags');
    }
    const frozen = positiveInt(stringOption(values, 'frozen'), '--frozen');
    const window = positiveInt(stringOption(values, 'eol-window'), '--eol-window');
    const catalog = catalogOf(values, io);
    const dataAge = catalog.dataAge(date);
    const filter = positionals[0]?.replace(/^python:/, '');
    if (filter !== undefined) checkFilter(filter, catalog);
    const images = listImages({
      catalog,
      date,
      ...(filter ? { filter } : {}),
      ...(arch ? { arch } : {}),
      ...(frozen !== undefined ? { frozenWithinDays: frozen } : {}),
      ...(window !== undefined ? { eolWindowDays: window } : {}),
      debianEol: debianPolicy(values, 'tags'),
    });
    const horizon = beyondDataMessage(dataAge, date, isoDateOf(io.now));
    if (horizon) io.err(`pybase: warning: ${horizon}\n`);
    if (values.json) {
      io.out(
        `${JSON.stringify({ schemaVersion: 1, date, dataAge, ...(horizon ? { warning: horizon } : {}), images }, null, 2)}\n`,
      );
      return 0;
    }
    io.out(renderTags(images, date, io, filter));
    if (dataAge.stale && !horizon) {
      io.out(
        `Note: pybase's data is from ${dataAge.dataDate}, ${plural(dataAge.ageDays, 'day')} before ${date}: tags published since then are missing; run 'pybase data update' for fresher answers.\n`,
      );
    }
    return 0;
  },
};

const filterSyntax =
  'a filter names the parts a tag must have (3.12, slim, alpine, 3.12-slim, trixie, alpine3.23, rc), or is latest';

/**
 * A filter must read as a tag, and a distro it names must be one some python tag has had: anything
 * else is a usage error that says what a filter is.
 */
function checkFilter(filter: string, catalog: Catalog): void {
  const parsed = tryParseTag(filter.toLowerCase());
  if (!parsed) throw usageError(`tags: '${filter}' is not a filter: ${filterSyntax}`, 'tags');
  const distro = parsed.distro?.name;
  if (distro && !catalog.allKnownTags().some((t) => tryParseTag(t)?.distro?.name === distro)) {
    throw usageError(
      `tags: no python tag has ever had '${parsed.distro?.text}' in it: ${filterSyntax}`,
      'tags',
    );
  }
}

function renderTags(images: ListedImage[], date: string, io: Io, filter?: string): string {
  const s = style(io.color);
  if (images.length === 0) return `No python image matches${filter ? ` '${filter}'` : ''} at ${date}.\n`;
  const out: string[] = [];
  let group = '';
  let rows: string[][] = [];
  const flush = () => {
    if (rows.length > 0) out.push(table(rows), '');
    rows = [];
  };
  for (const image of images) {
    const key = `${image.minor} ${image.variant}`;
    if (key !== group) {
      flush();
      group = key;
      const py = image.python;
      const life = py
        ? `${py.status}${typeof py.endOfLife === 'string' ? `, end of life ${py.endOfLife}` : ''}`
        : 'no life-cycle data';
      out.push(s.bold(`Python ${image.minor} · ${image.variant}`) + s.dim(`  (${life})`));
    }
    const status =
      image.status === 'supported'
        ? s.green(image.status)
        : image.status === 'eol'
          ? s.red(image.status)
          : s.yellow(image.status);
    const others = image.tags.slice(1).join(', ');
    const detail =
      image.status === 'frozen'
        ? `since ${image.frozenSince}${image.replacement ? ` -> ${image.replacement}` : ''}`
        : `${image.note ? `${image.note}; ` : ''}${others}`;
    rows.push([
      `  ${image.fullTag}`,
      status,
      image.architectures ? plural(image.architectures.length, 'arch') : 'archs unknown',
      detail,
    ]);
  }
  flush();
  out.push(s.dim(`${plural(images.length, 'image')} at ${date}.`));
  return `${out.join('\n')}\n`;
}
