/**
 * Everything pybase knows about one image reference at a date, with its problems in plain words:
 * the library side of `pybase tag`.
 */

import { addDays, daysBetween, type IsoDate } from '../model/date.js';
import type { Severity } from '../model/diagnostic.js';
import type { ImageRef } from '../model/image-ref.js';
import type {
  Catalog,
  DataAge,
  DebianEolPolicy,
  DistroLifecycle,
  Equivalents,
  LibcInfo,
  PythonLifecycle,
  RebuildStatus,
  Resolution,
  Suggestion,
  TagStatus,
} from './catalog.js';
import { parseReference, type ReferenceOptions } from './reference.js';
import { isFullySpecified, minorOf } from './tag.js';

export interface DescribeOptions extends ReferenceOptions {
  catalog: Catalog;
  date: IsoDate;
  /** Which Debian date counts as end of life (default `security`). */
  debianEol?: DebianEolPolicy;
  /** Days before an end of life that count as "soon" (default 180). */
  eolWindowDays?: number;
  /**
   * The day the question is asked (the CLI passes today). A date after it and past the data's tag
   * list gets a `beyond-data` warning instead of the `stale-data` note.
   */
  today?: IsoDate;
}

/** One problem with a reference, said in plain words. */
export interface Problem {
  /** A short stable key (`floating`, `python-eol`, ...), the rule code where a rule says the same. */
  key: string;
  severity: Severity;
  message: string;
}

export interface ReferenceReport {
  reference: string;
  date: IsoDate;
  ref: ImageRef;
  /** Where the tag stands in the official tag list at the date. */
  status?: TagStatus;
  /** What the tag names at the date; for a tag no longer listed, what it named the last day it was. */
  resolution?: Resolution;
  /** Set when `resolution` describes the past: the last date the tag was listed. */
  resolvedAsOf?: IsoDate;
  rebuild?: RebuildStatus;
  python?: PythonLifecycle;
  distro?: DistroLifecycle;
  libc?: LibcInfo;
  equivalents?: Equivalents;
  suggestions?: Suggestion[];
  /**
   * True for a reference with a digest and no tag (`python@sha256:...`): which image it is cannot be
   * told from the data, so the report holds nothing about the image itself.
   */
  digestOnly?: boolean;
  problems: Problem[];
  dataAge: DataAge;
}

function dateText(value: IsoDate | true | undefined): string {
  return value === true ? 'an unknown date (already passed)' : (value ?? 'an unknown date');
}

