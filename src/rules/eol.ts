/** Shared end-of-life logic for PB101-PB104: what a reference runs, and when support ends. */
import { addDays, daysBetween, type IsoDate } from '../model/date.js';
import type { Distro } from '../model/image-ref.js';
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
export function withinWindow(hit: EolHit, ctx: RuleContext): boolean {
  return hit.days > 0 && hit.eol <= addDays(ctx.date, ctx.options.eolWindowDays);
}
