/**
 * Shared end-of-life logic for PB101-PB104: what a reference runs, or which minor a version
 * statement names, and when support ends.
 */
import { addDays, daysBetween, type IsoDate } from '../model/date.js';
import type { Distro } from '../model/image-ref.js';
import type { VersionStatement } from '../model/project.js';
import { originsOf } from './helpers.js';
import {
  namingKinds,
  originsGiving,
  pinnedMinor,
  statementName,
  type VersionsPlace,
  versionsPlace,
} from './statements.js';
import type { PythonReference, RuleContext } from './types.js';

export interface EolHit {
  pr: PythonReference;
  subject: string;
  eol: IsoDate;
  /** Days from the date to the end of life (negative: already past). */
  days: number;
}

function distroName(d: Distro): string {
  return d.family === 'alpine'
    ? `Alpine ${d.name}`
    : d.family === 'debian'
      ? `Debian ${d.name}`
      : `Windows ${d.name}`;
}

export function pythonEols(ctx: RuleContext): EolHit[] {
  const out: EolHit[] = [];
  for (const pr of ctx.python) {
    const minor = pr.status?.facts.minor;
    if (!minor || pr.image.python?.prerelease) continue;
    const eol = ctx.catalog.pythonEol(minor);
    if (eol) out.push({ pr, subject: `Python ${minor}`, eol, days: daysBetween(ctx.date, eol) });
  }
  return out;
}

/** A Python minor named by a version statement, and when its support ends. */
export interface StatementEolHit {
  st: VersionStatement;
  /** `3.8` */
  minor: string;
  /** The versions of the statement that name the minor, as expanded (`3.8`, `3.8.10`). */
  versions: string[];
  subject: string;
  eol: IsoDate;
  /** Days from the date to the end of life (negative: already past). */
  days: number;
}

/**
 * The Python minors that version statements name, each once per statement: `.python-version`,
 * `runtime.txt`, `.tool-versions`, Pipfile `python_version` / `python_full_version`, each value of
 * an `actions/setup-python` `python-version` (matrix and env values expanded) and each Python of a
 * tox envlist. Specifiers (`requires-python >=3.8`) state a range the project supports and are not
 * judged, nor are values that pin no CPython minor (`3.x`, `>=3.9`, `pypy3.9`, `3.14.0rc1`).
 */
export function statementEols(ctx: RuleContext): StatementEolHit[] {
  const out: StatementEolHit[] = [];
  for (const st of ctx.extraction.versions) {
    if (!namingKinds.has(st.kind)) continue;
    const byMinor = new Map<string, string[]>();
    for (const version of st.versions ?? []) {
      const minor = pinnedMinor(version);
      if (minor === undefined) continue;
      const list = byMinor.get(minor) ?? [];
      if (!list.includes(version)) list.push(version);
      byMinor.set(minor, list);
    }
    for (const [minor, versions] of byMinor) {
      const eol = ctx.catalog.pythonEol(minor);
      if (eol)
        out.push({ st, minor, versions, subject: `Python ${minor}`, eol, days: daysBetween(ctx.date, eol) });
    }
  }
  return out;
}

/**
 * Where a finding about a statement's minor points (the version naming it, in a statement of several)
 * and the other places it is about (see `versionsPlace`).
 */
export function statementPlace(hit: StatementEolHit): Pick<VersionsPlace, 'location' | 'related'> {
  const { location, related } = versionsPlace(hit.st, new Set(hit.versions));
  return { location, related };
}

/**
 * The statement and the minor for a message: `.python-version '3.8' names Python 3.8`, with where
 * an expanded value is written (`setup-python python-version '${{ matrix.py }}' names Python 3.9
 * (py=3.9 at line 12)`), which is the place to change it. In a statement of several versions, the
 * version that names the minor: `.tool-versions '3.8.18' names Python 3.8`.
 */
export function statementNames(hit: StatementEolHit): string {
  const origins = originsOf(hit.st.file, originsGiving(hit.st, new Set(hit.versions)));
  const { part } = versionsPlace(hit.st, new Set(hit.versions));
  return `${statementName(hit.st, part)} names ${hit.subject}${origins ? ` (${origins})` : ''}`;
}

export function distroEols(ctx: RuleContext): EolHit[] {
  const out: EolHit[] = [];
  for (const pr of ctx.python) {
    const distro = pr.status?.facts.distro;
    if (!distro || distro.family === 'windows') continue;
    const eol = ctx.catalog.distroEol(distro, ctx.options.debianEolPolicy);
    if (eol) out.push({ pr, subject: distroName(distro), eol, days: daysBetween(ctx.date, eol) });
  }
  return out;
}

/** True when the end of life falls inside the warning window (and has not passed). */
export function withinWindow(hit: Pick<EolHit, 'days' | 'eol'>, ctx: RuleContext): boolean {
  return hit.days > 0 && hit.eol <= addDays(ctx.date, ctx.options.eolWindowDays);
}
