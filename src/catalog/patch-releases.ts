/** Every final patch release of a Python minor, from the release data of the snapshot. */
import { loadSnapshot } from '../data/snapshot.js';
import type { IsoDate } from '../model/date.js';

export interface PythonPatchRelease {
  version: string;
  date: IsoDate;
}

/** Final patch releases of `minor` (`3.12`), oldest first; empty for a minor the data does not know. */
export function pythonPatchReleases(
  minor: string,
  options: { snapshotPath?: string } = {},
): PythonPatchRelease[] {
  const list = loadSnapshot(options.snapshotPath).python.patches[minor] ?? [];
  return list
    .map(([version, date]) => ({ version, date }))
    .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}
