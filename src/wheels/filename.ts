/**
 * Distribution file names: wheels (PEP 427, with PEP 425 compressed tag sets) and sdists.
 *
 * Hand-written: no maintained npm library parses wheel names or evaluates wheel tags, and the
 * rules must match pip's vendored `packaging.utils.parse_wheel_filename` exactly (the oracle test
 * compares them). Parsing never throws: it returns a result with the reason a name was refused.
 */
import { valid } from '@renovatebot/pep440';
import { inputCodes, PybaseError, type SourceRange } from '../model/diagnostic.js';

export interface WheelTag {
  interpreter: string;
  abi: string;
  platform: string;
}

export interface WheelFilename {
  kind: 'wheel';
  filename: string;
  /** PEP 503 normalized project name. */
  name: string;
  /** The name part exactly as written in the file name. */
  distribution: string;
  /** The version as written. */
  version: string;
  /** Optional build tag: leading digits and the rest, compared in that order. */
  build?: { number: number; suffix: string };
  /** The dot-separated parts of each tag field, lower-cased (tags compare case-insensitively). */
  pythonTags: readonly string[];
  abiTags: readonly string[];
  platformTags: readonly string[];
  /** The expanded (interpreter, abi, platform) triples, without duplicates. */
  tags: readonly WheelTag[];
  /** The same triples as `interpreter-abi-platform` strings. */
  tagKeys: readonly string[];
}

export const sdistExtensions = ['.tar.gz', '.zip', '.tar.bz2', '.tar.xz', '.tgz', '.tar'] as const;
export type SdistExtension = (typeof sdistExtensions)[number];

export interface SdistFilename {
  kind: 'sdist';
  filename: string;
  name: string;
  distribution: string;
  version: string;
  extension: SdistExtension;
  /** False for the archive formats PEP 625 no longer allows (anything but `.tar.gz`). */
  standard: boolean;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; filename: string; reason: string };

/** PEP 503: runs of `-`, `_`, `.` become one `-`, all lower case. */
export function normalizeName(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase();
}

/**
 * The file name at the end of a URL or path: query and fragment dropped, percent-escapes decoded
 * (lockfiles write `torch-2.1.0%2Bcu121-...whl`).
 */
