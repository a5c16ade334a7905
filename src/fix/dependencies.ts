/**
 * `--bump minor` and the project's locked dependencies: a new Python minor is a new set of wheels, so
 * a move is judged with the dependency facts `pybase check` uses (src/deps/facts.ts: the lock read
 * once, each image judged once by the dependency engine, offline). A move is refused when a package
 * that installs from a wheel (binary or pure) on the current image would need a source build, or
 * could not be installed, on the new one, on any of the project's architectures.
 *
 * Only types come from src/deps/ statically: the lock readers are loaded by {@link readFixDependencies}
 * when a minor bump needs them, so other runs of `pybase fix` do not load them.
 */
import path from 'node:path';
import type { Catalog } from '../catalog/catalog.js';
import { formatTag } from '../catalog/tag.js';
import type { DependencyFacts, ImageDependencyFacts, ReadDependencyFacts } from '../deps/facts.js';
import type { PackageVerdict } from '../model/compat.js';
import type { IsoDate } from '../model/date.js';
import type { PythonTag } from '../model/image-ref.js';
import { type Arch, archSpelling } from '../model/platform.js';
import type { DependencyBlocker, DependencyRefusal } from './types.js';

export interface FixDependencyOptions {
  catalog: Catalog;
  /** Architectures as written (`--arch`, configuration `archs`); default amd64 and arm64. */
  archs?: readonly string[];
  /** A dependency file to read instead of the most precise one found (relative to the root, or absolute). */
  deps?: string;
}

/**
 * The project's dependencies as `--bump minor` judges them: the file `pybase deps` would read, read
 * once, offline. `facts` is undefined when the project has no dependency file; `problems` holds
 * what made the file unreadable or its reading incomplete (errors: the dependencies judged would be
 * wrong, and nothing should be moved on them).
 */
export async function readFixDependencies(
  root: string,
  options: FixDependencyOptions,
): Promise<ReadDependencyFacts> {
  const { readDependencyFacts } = await import('../deps/facts.js');
  return readDependencyFacts(root, {
    catalog: options.catalog,
    ...(options.archs ? { archs: options.archs } : {}),
    ...(options.deps !== undefined ? { deps: options.deps } : {}),
  });
}

export interface DependencyJudge {
  /** The dependency file judged, relative to the root with '/' (or as read when outside it). */
  file: string;
  /** The architectures judged. */
  archs: Arch[];
  /** Why the dependencies refuse the move from `from` to `to`, or undefined when they accept it (memoised). */
  refuse(from: PythonTag, to: PythonTag): DependencyRefusal | undefined;
  /**
   * The tags whose images {@link refuse} still needs judged to answer for this move (none when
   * {@link prefetch} judged them already): the new image first, then, only when some package
   * does not install from a wheel there, the current one.
   */
  needs(from: PythonTag, to: PythonTag): PythonTag[];
  /** Judge the images of these tags together, ahead of the {@link refuse} calls that will need them. */
  prefetch(tags: readonly PythonTag[]): void;
  /** Packages judged `unknown` on a new image (the file names no files for them), sorted. */
  unknown(): string[];
}

/** The dependency judge of `--bump minor` over the project's dependency facts at `date`. */
export function dependencyJudge(facts: DependencyFacts, date: IsoDate): DependencyJudge {
  const rel = path.relative(path.resolve(facts.root), path.resolve(facts.deps.source.file));
  const file =
    rel === '' || rel.startsWith('..') || path.isAbsolute(rel)
      ? facts.deps.source.file
      : rel.split(path.sep).join('/');
  const memo = new Map<string, DependencyRefusal | null>();
  const unknown = new Set<string>();
  const prefetched = new Set<string>();

  // A patch-pinned tag pybase cannot place (never published) is judged as its minor: wheels follow
  // the Python minor and the libc, not the patch.
  const imageOf = (tag: PythonTag): ImageDependencyFacts | undefined => {
    const own = facts.image(tag.raw, date);
    if (own || tag.precision !== 'patch' || tag.version?.minor === undefined) return own;
    const { major, minor } = tag.version;
    const asMinor = formatTag({
      ...tag,
      precision: 'minor',
      version: { major, minor, text: `${major}.${minor}` },
    });
    return facts.image(asMinor, date);
  };

  return {
    file,
    archs: [...facts.archs],
    refuse(from, to) {
      const key = `${from.raw}\u0000${to.raw}`;
      const known = memo.get(key);
      if (known !== undefined) return known ?? undefined;
      const after = imageOf(to);
      for (const c of after?.report.images ?? []) {
        for (const p of c.packages) if (p.verdict === 'unknown') unknown.add(p.name);
      }
      // Everything installs from wheels there: nothing can be worse, whatever the current image.
      const before = after && clean(after) ? undefined : imageOf(from);
      let refusal: DependencyRefusal | undefined;
      if (after && clean(after)) {
        refusal = undefined;
      } else if (!after && !before) {
        // Neither is an image the engine judges (Windows): there is nothing to compare.
        refusal = undefined;
      } else if (!after || !before) {
        const which = after ? from : to;
        refusal = {
          tag: to.raw,
          ...(after ? { image: after.candidate.tag } : {}),
          blockers: [],
          unplaced: `pybase cannot tell which image python:${which.raw} is, so the dependencies cannot be compared`,
        };
      } else {
        refusal = compare(before, after, facts.archs, to);
        // The engine names the file as it was found; the note names it as the user sees it.
        if (refusal?.excluded !== undefined) {
          refusal.excluded = refusal.excluded.split(facts.deps.source.file).join(file);
        }
      }
      memo.set(key, refusal ?? null);
      return refusal;
    },
    needs(from, to) {
      if (!prefetched.has(to.raw)) return [to];
      const after = facts.image(to.raw, date);
      if (after && clean(after)) return [];
      return prefetched.has(from.raw) ? [] : [from];
    },
    prefetch(tags) {
      const raw = [...new Set(tags.map((t) => t.raw))];
      facts.images(raw, date);
      for (const t of raw) prefetched.add(t);
    },
    unknown: () => [...unknown].sort(),
  };
}

