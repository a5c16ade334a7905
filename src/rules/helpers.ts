/** Small pieces several rules share: wording of a reference, and what a floating tag stands for. */
import { formatTag, isFullySpecified } from '../catalog/tag.js';
import type { IsoDate } from '../model/date.js';
import type { PythonTag } from '../model/image-ref.js';
import type { ValueOrigin } from '../model/project.js';
import type { ImageFacts, PythonReference } from './types.js';

/**
 * The reference as the user wrote it, plus the resolved text when substitution changed it and where
 * the values came from (the place to edit): `'python:${PY}-slim' (= 'python:3.12-slim'; PY=3.12 at
 * .env:2)`.
 */
export function shown(pr: PythonReference): string {
  if (!pr.ref.resolved || pr.ref.resolved === pr.ref.text) return `'${pr.text}'`;
  const origins = originsOf(pr.ref.file, pr.ref.origins);
  return `'${pr.ref.text}' (= '${pr.text}'${origins ? `; ${origins}` : ''})`;
}

/**
 * A value as written, on one line: a Dockerfile continuation (`\` or the escape character, then a line
 * break) joins the lines it splits, as Docker does; other line breaks read as spaces.
 */
export function oneLine(value: string): string {
  return value.replace(/[\\`]\r?\n/g, '').replace(/\s*\r?\n\s*/g, ' ');
}

/**
 * Where the values of a reference's (or a version statement's) variables are written, at most
 * three, in words: `PY=3.12 at line 4, PY=3.13 at .env:2`. `file` is the file that uses them.
 */
export function originsOf(file: string, origins: readonly ValueOrigin[] | undefined): string {
  const seen = new Set<string>();
  const parts: string[] = [];
  for (const o of origins ?? []) {
    let where: string;
    if (o.source === 'config-build-arg') where = 'in the configuration';
    else if (!o.file || !o.range) continue;
    else where = `at ${o.file === file ? 'line ' : `${o.file}:`}${o.range.startLine}`;
    const text = `${o.name}=${oneLine(o.value)} ${where}`;
    if (seen.has(text)) continue;
    seen.add(text);
    parts.push(text);
  }
  return parts.length > 3 ? `${parts.slice(0, 3).join(', ')} and ${parts.length - 3} more` : parts.join(', ');
}

/** True when the tag can move to another Python or another distro over time. */
export function isFloating(tag: PythonTag): boolean {
  return !isFullySpecified(tag);
}

/**
 * True when no image stands behind the reference at the date: its tag was never published up to then
 * (PB006). Rules about what a tag resolves to, or how it moves, say nothing about such a reference.
 */
export function unpublished(pr: PythonReference): boolean {
  return pr.status?.state === 'unknown';
}

/**
 * True when the image a reference pulls can change over time: a floating tag without a digest. A
 * digest (`@sha256:`) names one image for good, whatever the tag beside it says.
 */
export function moves(pr: PythonReference): boolean {
  return pr.image.python !== undefined && pr.image.digest === undefined && isFloating(pr.image.python);
}

/**
 * References whose image the dependency rules (PB2xx) can place: every one, except digest-pinned ones
 * whose tag leaves the Python minor or the distro open (the digest's image is not what the tag
 * resolves to today, and pybase cannot tell which one it is).
 */
export function placeableImages<R extends PythonReference>(python: readonly R[]): R[] {
  return python.filter((pr) => {
    const tag = pr.image.python;
    return !pr.image.digest || (tag?.version?.minor !== undefined && tag.distro !== undefined);
  });
}

/** `3.12.14 on trixie` */
export function describeFacts(facts: ImageFacts): string {
  const py = facts.python ?? facts.minor;
  const distro = facts.distro
    ? facts.distro.family === 'alpine'
      ? `Alpine ${facts.distro.name}`
      : facts.distro.family === 'debian'
        ? `Debian ${facts.distro.name}`
        : `Windows ${facts.distro.name}`
    : undefined;
  return [py ? `Python ${py}` : undefined, distro ? `on ${distro}` : undefined].filter(Boolean).join(' ');
}

/** For floating tags: ", which resolves to Python 3.12.14 on Debian trixie at 2026-11-27". */
export function resolvesTo(pr: PythonReference, date: IsoDate): string {
  if (!pr.status || unpublished(pr) || !moves(pr)) return '';
  const d = describeFacts(pr.status.facts);
  return d ? ` (a floating tag: at ${date} it resolves to ${d})` : '';
}

/** The fully specified tag carrying the same image as `pr` at the date, when known. */
export function pinnedTag(pr: PythonReference): string | undefined {
  const tag = pr.image.python;
  const facts = pr.status?.facts;
  // A frozen tag's last image is not worth pinning: PB007 names the replacement instead.
  if (!tag || pr.status?.state !== 'current' || !facts?.python || !facts.distro) return undefined;
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(facts.python);
  if (!m) return undefined;
  const variant = tag.variant === 'onbuild' ? 'full' : tag.variant;
  return formatTag({
    version: { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), text: facts.python },
    precision: 'patch',
    prerelease: false,
    rcLine: false,
    variant,
    distro: facts.distro,
    latest: false,
  });
}

/** Minor (`3.12`) of a version text (`3.12.14`, `3.12`, `3.15.0rc1`). */
export function minorOfVersion(version: string): string | undefined {
  const m = /^(\d+)\.(\d+)/.exec(version.trim());
  return m ? `${m[1]}.${m[2]}` : undefined;
}

/** libc family of a reference's image at the date. */
export function libcFamily(pr: PythonReference): 'glibc' | 'musl' | undefined {
  const facts = pr.status?.facts;
  if (facts?.libc) return facts.libc.family;
  const distro = facts?.distro ?? pr.image.python?.distro;
  if (distro?.family === 'alpine' || pr.image.python?.variant === 'alpine') return 'musl';
  if (distro?.family === 'debian') return 'glibc';
  return undefined;
}

/** Compare dotted numeric versions (`2.36` vs `2.41`): one implementation, shared with the candidate order. */
export { compareDotted } from '../deps/candidates.js';