export function filenameFromUrl(url: string): string {
  const noFragment = url.split('#', 1)[0] ?? '';
  const noQuery = noFragment.split('?', 1)[0] ?? '';
  const last = noQuery.slice(noQuery.lastIndexOf('/') + 1);
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

// packaging checks the name with Python's Unicode `\w` (letters, digits, underscore) plus `.`.
const namePattern = /^[\p{L}\p{N}_.]*$/u;
const buildPattern = /^(\d+)(.*)$/s;

function fail<T>(filename: string, reason: string): ParseResult<T> {
  return { ok: false, filename, reason };
}

/** True when `version` is a valid PEP 440 version (surrounding white space allowed, as packaging does). */
export function isPep440Version(version: string): boolean {
  try {
    // `valid` of the trimmed text accepts exactly what `clean` accepts (its pattern is the same
    // with surrounding white space allowed) without building and re-printing the parsed version,
    // which was half the cost of parsing a wheel file name.
    return valid(version.trim()) !== null;
  } catch {
    return false;
  }
}

/** Parse `name-version(-build)?-pytags-abitags-plattags.whl`. */
export function parseWheelFilename(filename: string): ParseResult<WheelFilename> {
  if (!filename.endsWith('.whl')) return fail(filename, "a wheel file name must end in '.whl'");
  const stem = filename.slice(0, -4);
  const parts = stem.split('-');
  if (parts.length !== 5 && parts.length !== 6) {
    return fail(
      filename,
      `a wheel file name has 5 or 6 dash-separated parts (name-version[-build]-python-abi-platform), this one has ${parts.length}`,
    );
  }
  const [distribution = '', version = ''] = parts;
  if (distribution === '') return fail(filename, 'the project name is empty');
  if (distribution.includes('__') || !namePattern.test(distribution)) {
    return fail(filename, `'${distribution}' is not an escaped project name (letters, digits, '_' and '.')`);
  }
  if (!isPep440Version(version)) return fail(filename, `'${version}' is not a PEP 440 version`);
  let build: WheelFilename['build'];
  if (parts.length === 6) {
    const match = buildPattern.exec(parts[2] ?? '');
    if (!match) return fail(filename, `build tag '${parts[2]}' does not start with a digit`);
    build = { number: Number(match[1]), suffix: match[2] ?? '' };
  }
  const [py = '', abi = '', plat = ''] = parts.slice(-3).map((p) => p.toLowerCase());
  const pythonTags = py.split('.');
  const abiTags = abi.split('.');
  const platformTags = plat.split('.');
  const tags: WheelTag[] = [];
  const tagKeys: string[] = [];
  const seen = new Set<string>();
  for (const interpreter of pythonTags) {
    for (const a of abiTags) {
      for (const platform of platformTags) {
        const key = `${interpreter}-${a}-${platform}`;
        if (seen.has(key)) continue;
        seen.add(key);
        tags.push({ interpreter, abi: a, platform });
        tagKeys.push(key);
      }
    }
  }
  const value: WheelFilename = {
    kind: 'wheel',
    filename,
    name: normalizeName(distribution),
    distribution,
    version,
    pythonTags,
    abiTags,
    platformTags,
    tags,
    tagKeys,
  };
  if (build) value.build = build;
  return { ok: true, value };
}

const parsedWheels = new Map<string, WheelFilename | null>();

/**
 * `parseWheelFilename` remembered per file name, for the engine: one run judges the same few
 * thousand file names on dozens of targets, and parsing (a PEP 440 check and the tag expansion)
 * was a fifth of its time when every caller kept its own copy. Undefined for an invalid name or a
 * name that is not a wheel. The returned object is shared: callers must not change it.
 */
export function wheelFilenameOf(filename: string): WheelFilename | undefined {
  let cached = parsedWheels.get(filename);
  if (cached === undefined) {
    const parsed = parseWheelFilename(filename);
    cached = parsed.ok ? parsed.value : null;
    // Bounded, so a long-lived process reading many projects does not grow without limit.
    if (parsedWheels.size >= 200_000) parsedWheels.clear();
    parsedWheels.set(filename, cached);
  }
  return cached ?? undefined;
}

/** The sdist archive extension of a file name, if it has one pip accepts. */
export function sdistExtension(filename: string): SdistExtension | undefined {
  const lower = filename.toLowerCase();
  return sdistExtensions.find((ext) => lower.endsWith(ext));
}

/**
 * Parse `name-version.tar.gz` (and `.zip`, legacy `.tar.bz2`, `.tar.xz`, `.tgz`, `.tar`). The
 * version cannot contain a dash, so the name is everything before the last dash.
 */
export function parseSdistFilename(filename: string): ParseResult<SdistFilename> {
  const extension = sdistExtension(filename);
  if (!extension) {
    return fail(filename, `an sdist file name ends in one of ${sdistExtensions.join(', ')}`);
  }
  const stem = filename.slice(0, filename.length - extension.length);
  const dash = stem.lastIndexOf('-');
  if (dash <= 0) return fail(filename, 'an sdist file name has the form name-version');
  const distribution = stem.slice(0, dash);
  const version = stem.slice(dash + 1);
  if (!isPep440Version(version)) return fail(filename, `'${version}' is not a PEP 440 version`);
  return {
    ok: true,
    value: {
      kind: 'sdist',
      filename,
      name: normalizeName(distribution),
      distribution,
      version,
      extension,
      standard: extension === '.tar.gz',
    },
  };
}

/** A wheel, an sdist, or the reason the name is neither. */
export function parseDistributionFilename(filename: string): ParseResult<WheelFilename | SdistFilename> {
  if (filename.endsWith('.whl')) return parseWheelFilename(filename);
  if (sdistExtension(filename)) return parseSdistFilename(filename);
  return fail(filename, 'not a wheel (.whl) or an sdist archive');
}

/**
 * Like `parseWheelFilename`, for callers that treat a bad name as an input error.
 * @throws PybaseError (code PBE006) naming the file and line when `location` is given.
 */
export function requireWheelFilename(filename: string, location?: SourceRange): WheelFilename {
  const result = parseWheelFilename(filename);
  if (result.ok) return result.value;
  throw new PybaseError({
    code: inputCodes.parseError,
    severity: 'error',
    message: `invalid wheel file name '${filename}': ${result.reason}`,
    ...(location ? { location } : {}),
    hint: 'Wheel names follow PEP 427: name-version[-build]-python-abi-platform.whl.',
  });
}
