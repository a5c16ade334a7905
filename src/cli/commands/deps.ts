import path from 'node:path';
import {
  type Arch,
  addDays,
  analyzeDependencyFile,
  archSpelling,
  type CandidateList,
  type Catalog,
  type CompatibilityReport,
  candidateList,
  candidateOf,
  checkArchitectures,
  createCatalog,
  defaultArchs,
  dependencySourceKind,
  dependencySourceLabel,
  frozenCandidate,
  type ImageCandidate,
  type ImageCompatibility,
  type IsoDate,
  inputCodes,
  loadConfig,
  locateProjectDependencies,
  type PackageVerdict,
  PybaseError,
  resolveCacheDir,
  tryParseReference,
  type Verdict,
  withUnknownArchitectures,
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
import {
  commandDate,
  linuxArchsOf,
  noteDependencyChoice,
  noteStaleData,
  projectRoot,
  reportDependencyErrors,
  snapshotPathOf,
} from '../context.js';
import { type Io, locationPrefix, plural, style, table } from '../io.js';
import type { Command } from '../main.js';
import { indexOptions, lookupProgress, reportNetworkFailures } from '../network-options.js';

const help = `Usage: pybase deps [PATH] [options]

Which python images can install the project's dependencies: for every candidate image (each fully
specified Linux tag published at the date) and architecture, whether every package installs from a
wheel, which ones must be built from source (a compiler is needed for packages with native code;
sdist-only packages are only "built from source"), and which cannot install at all.

Dependencies are read from the most precise file in PATH (default: the current directory):
uv.lock, poetry.lock, pdm.lock, Pipfile.lock, requirements*.txt, pyproject.toml. Files the lock does
not name (hashes only, plain pins, ranges) are looked up in the package index.

Options:
  --image REF        judge only this image (repeatable); floating tags (3.12-slim) are resolved at
                     the date; prints the verdict of every package
  --arch ARCH        architectures to judge (repeatable or comma-separated; default amd64,arm64):
                     amd64, arm64, arm/v7, arm/v6, arm/v5, 386, ppc64le, riscv64, s390x, mips64le,
                     with or without linux/, or docker-library names (arm64v8, arm32v7)
  --deps FILE        read this dependency file instead of searching PATH
  --with GROUP       also read this dependency group (repeatable; '*' for every group)
  --index-url URL    package index (default: PIP_INDEX_URL, the file's --index-url, or PyPI)
  --offline          never open a network connection: packages without files in the lock are unknown
  --cache-dir DIR    where index pages and results are cached (default ~/.cache/pybase)
  --no-cache         compute the report even when a stored one for the same inputs exists,
                     and store nothing
  --timeout SECONDS  give up on the network after this long (default 120)
  --date YYYY-MM-DD  judge the images published at that date (default: today)
  --data-dir DIR     use DIR/snapshot.json (default: the snapshot 'pybase data update' refreshed,
                     when it is newer than the embedded one)
  --json             the whole compatibility report as JSON

Exit codes: 0 done, 2 usage or input error (no dependency file, unknown image) or a package index
that could not be read (the report is still printed; unreachable packages are unknown).
`;

/**
 * Resolve `--image` values to fully specified candidates at the date. A tag no longer published is
 * judged on the image it named last (as `check` does), on every architecture asked since the data
 * does not say which it was built for; `notes` gets a line saying so.
 */
function imagesFromRefs(
  refs: readonly string[],
  catalog: Catalog,
  date: IsoDate,
  archs: readonly Arch[],
  notes: string[],
): ImageCandidate[] {
  const out: ImageCandidate[] = [];
  for (const text of refs) {
    const reference =
      /^[0-9]/.test(text) || /^(latest|slim|alpine|bookworm|trixie|bullseye|rc)\b/.test(text)
        ? `python:${text}`
        : text;
    const ref = tryParseReference(reference);
    if (!ref?.isPython || !ref.python) {
      throw usageError(`deps: '${text}' is not a python image reference`, 'deps');
    }
    if (ref.tag === undefined && ref.digest !== undefined) {
      throw new PybaseError({
        code: inputCodes.usage,
        severity: 'error',
        message: `deps: ${text} is a digest without a tag: which image it names is unknown offline`,
        hint: 'name the image by its tag (python:3.12.14-slim-trixie@sha256:... works too)',
      });
    }
    const tag = ref.tag ?? 'latest';
    const resolved = catalog.resolve(tag, date);
    let candidate: ImageCandidate | undefined;
    if (resolved) {
      candidate = candidateOf(catalog, resolved.fullTag, date);
      if (!candidate) {
        throw usageError(
          `deps: python:${tag} (${resolved.fullTag}) is not a Linux image pybase can judge`,
          'deps',
        );
      }
    } else {
      const status = catalog.tagStatus(tag, date);
      const last = status.removedOn !== undefined ? frozenCandidate(catalog, tag, date) : undefined;
      if (!last) throw unpublishedImage(tag, catalog, date);
      candidate = { ...last, architectures: [...archs] };
      notes.push(
        `python:${tag} is no longer published (frozen since ${status.removedOn}): judged on the image it named last, ${last.tag}; the data does not record which architectures that image was built for, so it is judged on ${archs.map(archSpelling).join(', ')} as asked`,
      );
    }
    const found = candidate;
    if (!out.some((c) => c.tag === found.tag)) out.push(found);
  }
  return out;
}

/**
 * The error for a tag no image stands behind at the date: not yet published (with the date it was
 * first listed), or never published (with the nearest real tags, and for one listed only in the past
 * the last --date at which it was).
 */
function unpublishedImage(tag: string, catalog: Catalog, date: IsoDate): PybaseError {
  const status = catalog.tagStatus(tag, date);
  const first = status.intervals[0]?.from;
  if (status.everPublished && first !== undefined && first > date) {
    return new PybaseError({
      code: inputCodes.usage,
      severity: 'error',
      message: `deps: python:${tag} was not yet published at ${date} (first listed ${first})`,
      hint: `judge it at a date from ${first} on (--date ${first}), or name a tag published at ${date} ('pybase tags --date ${date}')`,
    });
  }
  const suggestions = catalog.suggest(tag, date).map((s) => {
    if (s.published) return s.tag;
    const removed = catalog.tagStatus(s.tag, date).removedOn;
    return removed ? `${s.tag} (last listed: --date ${addDays(removed, -1)})` : s.tag;
  });
  return new PybaseError({
    code: inputCodes.usage,
    severity: 'error',
    message: `deps: python:${tag} was never published`,
    hint:
      suggestions.length > 0
        ? `did you mean ${suggestions.join(', ')}? ('pybase tags' lists the tags of a date)`
        : `'pybase tags --date ${date}' lists the tags of that date`,
  });
}

function archsOf(values: string[]): Arch[] {
  const archs = linuxArchsOf(values, 'deps', '--arch');
  return archs.length > 0 ? archs : [...defaultArchs];
}

const options: OptionSpecs = {
  ...dateOption,
  ...dataDirOption,
  ...jsonOption,
  ...timeoutOption,
  image: { type: 'string', multiple: true },
  arch: { type: 'string', multiple: true },
  deps: { type: 'string' },
  with: { type: 'string', multiple: true },
  'no-cache': { type: 'boolean' },
  ...indexOptions,
};

export const command: Command = {
  summary: 'which python images install the dependencies from wheels',
  help,
  options,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs('deps', argv, options, 1);
    const date = commandDate(values, io);
    noteStaleData(values, io, date);
    const dir = await projectRoot('deps', positionals, io, {
      dependencyFile: (file) => dependencySourceKind(file) !== undefined,
    });
    const archs = archsOf(listOption(values, 'arch'));
    const snapshotPath = snapshotPathOf(values, io);
    const catalog = createCatalog(snapshotPath ? { snapshotPath } : {});
    const refs = listOption(values, 'image');
    // Named images are read now; the published candidates only when no stored result names them.
    const imageNotes: string[] = [];
    const named = refs.length > 0 ? imagesFromRefs(refs, catalog, date, archs, imageNotes) : undefined;
    for (const note of imageNotes) io.err(`pybase: note: ${note}\n`);
    const checked = (images: readonly ImageCandidate[]) => {
      checkArchitectures(catalog, images, archs, date, { command: 'deps', named: named !== undefined });
      return images;
    };
    if (named) checked(named);
    const published = candidateList(catalog, date);
    const requested: readonly ImageCandidate[] | CandidateList = named ?? {
      key: published.key,
      list: () => [...checked(published.list())],
    };
    const depsFile = stringOption(values, 'deps');
    const found = locateProjectDependencies(
      dir,
      depsFile !== undefined ? { deps: path.resolve(io.cwd, depsFile) } : {},
    );
    noteDependencyChoice(found, io, 'read another with --deps FILE');
    const offline = values.offline === true;
    const cacheDir = stringOption(values, 'cache-dir');
    let close: (() => Promise<void>) | undefined;
    const progress = lookupProgress(io);
    let report: CompatibilityReport;
    let images: readonly ImageCandidate[];
    try {
      ({ report, images } = await analyzeDependencyFile({
        file: found.file,
        kind: found.kind,
        with: listOption(values, 'with'),
        images: requested,
        archs,
        date,
        offline,
        // Opened only when some dependency must be looked up (never on a cached result).
        index: async (deps) => {
          const config = await loadConfig(dir);
          const { openIndex } = await import('../network.js');
          const opened = await openIndex(values, io, 'deps', deps.indexUrls, config);
          close = opened.close;
          return opened.index;
        },
        onProgress: (p) => progress.update(p),
        ...(values['no-cache'] === true
          ? {}
          : {
              cacheDir: path.join(
                resolveCacheDir({ env: io.env, ...(cacheDir !== undefined ? { cacheDir } : {}) }),
                'deps',
              ),
            }),
      }));
    } finally {
      progress.finish();
      await close?.();
    }
    // A stored result was computed from the same list, which passed this check then: it passes again.
    if (!named) checked(images);
    if (values.json) io.out(`${JSON.stringify(report, null, 2)}\n`);
    else {
      io.out(refs.length > 0 ? renderImageTables(report, io) : renderMatrix(report, io));
      const unknown = withUnknownArchitectures(images);
      if (unknown.length > 0) io.out(unknownArchitecturesNote(unknown, catalog, date));
    }
    const network = reportNetworkFailures(report.diagnostics, io);
    const input = reportDependencyErrors(report.diagnostics, io);
    return network || input ? 2 : 0;
  },
};

