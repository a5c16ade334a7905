/**
 * A Renovate `packageRules` snippet that keeps python image updates inside pybase's policy: only
 * Python minors supported at the date that the project's requires-python allows, only distros still supported, never a pre-release, never a
 * switch of variant or distro, patch updates apart from minor ones, digests pinned.
 *
 * The allowed minors and distros are read from the catalog at the date, so the snippet ages: run
 * `pybase renovate` again when a minor or a distro reaches end of life.
 */
import type { Catalog, DebianEolPolicy } from '../catalog/catalog.js';
import { tryParseReference } from '../catalog/reference.js';
import { isFullySpecified, minorOf, tryParseTag } from '../catalog/tag.js';
import type { IsoDate } from '../model/date.js';
import type { Extraction } from '../model/project.js';
import { type PythonConstraint, pythonAllowed } from '../recommend/python-constraints.js';

export interface RenovateOptions {
  catalog: Catalog;
  date: IsoDate;
  /** Private mirrors of the python image (`host[/path]/python`), from the configuration. */
  mirrors?: readonly string[];
  /** Which Debian date counts as end of life (default `security`). */
  debianEol?: DebianEolPolicy;
  /** Globs of files serving the dev stage: digests are not pinned there. */
  devGlobs?: readonly string[];
  /**
   * The project's Python constraints (requires-python, Poetry's python, setup.cfg python_requires;
   * see `readProjectPythonConstraints`): only minors they allow are allowed.
   */
  pythonConstraints?: readonly PythonConstraint[];
}

/** One entry of Renovate's `packageRules`, limited to the keys pybase writes. */
export interface RenovatePackageRule {
  description: string;
  matchDatasources?: string[];
  matchPackageNames?: string[];
  matchFileNames?: string[];
  versioning?: string;
  allowedVersions?: string;
  ignoreUnstable?: boolean;
  separateMinorPatch?: boolean;
  pinDigests?: boolean;
}

export interface RenovateSnippet {
  packageRules: RenovatePackageRule[];
}

/**
 * Renovate versioning for python tags: the version is `major.minor.patch` and everything after it
 * (`-slim-trixie`, `-alpine3.23`) is the compatibility part, which Renovate requires to stay equal.
 */
export const pythonTagVersioning =
  'regex:^(?<major>\\d+)\\.(?<minor>\\d+)\\.(?<patch>\\d+)(?<compatibility>-.*)?$';

/** Names under which the official image is pulled from Docker Hub and its public mirrors. */
export const pythonPackageNames: readonly string[] = [
  'python',
  'library/python',
  'docker.io/python',
  'docker.io/library/python',
  'index.docker.io/library/python',
  'mirror.gcr.io/library/python',
  'public.ecr.aws/docker/library/python',
];

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Supported Python minors and Linux distros among the tags published at the date. */
export function supportedAtDate(
  options: Pick<RenovateOptions, 'catalog' | 'date' | 'debianEol' | 'pythonConstraints'>,
): {
  minors: string[];
  debian: string[];
  alpine: string[];
} {
  const { catalog, date } = options;
  const constraints = options.pythonConstraints ?? [];
  const minors = new Set<string>();
  const debian = new Set<string>();
  const alpine = new Set<string>();
  const distroOk = new Map<string, boolean>();
  for (const tag of catalog.publishedTags(date)) {
    const parsed = tryParseTag(tag);
    if (!parsed || parsed.prerelease || !isFullySpecified(parsed)) continue;
    const minor = minorOf(parsed);
    if (!minor) continue;
    const status = catalog.pythonLifecycle(minor, date)?.status;
    // A minor is allowed when the project allows some published patch of it (`>=3.11.4` allows 3.11).
    const version = `${minor}.${parsed.version?.patch ?? 0}`;
    if ((status === 'bugfix' || status === 'security') && pythonAllowed(constraints, version))
      minors.add(minor);
    const d = parsed.distro;
    if (!d || d.family === 'windows') continue;
    let ok = distroOk.get(d.text);
    if (ok === undefined) {
      const life = catalog.distroLifecycle(d, date, options.debianEol ?? 'security');
      ok = life !== undefined && !life.endOfLifeReached && life.status !== 'unreleased';
      distroOk.set(d.text, ok);
    }
    if (ok) (d.family === 'debian' ? debian : alpine).add(d.text);
  }
  const byVersion = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });
  return {
    minors: [...minors].sort(byVersion),
    debian: [...debian].sort(byVersion),
    alpine: [...alpine].sort(byVersion),
  };
}

/**
 * The regular expression (without slashes) of the tags Renovate may move to: a patch version of a
 * supported minor, then nothing, a supported Debian codename, `slim` with or without one, or
 * `alpine` with or without a supported Alpine release. Pre-releases (`3.15.0rc1`) and Windows tags
 * never match.
 */
