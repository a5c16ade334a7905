/**
 * Poetry's version constraint syntax (`^1.2`, `~1.2.3`, `1.2.*`, `>=1,<2`, `>= 1 < 2`) converted to
 * PEP 440 specifiers. Poetry's `||` (either range) has no PEP 440 form: it is refused by the
 * conversion, and {@link poetryConstraintAllows} tests each range on its own.
 */
import { satisfies } from '@renovatebot/pep440';

export type ConstraintResult =
  | { ok: true /** PEP 440 specifier; empty = any version. */; specifier: string }
  | { ok: false; message: string };

const clausePattern = /^(\^|~=|~|===|==|!=|>=|<=|>|<|=)?\s*(v?\d[0-9A-Za-z.*+!_-]*|\*)$/;

/** Release numbers of a version (`1.2.3rc1` -> [1, 2, 3]); undefined when it does not start with one. */
function releaseOf(version: string): number[] | undefined {
  const m = /^v?(\d+(?:\.\d+)*)/.exec(version);
  if (!m || m[1] === undefined) return undefined;
  return m[1].split('.').map((p) => Number.parseInt(p, 10));
}

/** `release` with the part at `index` raised by one and the parts after it zeroed. */
function bump(release: number[], index: number): string {
  return release.map((n, i) => (i < index ? n : i === index ? n + 1 : 0)).join('.');
}

/** Converts one Poetry constraint to PEP 440. */
export function poetryConstraintToPep440(constraint: string): ConstraintResult {
  const text = constraint.trim();
  if (text.includes('||') || /(^|[^|])\|([^|]|$)/.test(text)) {
    return { ok: false, message: `"${text}" allows either of several ranges, which PEP 440 cannot express` };
  }
  if (text === '' || text === '*') return { ok: true, specifier: '' };
  // Clauses are separated by commas or by spaces between complete clauses (`>=1.2 <2.0`).
  const pieces = text
    .split(',')
    .flatMap((part) =>
      part
        .trim()
        .replace(/\s+/g, ' ')
        .split(/ (?=[~^<>=!])/),
    )
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  const out: string[] = [];
  for (const piece of pieces) {
    const m = clausePattern.exec(piece);
    if (!m || m[2] === undefined) return { ok: false, message: `"${piece}" is not a version constraint` };
    const op = m[1] ?? '';
    const version = m[2];
    if (version === '*') {
      if (op === '' || op === '==' || op === '=') continue;
      return { ok: false, message: `"${piece}" is not a version constraint` };
    }
    if (op === '^' || op === '~') {
      const release = releaseOf(version);
      if (release === undefined) return { ok: false, message: `"${piece}" has no release number` };
      let index: number;
      if (op === '~') index = release.length >= 2 ? 1 : 0;
      else {
        // Caret: the first non-zero part may not change; if all given parts are zero, the last may.
        const firstNonZero = release.findIndex((n) => n !== 0);
        index = firstNonZero === -1 ? release.length - 1 : firstNonZero;
      }
      out.push(`>=${version}`, `<${bump(release, index)}`);
    } else if (op === '' || op === '=') out.push(`==${version}`);
    else out.push(op + version);
  }
  return { ok: true, specifier: out.join(',') };
}

/**
 * The ranges of a Poetry constraint joined by `||` (or `|`), each converted to PEP 440: one for a
 * constraint without alternatives.
 */
export function poetryConstraintAlternatives(constraint: string): ConstraintResult[] {
  const parts = constraint.split(/\|\|?/);
  if (parts.length === 1) return [poetryConstraintToPep440(constraint)];
  return parts.map((part) =>
    part.trim() === ''
      ? { ok: false, message: `"${constraint.trim()}" has an empty range beside '||'` }
      : poetryConstraintToPep440(part),
  );
}

/**
 * True when `version` (`3.12.14`) satisfies a Poetry constraint: any of its `||` ranges allows it.
 * Undefined when some range cannot be read.
 */
export function poetryConstraintAllows(constraint: string, version: string): boolean | undefined {
  const alternatives = poetryConstraintAlternatives(constraint);
  let allowed = false;
  for (const alternative of alternatives) {
    if (!alternative.ok) return undefined;
    if (alternative.specifier === '') allowed = true;
    else {
      try {
        if (satisfies(version, alternative.specifier)) allowed = true;
      } catch {
        return undefined;
      }
    }
  }
  return allowed;
}

/** A PEP 508 marker for a Poetry `python = "^3.8"` restriction; undefined for "any" or unreadable. */
export function poetryPythonMarker(constraint: string | undefined): string | undefined {
  if (constraint === undefined) return undefined;
  const converted = poetryConstraintToPep440(constraint);
  if (!converted.ok || converted.specifier === '') return undefined;
  return converted.specifier
    .split(',')
    .map((clause) => {
      const m = /^(===|~=|==|!=|<=|>=|<|>)(.+)$/.exec(clause);
      const op = m?.[1] ?? '==';
      let version = m?.[2] ?? clause;
      let variable = version.split('.').length > 2 ? 'python_full_version' : 'python_version';
      if (version.endsWith('.*')) {
        version = version.slice(0, -2);
        variable = 'python_version';
      }
      return `${variable} ${op} '${version}'`;
    })
    .join(' and ');
}