/** The images left out because the data does not say which architectures they were built for. */
function unknownArchitecturesNote(
  unknown: readonly ImageCandidate[],
  catalog: Catalog,
  date: IsoDate,
): string {
  const since = catalog.architecturesRecordedFrom();
  const names = unknown.map((c) => c.tag);
  const shown =
    names.length > 6 ? `${names.slice(0, 6).join(', ')} and ${names.length - 6} more` : names.join(', ');
  return `\nNot judged: ${plural(unknown.length, 'image')} published at ${date} whose architectures the data does not record${since ? ` (it records them from ${since} on)` : ''}: ${shown}.\n`;
}

/** A path as the user would type it from the current directory (absolute when outside it). */
function shownPath(file: string, io: Io): string {
  const rel = path.relative(io.cwd, path.resolve(io.cwd, file));
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return file;
  return rel.split(path.sep).join('/');
}

function header(report: CompatibilityReport, io: Io): string {
  const s = style(io.color && io.stdoutIsTTY);
  const src = report.source
    ? dependencySourceLabel(shownPath(report.source.file, io), report.source.kind)
    : 'dependencies';
  const count = report.packages.length;
  return `${s.bold(src)}: ${plural(count, 'package')}, ${s.dim(`images published at ${report.date}, ${report.archs.map(archSpelling).join(', ')}`)}`;
}