/** Describe one reference. Throws PybaseError only when the text is not an image reference at all. */
export function describeReference(text: string, options: DescribeOptions): ReferenceReport {
  const { catalog, date } = options;
  const window = options.eolWindowDays ?? 180;
  const ref = parseReference(text, options);
  const report: ReferenceReport = {
    reference: text,
    date,
    ref,
    problems: [],
    dataAge: catalog.dataAge(date),
  };
  const problems = report.problems;
  const add = (key: string, severity: Severity, message: string) => problems.push({ key, severity, message });

  if (ref.isPython && ref.tag === undefined && ref.digest !== undefined) {
    // `python@sha256:...` names one image by its digest alone: no tag says which one, and the data
    // knows tags, not digests. Nothing below (what `latest` resolves to) is about this image.
    report.digestOnly = true;
    add(
      'digest-only',
      'info',
      `the digest names one image, but no tag says which: the tag behind this digest is unknown offline, and so are its Python, variant, distro and whether it is still rebuilt; 'pybase tag --online' reads its Python version and creation date from the registry`,
    );
    return report;
  }
  const horizon = options.today ? beyondDataMessage(report.dataAge, date, options.today) : undefined;
  if (horizon) add('beyond-data', 'warning', horizon);
  else if (report.dataAge.stale) {
    add(
      'stale-data',
      'info',
      `pybase's data is from ${report.dataAge.dataDate}, ${report.dataAge.ageDays} days before ${date}; run 'pybase data update' for fresher answers`,
    );
  }
  if (!ref.isPython) {
    add('not-python', 'info', `${text} is not the official python image; pybase only judges python images`);
    return report;
  }
  const tag = ref.tag ?? 'latest';
  if (!ref.python) {
    report.suggestions = catalog.suggest(tag, date);
    add(
      'PB006',
      'error',
      `${ref.tagError ?? `'${tag}' is not a python image tag`}${suggestionText(report.suggestions)}`,
    );
    return report;
  }
  const status = catalog.tagStatus(tag, date);
  report.status = status;
  if (!status.everPublished) {
    report.suggestions = catalog.suggest(tag, date);
    add('PB006', 'error', `python:${tag} was never published${suggestionText(report.suggestions)}`);
    return report;
  }
  const firstListed = status.intervals[0]?.from;
  if (!status.published && status.removedOn === undefined && firstListed && firstListed > date) {
    // Listed only after the date: there was no image to describe then.
    report.suggestions = catalog.suggest(tag, date);
    add(
      'PB006',
      'error',
      `python:${tag} was not yet published at ${date} (first listed ${firstListed})${suggestionText(report.suggestions)}`,
    );
    return report;
  }

  let asOf = date;
  if (!status.published) {
    const last = lastListedDay(status, date);
    if (last) {
      asOf = last;
      report.resolvedAsOf = last;
    }
  }
  const resolution = catalog.resolve(tag, asOf);
  if (resolution) report.resolution = resolution;
  const full = resolution?.parsed ?? ref.python;
  const fullTag = resolution?.fullTag ?? tag;
  report.rebuild = catalog.rebuildStatus(fullTag, date, options.debianEol ?? 'security');

  const minor = minorOf(full);
  if (minor) {
    const python = catalog.pythonLifecycle(minor, date);
    if (python) report.python = python;
  }
  if (full.distro && full.distro.family !== 'windows') {
    const distro = catalog.distroLifecycle(full.distro, date, options.debianEol ?? 'security');
    if (distro) report.distro = distro;
  }
  report.libc = catalog.libc(full, date);
  const equivalents = catalog.newestEquivalents(fullTag, date, options.debianEol ?? 'security');
  if (equivalents) report.equivalents = equivalents;

  // Problems, most serious first.
  if (!status.published) {
    const went = status.removedOn ? ` since ${status.removedOn}` : '';
    const instead = report.rebuild.replacement
      ? `; use ${report.rebuild.replacement.tag} instead${replacementRule(report.rebuild.replacement)}`
      : '';
    add(
      'PB007',
      'warning',
      `python:${tag} is no longer published${went}: it still pulls, but gets no OS or Python fixes${instead}`,
    );
  } else if (report.rebuild.status === 'frozen' && isFullySpecified(ref.python)) {
    add(
      'PB007',
      'warning',
      `python:${tag} is frozen since ${report.rebuild.since ?? '?'}${report.rebuild.replacement ? `; the current equivalent is ${report.rebuild.replacement.tag}` : ''}`,
    );
  }
  const py = report.python;
  if (py?.status === 'eol') {
    add(
      'PB101',
      'error',
      `Python ${py.minor} reached its end of life on ${dateText(py.endOfLife)}: no more security fixes`,
    );
  } else if (py && typeof py.endOfLife === 'string' && daysBetween(date, py.endOfLife) <= window) {
    add(
      'PB102',
      'warning',
      `Python ${py.minor} reaches its end of life on ${py.endOfLife}, in ${daysBetween(date, py.endOfLife)} days`,
    );
  }
  const distro = report.distro;
  if (distro?.endOfLifeReached) {
    add('PB103', 'error', `${distroLabel(distro)} reached its end of life on ${dateText(distro.endOfLife)}`);
  } else if (
    distro &&
    typeof distro.endOfLife === 'string' &&
    daysBetween(date, distro.endOfLife) <= window
  ) {
    add(
      'PB104',
      'warning',
      `${distroLabel(distro)} reaches its end of life on ${distro.endOfLife}, in ${daysBetween(date, distro.endOfLife)} days`,
    );
  }
  if (ref.python.prerelease) {
    add('PB008', 'warning', `python:${tag} is a pre-release of Python: fine to try, not to ship`);
  }
  const p = ref.python;
  if (p.precision === 'none') {
    add(
      'PB001',
      'warning',
      `python:${tag} names no Python version: it follows the newest Python${resolution ? ` (now ${resolution.fullTag}, since ${resolution.since})` : ''}`,
    );
  } else if (p.precision === 'major') {
    add(
      'PB002',
      'warning',
      `python:${tag} names only the major version: the Python minor changes under you${resolution ? ` (now ${resolution.fullTag})` : ''}`,
    );
  } else if (p.precision === 'minor') {
    add(
      'PB003',
      'info',
      `python:${tag} floats over Python patches${resolution ? `: now ${resolution.fullTag}, since ${resolution.since}` : ''}`,
    );
  }
  if (!p.distro && p.variant !== 'windowsservercore' && p.variant !== 'nanoserver') {
    const was =
      resolution?.previous &&
      resolution.previous.fullTag.split('-').pop() !== resolution.fullTag.split('-').pop()
        ? `; it was ${resolution.previous.fullTag} until ${resolution.previous.until}`
        : '';
    add(
      'PB004',
      'warning',
      `python:${tag} names no distro: the OS moves silently${resolution?.parsed.distro ? ` (now ${resolution.parsed.distro.text}${was})` : ''}`,
    );
  }
  const newest = report.equivalents?.newestPatch;
  if (p.precision === 'patch' && newest && newest !== fullTag) {
    add('PB105', 'info', `a newer patch with the same variant and distro is published: ${newest}`);
  }
  if (!ref.digest) {
    add(
      'PB005',
      'info',
      `no @sha256 digest: the tag can point at another image tomorrow (pin with 'pybase fix --pin-digest')`,
    );
  }
  return report;
}

