/**
 * Life cycles of Python minors, Debian releases and Alpine releases at a date, from the endoflife.date
 * data in the snapshot, and the libc each distro release ships.
 */

import type { EolField, PointRelease, SnapshotFile } from '../data/snapshot.js';
import type { IsoDate } from '../model/date.js';

export type PythonStatus = 'prerelease' | 'bugfix' | 'security' | 'eol';

export interface PythonLifecycle {
  minor: string;
  status: PythonStatus;
  /** First final release (x.y.0); absent for a minor only known from pre-release images. */
  releaseDate?: IsoDate;
  /** End of bugfix releases. `true` when the data only says it has passed. */
  endOfBugfix?: IsoDate | true;
  /** End of life: no more security releases. */
  endOfLife?: IsoDate | true;
  /** Newest final patch release on or before the date (from the patch release data). */
  latestPatch?: { version: string; date: IsoDate };
}

/**
 * Which Debian date counts as end of life. `security` (the default): the end of regular security
 * support by the Debian Security team, which is also when docker-library stops building a release;
 * `lts`: the end of Debian LTS, kept by a separate volunteer team for a subset of packages and
 * architectures.
 */
export type DebianEolPolicy = 'security' | 'lts';

export type DistroStatus = 'unreleased' | 'supported' | 'lts' | 'eol';

export interface DistroLifecycle {
  family: 'debian' | 'alpine';
  /** Debian codename (`trixie`) or Alpine release (`3.23`). */
  name: string;
  /** Debian release number (`13`) or Alpine release (`3.23`). */
  version: string;
  /**
   * `supported`: regular support; `lts` (Debian only): past security support, within Debian LTS;
   * `eol`: past every support; `unreleased`: before its release date.
   */
  status: DistroStatus;
  /** True when the release is past end of life under the policy in force. */
  endOfLifeReached: boolean;
  policy: DebianEolPolicy;
  releaseDate?: IsoDate;
  /** Debian: end of security support; Alpine: end of support. */
  endOfSupport?: IsoDate | true;
  /** Debian only: end of LTS. */
  endOfLts?: IsoDate | true;
  /** The end-of-life date under the policy (Debian `security`: endOfSupport, `lts`: endOfLts). */
  endOfLife?: IsoDate | true;
  /** Newest point release on or before the date, where the data has point releases. */
  latestPoint?: { version: string; date: IsoDate };
}

/** Has the date of an endoflife field passed at `date`? `true` = passed, `false`/absent = not yet. */
export function reached(field: EolField | undefined, date: IsoDate): boolean {
  if (field === true) return true;
  if (typeof field === 'string') return field <= date;
  return false;
}

function dateOrTrue(field: EolField | undefined): IsoDate | true | undefined {
  return field === true || typeof field === 'string' ? field : undefined;
}

function latestOnOrBefore(
  points: PointRelease[] | undefined,
  date: IsoDate,
): { version: string; date: IsoDate } | undefined {
  let best: PointRelease | undefined;
  for (const point of points ?? []) if (point[1] <= date) best = point;
  return best ? { version: best[0], date: best[1] } : undefined;
}

/**
 * The life cycle of a Python minor (`3.12`) at a date. `hasPrerelease` tells whether pre-release images
 * of the minor were listed by then, so that a minor not yet in the life-cycle data is `prerelease`.
 * Undefined when nothing is known of the minor.
 */
export function pythonLifecycleAt(
  snapshot: SnapshotFile,
  minor: string,
  date: IsoDate,
  hasPrerelease: boolean,
): PythonLifecycle | undefined {
  const cycle = snapshot.python.cycles.find((c) => c.cycle === minor);
  const latestPatch = latestOnOrBefore(snapshot.python.patches[minor], date);
  if (!cycle) {
    return hasPrerelease
      ? { minor, status: 'prerelease', ...(latestPatch ? { latestPatch } : {}) }
      : undefined;
  }
  let status: PythonStatus;
  if (cycle.releaseDate > date) status = 'prerelease';
  else if (reached(cycle.eol, date)) status = 'eol';
  else if (reached(cycle.eoas, date)) status = 'security';
  else status = 'bugfix';
  const endOfBugfix = dateOrTrue(cycle.eoas);
  const endOfLife = dateOrTrue(cycle.eol);
  return {
    minor,
    status,
    releaseDate: cycle.releaseDate,
    ...(endOfBugfix !== undefined ? { endOfBugfix } : {}),
    ...(endOfLife !== undefined ? { endOfLife } : {}),
    ...(latestPatch ? { latestPatch } : {}),
  };
}

