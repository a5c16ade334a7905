/**
 * The grammar of python image tags: `[VERSION][-rc][-VARIANT][-DISTRO]`, plus `latest`.
 *
 * The grammar is syntactic only. Whether a Debian codename, an Alpine release or a whole tag was ever
 * published is the catalog's question (it knows the data); here `3.12-slim-bookwork` parses as a slim
 * image on a Debian release called "bookwork", and the catalog then reports that no such tag exists.
 */

import { inputCodes, PybaseError } from '../model/diagnostic.js';
import type { Distro, Precision, PreRelease, PythonTag, TagVersion, Variant } from '../model/image-ref.js';

const versionPattern = /^(0|[1-9]\d*)(?:\.(0|[1-9]\d*)(?:\.(0|[1-9]\d*)(?:(a|b|rc)(0|[1-9]\d*))?)?)?/;
const alpinePattern = /^alpine(\d+\.\d+)?$/;
const windowsBuildPattern = /^(?:ltsc\d{4}|\d{4}|sac\d{4})$/;
const codenamePattern = /^[a-z]{3,}$/;
/** Docker's own limit on tag text. */
const dockerTagPattern = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

function notATag(text: string, why: string, partial?: Partial<PythonTag>): PybaseError {
  return new PybaseError({
    code: inputCodes.badReference,
    severity: 'error',
    message: `'${text}' is not a python image tag: ${why}`,
    hint: 'python tags look like 3.12.14-slim-trixie, 3.12-alpine3.23, 3.13, slim or latest',
    data: partial ? { partial } : undefined,
  });
}

/** True when `text` only uses characters Docker allows in a tag. */
export function isValidDockerTag(text: string): boolean {
  return dockerTagPattern.test(text);
}

interface VersionPart {
  version?: TagVersion;
  rcLine: boolean;
  rest: string;
}

function readVersion(text: string): VersionPart {
  const m = versionPattern.exec(text);
  let version: TagVersion | undefined;
  let rest = text;
  if (m && (m[0].length === text.length || text[m[0].length] === '-')) {
    const pre: PreRelease | undefined = m[4]
      ? { kind: m[4] as PreRelease['kind'], number: Number(m[5]) }
      : undefined;
    version = {
      major: Number(m[1]),
      ...(m[2] !== undefined ? { minor: Number(m[2]) } : {}),
      ...(m[3] !== undefined ? { patch: Number(m[3]) } : {}),
      ...(pre ? { pre } : {}),
      text: m[0],
    };
    rest = text.slice(m[0].length);
    if (rest.startsWith('-')) rest = rest.slice(1);
  }
  let rcLine = false;
  if (rest === 'rc' || rest.startsWith('rc-')) {
    rcLine = true;
    rest = rest.slice(rest === 'rc' ? 2 : 3);
  }
  return { ...(version ? { version } : {}), rcLine, rest };
}

function precisionOf(version: TagVersion | undefined): Precision {
  if (!version) return 'none';
  if (version.patch !== undefined) return 'patch';
  if (version.minor !== undefined) return 'minor';
  return 'major';
}

/**
 * Parse a tag of the official python image. Throws a PybaseError (code PBE002) when the text is not in
 * the grammar; its `data.partial` holds what could be read, for suggestions.
 */