/**
 * Why a frozen tag's replacement skips newer minors, in words, when it does: they have less than a
 * year of support left (`, the nearest newer Python with a year of support left: 3.11 ends
 * 2027-10-31`); empty otherwise.
 */
export function replacementRule(replacement: NonNullable<RebuildStatus['replacement']>): string {
  const over = replacement.passedOver ?? [];
  if (over.length === 0) return '';
  const ends = over.map((p) => `${p.minor} ends ${p.endOfLife}`).join(', ');
  return `, the nearest newer Python with a year of support left: ${ends}`;
}

/**
 * For a date after `today` and past the data's tag list: that answers assume nothing changed after
 * the last day the tag list covers (plus the advice to refresh when the data is old today).
 * Undefined otherwise: up to today, the stale-data note says what there is to say.
 */
export function beyondDataMessage(age: DataAge, date: IsoDate, today: IsoDate): string | undefined {
  if (!age.beyondData || date <= today) return undefined;
  const old = daysBetween(age.dataDate, today);
  return `${date} is in the future, past the data's tag list (known up to ${age.tagListCheckedAt}): answers assume nothing changed since then (no new tags, rebuilds or removals)${old > 90 ? `; the data is ${old} days old today: run 'pybase data update' for fresher answers` : ''}`;
}

function suggestionText(suggestions: Suggestion[]): string {
  return suggestions.length > 0 ? `; did you mean ${suggestions.map((s) => s.tag).join(', ')}?` : '';
}

function distroLabel(d: DistroLifecycle): string {
  return d.family === 'debian' ? `Debian ${d.version} (${d.name})` : `Alpine ${d.name}`;
}

/** The last day a tag that is not listed at `date` was listed before it. */
function lastListedDay(status: TagStatus, date: IsoDate): IsoDate | undefined {
  let last: IsoDate | undefined;
  for (const interval of status.intervals) {
    const end = interval.to ?? undefined;
    if (end && end <= date) last = addDays(end, -1);
  }
  return last;
}