/** True when every package installs from a wheel on every architecture judged, and the project admits the Python. */
function clean(image: ImageDependencyFacts): boolean {
  return image.report.images.every(
    (c) =>
      c.excludedByProject === undefined &&
      c.packages.every((p) => p.verdict !== 'sdist-build' && p.verdict !== 'unavailable'),
  );
}

/**
 * Packages that install from a wheel on `before` (or are not installed there) and would need a
 * source build, or could not be installed, on `after`, per architecture; and the dependency file's
 * own Python constraint when it excludes the new Python only.
 */
function compare(
  before: ImageDependencyFacts,
  after: ImageDependencyFacts,
  archs: readonly Arch[],
  to: PythonTag,
): DependencyRefusal | undefined {
  const blockers = new Map<string, DependencyBlocker>();
  let excluded: string | undefined;
  for (const arch of archs) {
    const was = before.report.images.find((c) => c.arch === arch);
    const now = after.report.images.find((c) => c.arch === arch);
    if (!was || !now) continue;
    if (now.excludedByProject && !was.excludedByProject) excluded ??= now.excludedByProject;
    // Markers may pick another version of a package on another Python: the same version first,
    // else the same name.
    const exact = new Map<string, PackageVerdict>();
    const byName = new Map<string, PackageVerdict>();
    for (const p of was.packages) {
      exact.set(`${p.name}\u0000${p.version ?? ''}`, p);
      if (!byName.has(p.name)) byName.set(p.name, p);
    }
    for (const p of now.packages) {
      if (p.verdict !== 'sdist-build' && p.verdict !== 'unavailable') continue;
      const prior = exact.get(`${p.name}\u0000${p.version ?? ''}`) ?? byName.get(p.name);
      // Built from source, not installable, or unknown on the current image already: not worse.
      if (prior && prior.verdict !== 'wheel' && prior.verdict !== 'pure') continue;
      const key = `${p.name}\u0000${p.version ?? ''}\u0000${p.verdict}`;
      const known = blockers.get(key);
      if (known) {
        if (!known.archs.includes(arch)) known.archs.push(arch);
        continue;
      }
      blockers.set(key, {
        name: p.name,
        ...(p.version !== undefined ? { version: p.version } : {}),
        verdict: p.verdict,
        was: prior ? (prior.verdict as 'wheel' | 'pure') : 'absent',
        archs: [arch],
        reason: p.reason,
      });
    }
  }
  if (blockers.size === 0 && excluded === undefined) return undefined;
  return {
    tag: to.raw,
    image: after.candidate.tag,
    blockers: [...blockers.values()],
    ...(excluded !== undefined ? { excluded } : {}),
  };
}

/** One blocker in words: `numpy 1.26.4 has no cp314 wheel (source build)`. */
export function blockerText(b: DependencyBlocker, archsJudged: readonly Arch[]): string {
  const label = b.version !== undefined ? `${b.name} ${b.version}` : b.name;
  const who = b.was === 'absent' ? `${label} (needed there only)` : label;
  const where = b.archs.length < archsJudged.length ? ` on ${b.archs.map(archSpelling).join(' and ')}` : '';
  const python = /publishes no (cp\d+|py\d+) wheel/.exec(b.reason)?.[1];
  // A wheel for the Python that needs a newer libc than the image has is still "no wheel that fits".
  const what = python && !/wheels need /.test(b.reason) ? `no ${python} wheel` : 'no wheel that fits';
  if (b.verdict === 'sdist-build') return `${who} has ${what}${where} (source build)`;
  const requires = /requires Python '([^']+)'/.exec(b.reason)?.[1];
  if (requires !== undefined) return `${who} requires Python '${requires}'${where} (cannot be installed)`;
  return `${who} has ${what} and no sdist${where} (cannot be installed)`;
}

/**
 * A refusal in words: `on python:3.14.7-slim-trixie numpy 1.26.4 has no cp314 wheel (source build),
 * ...` (at most `max` packages, then how many more).
 */
export function refusalText(r: DependencyRefusal, archsJudged: readonly Arch[], max = 4): string {
  const on = `on python:${r.image ?? r.tag}`;
  if (r.unplaced !== undefined) return r.unplaced;
  // A Python the dependency file excludes: its lock was not resolved for it, so what its packages
  // would do there says nothing; the exclusion is the reason.
  if (r.excluded !== undefined) return `${on} ${r.excluded}`;
  const parts = r.blockers.map((b) => blockerText(b, archsJudged));
  const shown = parts.slice(0, max);
  if (parts.length > max) shown.push(`${parts.length - max} more`);
  return `${on} ${shown.join(', ')}`;
}