/** Names of the packages with native code: a binary wheel for some platform (as recommend counts them). */
export function nativePackages(report: CompatibilityReport): Set<string> {
  return new Set(report.packages.filter((p) => p.hasBinaryWheels).map((p) => p.name));
}

/**
 * One matrix cell: what installing everything on that image and architecture comes down to. A
 * package built from its sdist needs a compiler only when it has native code (binary wheels for
 * other platforms); an sdist-only package is usually pure Python and is just `built from source`.
 */
export function cellText(c: ImageCompatibility, native: ReadonlySet<string>): string {
  const n = c.counts;
  if (c.excludedByProject) return 'project excludes this Python';
  if (c.packages.length === 0) return 'nothing to install';
  const parts: string[] = [];
  if (n.unavailable > 0) parts.push(`${n.unavailable} cannot install`);
  if (n['sdist-build'] > 0) {
    if (c.image.hasCompiler) parts.push(`${n['sdist-build']} built here`);
    else {
      const compiled = c.packages.filter((p) => p.verdict === 'sdist-build' && native.has(p.name)).length;
      if (compiled > 0) parts.push(`${compiled} need a compiler`);
      if (n['sdist-build'] > compiled) parts.push(`${n['sdist-build'] - compiled} built from source`);
    }
  }
  if (n.unknown > 0) parts.push(`${n.unknown} unknown`);
  return parts.length === 0 ? 'all wheels' : parts.join(', ');
}