export function parseTag(text: string): PythonTag {
  if (!isValidDockerTag(text)) {
    throw notATag(text, 'a tag has only letters, digits, `_`, `.` and `-`, at most 128 characters');
  }
  if (text.endsWith('-') || text.includes('--')) throw notATag(text, 'it has an empty part between dashes');
  if (text === 'latest') {
    return { raw: text, precision: 'none', prerelease: false, rcLine: false, variant: 'full', latest: true };
  }
  const { version, rcLine, rest } = readVersion(text);
  if (version && version.pre === undefined && rcLine && version.minor === undefined) {
    throw notATag(text, 'a pre-release line names a minor version, as in 3.15-rc');
  }
  if (version?.pre && rcLine) {
    throw notATag(text, `'${version.text}' is already a pre-release; drop the -rc`);
  }
  const partial: Partial<PythonTag> = { ...(version ? { version } : {}), rcLine };
  const segments = rest === '' ? [] : rest.split('-');
  if (!version && !rcLine && segments.length === 0) throw notATag(text, 'the tag is empty');

  let variant: Variant = 'full';
  let distro: Distro | undefined;
  let used = 0;
  const first = segments[0];
  if (first === undefined) {
    variant = 'full';
  } else if (first === 'slim') {
    variant = 'slim';
    used = 1;
    const codename = segments[1];
    if (codename !== undefined && codenamePattern.test(codename)) {
      distro = { family: 'debian', name: codename, text: codename };
      used = 2;
    }
  } else if (alpinePattern.test(first)) {
    variant = 'alpine';
    used = 1;
    const release = alpinePattern.exec(first)?.[1];
    if (release) distro = { family: 'alpine', name: release, text: first };
  } else if (first === 'windowsservercore' || first === 'nanoserver') {
    variant = first;
    used = 1;
    const build = segments[1];
    if (build !== undefined && windowsBuildPattern.test(build)) {
      distro = { family: 'windows', name: build, text: build };
      used = 2;
    }
  } else if (first === 'onbuild') {
    variant = 'onbuild';
    used = 1;
  } else if (codenamePattern.test(first)) {
    variant = 'full';
    distro = { family: 'debian', name: first, text: first };
    used = 1;
  }
  if (used !== segments.length) {
    const unread = segments.slice(used).join('-');
    throw notATag(text, `'${unread}' is not a variant or distro the python image uses`, {
      ...partial,
      variant,
      ...(distro ? { distro } : {}),
    });
  }
  return {
    raw: text,
    ...(version ? { version } : {}),
    precision: precisionOf(version),
    prerelease: rcLine || version?.pre !== undefined,
    rcLine,
    variant,
    ...(distro ? { distro } : {}),
    latest: false,
  };
}

/** Parse, or undefined when the text is not in the tag grammar. */
export function tryParseTag(text: string): PythonTag | undefined {
  try {
    return parseTag(text);
  } catch {
    return undefined;
  }
}

/** Format a tag from its parts. `formatTag(parseTag(x)) === x` for every tag in the grammar. */
export function formatTag(tag: Omit<PythonTag, 'raw'>): string {
  if (tag.latest) return 'latest';
  const parts: string[] = [];
  if (tag.version) parts.push(formatVersion(tag.version));
  if (tag.rcLine) parts.push('rc');
  if (tag.variant === 'alpine') {
    parts.push(tag.distro ? `alpine${tag.distro.name}` : 'alpine');
  } else {
    if (tag.variant !== 'full') parts.push(tag.variant);
    if (tag.distro) parts.push(tag.distro.name);
  }
  return parts.join('-');
}

/** `3`, `3.12`, `3.12.14`, `3.15.0rc1`. */
export function formatVersion(version: Omit<TagVersion, 'text'>): string {
  let out = String(version.major);
  if (version.minor !== undefined) out += `.${version.minor}`;
  if (version.patch !== undefined) out += `.${version.patch}`;
  if (version.pre) out += `${version.pre.kind}${version.pre.number}`;
  return out;
}

/** `3.12` for a tag that names at least a minor version, else undefined. */
export function minorOf(tag: PythonTag): string | undefined {
  const v = tag.version;
  return v && v.minor !== undefined ? `${v.major}.${v.minor}` : undefined;
}

/**
 * A tag that names everything: the Python patch (or an exact pre-release), and the distro. Such a tag
 * only ever gets rebuilds of the same Python on the same OS release.
 */
export function isFullySpecified(tag: PythonTag): boolean {
  return tag.precision === 'patch' && !tag.rcLine && tag.distro !== undefined && tag.variant !== 'onbuild';
}

/** Version-less tags (`latest`, `slim`, `alpine3.23`, `bookworm`, `rc`): they follow the newest Python. */
export function isVersionless(tag: PythonTag): boolean {
  return tag.version === undefined;
}

/** Compare two versions of tags numerically (major, minor, patch, pre-release before final). */
export function compareTagVersions(a: TagVersion, b: TagVersion): number {
  const d = a.major - b.major || (a.minor ?? -1) - (b.minor ?? -1) || (a.patch ?? -1) - (b.patch ?? -1);
  if (d !== 0) return d;
  if (a.pre && !b.pre) return -1;
  if (!a.pre && b.pre) return 1;
  if (a.pre && b.pre) {
    const order = { a: 0, b: 1, rc: 2 } as const;
    return order[a.pre.kind] - order[b.pre.kind] || a.pre.number - b.pre.number;
  }
  return 0;
}