/** A Debian release by codename (`trixie`) or number (`13`, `debian13`). */
export function findDebian(snapshot: SnapshotFile, name: string) {
  const key = name.toLowerCase().replace(/^debian-?/, '');
  return snapshot.debian.cycles.find((c) => c.codename === key || c.cycle === key);
}

/** `alpine3.23`, `3.23`, `3.23.4` (a point release names its branch). */
export function findAlpine(snapshot: SnapshotFile, name: string) {
  const m = /^(?:alpine-?)?(\d+\.\d+)(?:\.\d+)?$/.exec(name.toLowerCase());
  return m ? snapshot.alpine.cycles.find((c) => c.cycle === m[1]) : undefined;
}

export function debianLifecycleAt(
  snapshot: SnapshotFile,
  name: string,
  date: IsoDate,
  policy: DebianEolPolicy,
): DistroLifecycle | undefined {
  const cycle = findDebian(snapshot, name);
  if (!cycle) return undefined;
  let status: DistroStatus;
  if (cycle.releaseDate > date) status = 'unreleased';
  else if (reached(cycle.eoes, date)) status = 'eol';
  else if (reached(cycle.eol, date)) status = 'lts';
  else status = 'supported';
  const endOfSupport = dateOrTrue(cycle.eol);
  const endOfLts = dateOrTrue(cycle.eoes);
  const endOfLife = policy === 'lts' ? endOfLts : endOfSupport;
  const latestPoint = latestOnOrBefore(snapshot.debian.points[cycle.cycle], date);
  return {
    family: 'debian',
    name: cycle.codename,
    version: cycle.cycle,
    status,
    endOfLifeReached: policy === 'lts' ? status === 'eol' : status === 'eol' || status === 'lts',
    policy,
    releaseDate: cycle.releaseDate,
    ...(endOfSupport !== undefined ? { endOfSupport } : {}),
    ...(endOfLts !== undefined ? { endOfLts } : {}),
    ...(endOfLife !== undefined ? { endOfLife } : {}),
    ...(latestPoint ? { latestPoint } : {}),
  };
}

export function alpineLifecycleAt(
  snapshot: SnapshotFile,
  name: string,
  date: IsoDate,
  policy: DebianEolPolicy,
): DistroLifecycle | undefined {
  const cycle = findAlpine(snapshot, name);
  if (!cycle) return undefined;
  let status: DistroStatus;
  if (cycle.releaseDate > date) status = 'unreleased';
  else if (reached(cycle.eol, date)) status = 'eol';
  else status = 'supported';
  const endOfSupport = dateOrTrue(cycle.eol);
  const latestPoint = latestOnOrBefore(snapshot.alpine.points[cycle.cycle], date);
  return {
    family: 'alpine',
    name: cycle.cycle,
    version: cycle.cycle,
    status,
    endOfLifeReached: status === 'eol',
    policy,
    releaseDate: cycle.releaseDate,
    ...(endOfSupport !== undefined ? { endOfSupport, endOfLife: endOfSupport } : {}),
    ...(latestPoint ? { latestPoint } : {}),
  };
}

export interface LibcInfo {
  family: 'glibc' | 'musl' | null;
  /** `2.41`, `1.2.5`; null when the family is known but not the version (or for Windows). */
  version: string | null;
  /** False when the data only knows the major.minor (`1.2`) or marks the value provisional. */
  exact: boolean;
  /** The newest wheel platform tag family the libc satisfies (`manylinux_2_41`, `musllinux_1_2`). */
  wheelPlatformMax: string | null;
}

/** The libc of a Debian codename, an Alpine release or a Windows build. */
export function libcOfDistro(
  snapshot: SnapshotFile,
  family: 'debian' | 'alpine' | 'windows',
  name: string,
): LibcInfo {
  if (family === 'windows') return { family: null, version: null, exact: true, wheelPlatformMax: null };
  if (family === 'debian') {
    const r = snapshot.libc.debian.find((d) => d.codename === name || d.version === name);
    return r
      ? { family: 'glibc', version: r.glibc, exact: !r.provisional, wheelPlatformMax: r.manylinuxMax }
      : { family: 'glibc', version: null, exact: false, wheelPlatformMax: null };
  }
  const r = snapshot.libc.alpine.find((a) => a.release === name);
  return r
    ? { family: 'musl', version: r.musl, exact: r.exact, wheelPlatformMax: r.musllinuxMax }
    : { family: 'musl', version: null, exact: false, wheelPlatformMax: null };
}