function colour(c: ImageCompatibility, text: string, io: Io): string {
  const s = style(io.color && io.stdoutIsTTY);
  if (c.allFromWheels) return s.green(text);
  if (!c.installable) return s.red(text);
  return s.yellow(text);
}

const problemOrder: Verdict[] = ['unavailable', 'sdist-build', 'unknown'];

export function renderMatrix(report: CompatibilityReport, io: Io): string {
  const s = style(io.color && io.stdoutIsTTY);
  const lines = [header(report, io), ''];
  const byTag = new Map<string, Map<Arch, ImageCompatibility>>();
  const order: ImageCandidate[] = [];
  for (const c of report.images) {
    let row = byTag.get(c.image.tag);
    if (!row) {
      row = new Map();
      byTag.set(c.image.tag, row);
      order.push(c.image);
    }
    row.set(c.arch, c);
  }
  if (order.length === 0) {
    // Architectures no image is built for, or whose data is missing, were refused before: nothing
    // is published at all.
    lines.push(`No python image is published at ${report.date}.`);
    return `${lines.join('\n')}\n`;
  }
  const native = nativePackages(report);
  const rows: string[][] = [['image', ...report.archs.map(archSpelling)]];
  let minor: string | undefined;
  for (const image of order) {
    if (minor !== undefined && image.python !== minor) rows.push(['']);
    minor = image.python;
    const row = byTag.get(image.tag)!;
    rows.push([
      image.tag,
      ...report.archs.map((a) => {
        const c = row.get(a);
        return c ? colour(c, cellText(c, native), io) : s.dim('not published');
      }),
    ]);
  }
  lines.push(table(rows));
  // Packages that keep some image from installing everything from wheels.
  const problems = new Map<
    string,
    { version?: string; byVerdict: Map<Verdict, Set<ImageCompatibility>>; reason: string }
  >();
  // Images whose Python the project itself excludes (requires-python) are not counted: nothing
  // would be installed there anyway.
  const judged = report.images.filter((c) => !c.excludedByProject);
  for (const c of judged) {
    for (const p of c.packages) {
      if (p.verdict === 'wheel' || p.verdict === 'pure') continue;
      const key = p.name;
      let entry = problems.get(key);
      if (!entry) {
        entry = { byVerdict: new Map(), reason: p.reason, ...(p.version ? { version: p.version } : {}) };
        problems.set(key, entry);
      }
      let set = entry.byVerdict.get(p.verdict);
      if (!set) {
        set = new Set();
        entry.byVerdict.set(p.verdict, set);
      }
      // Each entry of report.images is one image and architecture: the entry itself counts it.
      set.add(c);
    }
  }
  if (problems.size > 0) {
    const excluded = new Set(report.images.filter((c) => c.excludedByProject).map((c) => c.image.tag)).size;
    lines.push(
      '',
      `Packages without a wheel on some images${excluded > 0 ? ` (counts of image and architecture; the ${plural(excluded, 'image')} whose Python the project excludes not counted)` : ''}:`,
    );
    const total = judged.length;
    const sorted = [...problems.entries()].sort(
      (a, b) => problemRank(a[1].byVerdict) - problemRank(b[1].byVerdict) || a[0].localeCompare(b[0]),
    );
    for (const [name, e] of sorted) {
      const counts = problemOrder
        .filter((v) => e.byVerdict.has(v))
        .map((v) => `${verdictWord(v)} on ${e.byVerdict.get(v)!.size} of ${total}`)
        .join(', ');
      lines.push(`  ${s.bold(name)}${e.version ? ` ${e.version}` : ''}: ${counts}`);
      lines.push(`    ${s.dim(e.reason)}`);
    }
  } else if (judged.length > 0) {
    lines.push(
      '',
      s.green(
        `Every package installs from a wheel on every image listed${judged.length < report.images.length ? ' that the project allows' : ''}.`,
      ),
    );
  }
  lines.push(...footer(report, io));
  return `${lines.join('\n')}\n`;
}