export function allowedTagPattern(supported: {
  minors: string[];
  debian: string[];
  alpine: string[];
}): string {
  const minors = supported.minors.map(escapeRegex).join('|');
  const parts: string[] = [];
  if (supported.debian.length > 0)
    parts.push(`-(?:slim-)?(?:${supported.debian.map(escapeRegex).join('|')})`);
  parts.push('-slim');
  const alpine = supported.alpine.map(escapeRegex).join('|');
  parts.push(alpine ? `-(?:${alpine})` : '', '-alpine');
  const suffix = parts.filter(Boolean).join('|');
  return `^(?:${minors})\\.\\d+(?:${suffix})?$`;
}

/** The project's constraints in words: `'>=3.11,<3.13' (setup.cfg:5)`. */
function constraintsWords(constraints: readonly PythonConstraint[]): string {
  const byText = new Map<string, string[]>();
  for (const c of constraints) byText.set(c.text, [...(byText.get(c.text) ?? []), c.where]);
  return [...byText].map(([text, places]) => `'${text}' (${places.join(', ')})`).join(' and ');
}

/**
 * Thrown by {@link renovateConfig} when the project's Python constraints allow none of the
 * supported minors: no snippet can keep it inside both.
 */
export class NoAllowedPythonError extends Error {}

/**
 * The snippet; `JSON.stringify` it into renovate.json (or merge its `packageRules`). Throws
 * {@link NoAllowedPythonError} when the project's constraints allow no supported minor.
 */
export function renovateConfig(options: RenovateOptions): RenovateSnippet {
  const supported = supportedAtDate(options);
  const constraints = options.pythonConstraints ?? [];
  if (supported.minors.length === 0) {
    const all = supportedAtDate({ ...options, pythonConstraints: [] }).minors;
    throw new NoAllowedPythonError(
      constraints.length > 0
        ? `the project allows none of the Python minors supported at ${options.date} (${all.join(', ')}): ${constraintsWords(constraints)}`
        : `no supported Python minor is published at ${options.date}`,
    );
  }
  const names = [...pythonPackageNames];
  for (const mirror of options.mirrors ?? []) {
    const name = mirror.replace(/\/+$/, '');
    if (!names.includes(name)) names.push(name);
  }
  const pattern = allowedTagPattern(supported);
  const rules: RenovatePackageRule[] = [
    {
      description:
        `pybase policy at ${options.date}: Python ${supported.minors.join(', ')} only` +
        (constraints.length > 0 ? ` (supported and allowed by ${constraintsWords(constraints)}), ` : ', ') +
        'same variant and distro, no pre-releases, patch and minor updates apart, digests pinned',
      matchDatasources: ['docker'],
      matchPackageNames: names,
      versioning: pythonTagVersioning,
      allowedVersions: `/${pattern}/`,
      ignoreUnstable: true,
      separateMinorPatch: true,
      pinDigests: true,
    },
  ];
  if (options.devGlobs && options.devGlobs.length > 0) {
    rules.push({
      description: 'pybase: development images follow their tag without a pinned digest',
      matchDatasources: ['docker'],
      matchPackageNames: names,
      matchFileNames: [...options.devGlobs],
      pinDigests: false,
    });
  }
  return { packageRules: rules };
}

/** A reference the rules leave as it is, and why. */
export interface StuckReference {
  file: string;
  line: number;
  reference: string;
  reason: string;
}

/**
 * The project's python references that the rules can never update: a patch-pinned tag on a distro
 * no longer supported (Renovate keeps the distro part of a tag, and the allowed versions leave that
 * distro out), or on a Python minor no longer supported with no supported distro to stay on. Such a
 * line needs a move by hand (`pybase fix --bump distro`).
 */
export function stuckReferences(
  extraction: Pick<Extraction, 'references'>,
  options: Pick<RenovateOptions, 'catalog' | 'date' | 'debianEol' | 'pythonConstraints' | 'mirrors'>,
): StuckReference[] {
  const supported = supportedAtDate(options);
  const distros = new Set([...supported.debian, ...supported.alpine]);
  const out: StuckReference[] = [];
  for (const ref of extraction.references) {
    if (ref.unresolved && ref.unresolved.length > 0) continue;
    const text = ref.resolved ?? ref.text;
    const image = tryParseReference(text, { mirrors: options.mirrors ?? [] });
    const tag = image?.isPython ? image.python : undefined;
    // Only tags Renovate's versioning reads (major.minor.patch) are updated by these rules at all.
    if (!tag || !isFullySpecified(tag) || tag.prerelease || !tag.distro || tag.distro.family === 'windows')
      continue;
    if (distros.has(tag.distro.text)) continue;
    out.push({
      file: ref.file,
      line: ref.range.startLine,
      reference: text,
      reason: `${tag.distro.text} is past its end of life at ${options.date}, so the allowed versions leave it out, and Renovate never changes the distro of a tag`,
    });
  }
  return out;
}