function problemRank(byVerdict: Map<Verdict, Set<unknown>>): number {
  return byVerdict.has('unavailable') ? 0 : byVerdict.has('sdist-build') ? 1 : 2;
}

function verdictWord(v: Verdict): string {
  switch (v) {
    case 'unavailable':
      return 'cannot install';
    case 'sdist-build':
      return 'built from source';
    case 'unknown':
      return 'unknown';
    case 'pure':
      return 'pure wheel';
    default:
      return 'wheel';
  }
}

function footer(report: CompatibilityReport, io: Io): string[] {
  const s = style(io.color && io.stdoutIsTTY);
  const out: string[] = [];
  if (report.incomplete) {
    out.push(
      '',
      s.yellow(
        report.diagnostics.some((d) => d.code === inputCodes.network)
          ? 'Some packages are unknown: the dependency file names no files for them and the index look-up failed (see the notes).'
          : 'Some packages are unknown: the dependency file names no files for them and they were not looked up (run without --offline).',
      ),
    );
  }
  if (report.diagnostics.length > 0) {
    out.push('', 'Notes:');
    for (const d of report.diagnostics.slice(0, 20)) {
      out.push(`  ${d.severity}: ${locationPrefix(d)}${d.message}`);
    }
    if (report.diagnostics.length > 20) out.push(`  ... and ${report.diagnostics.length - 20} more`);
  }
  return out;
}

const verdictRank: Record<Verdict, number> = {
  unavailable: 0,
  'sdist-build': 1,
  unknown: 2,
  wheel: 3,
  pure: 4,
};

export function renderImageTables(report: CompatibilityReport, io: Io): string {
  const s = style(io.color && io.stdoutIsTTY);
  const native = nativePackages(report);
  const lines = [header(report, io)];
  for (const c of report.images) {
    lines.push('', `${s.bold(c.image.tag)} ${archSpelling(c.arch)}: ${colour(c, cellText(c, native), io)}`);
    if (c.excludedByProject) lines.push(s.red(`  ${c.excludedByProject}`));
    const sorted = [...c.packages].sort(
      (a: PackageVerdict, b: PackageVerdict) =>
        verdictRank[a.verdict] - verdictRank[b.verdict] || a.name.localeCompare(b.name),
    );
    const rows = [['package', 'version', 'verdict', 'reason']];
    for (const p of sorted) rows.push([p.name, p.version ?? '', p.verdict, p.reason]);
    lines.push(table(rows));
  }
  if (report.images.length === 0) lines.push('', 'The image is not published for these architectures.');
  lines.push(...footer(report, io));
  return `${lines.join('\n')}\n`;
}
