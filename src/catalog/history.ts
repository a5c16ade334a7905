/**
 * The tag list of the official python image through time: which tags were listed in
 * docker-library/official-images `library/python` on any date since 2016-06-09.
 */

import type { SnapshotHistory } from '../data/snapshot.js';
import type { IsoDate } from '../model/date.js';

/** One period in which a tag was listed: from `from` (inclusive) until `to` (exclusive; null = still listed). */
export interface TagInterval {
  from: IsoDate;
  to: IsoDate | null;
}

/**
 * A state of the tag list: the index of the last change on or before a date (-1 before the first
 * change). Two dates with the same state see the same list.
 */
export type ListState = number;

export class TagHistory {
  /** UTC dates of the list changes, ascending. */
  readonly dates: readonly IsoDate[];
  private readonly groups: SnapshotHistory['groups'];
  private groupMembers?: string[][];
  private groupOf?: Map<string, number>;
  private byId?: string[];
  private readonly listed = new Map<ListState, string[]>();

  constructor(history: SnapshotHistory) {
    this.dates = history.dates;
    this.groups = history.groups;
  }

  private members(): string[][] {
    this.groupMembers ??= this.groups.map((g) => g[1].split(' '));
    return this.groupMembers;
  }

  private index(): Map<string, number> {
    if (!this.groupOf) {
      const map = new Map<string, number>();
      this.members().forEach((names, g) => {
        for (const name of names) map.set(name, g);
      });
      this.groupOf = map;
    }
    return this.groupOf;
  }

  /** Every tag in the order the snapshot numbers them (image lists refer to tags by this position). */
  tagsById(): string[] {
    this.byId ??= this.members().flat();
    return this.byId;
  }

  /** Every tag ever listed, in code-unit order. */
  allTags(): string[] {
    return [...this.index().keys()].sort();
  }

  /** Every tag ever listed, in no particular order (for searches, which need not pay for sorting). */
  knownTags(): Iterable<string> {
    return this.index().keys();
  }

  /** The list state in force at the end of `date`. */
  stateAt(date: IsoDate): ListState {
    let lo = 0;
    let hi = this.dates.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((this.dates[mid] as string) <= date) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  /** The date a state began (undefined for the state before any change). */
  stateDate(state: ListState): IsoDate | undefined {
    return state >= 0 ? this.dates[state] : undefined;
  }

  /** Tags listed in a state, in code-unit order. */
  listedAt(state: ListState): string[] {
    const known = this.listed.get(state);
    if (known) return known;
    const out: string[] = [];
    if (state >= 0) {
      const members = this.members();
      this.groups.forEach(([flat], g) => {
        if (coversState(flat, state)) out.push(...(members[g] as string[]));
      });
      out.sort();
    }
    this.listed.set(state, out);
    return out;
  }

  isListedAt(tag: string, state: ListState): boolean {
    // The tag's own intervals answer this without building (and sorting) the whole list of the
    // state, which cost about 5 ms on the first call of `pybase tag`.
    if (state < 0) return false;
    const g = this.index().get(tag);
    return g !== undefined && coversState((this.groups[g] as [number[], string])[0], state);
  }

  /** The state in which the tag was first listed; undefined for a tag never listed. */
  firstListedState(tag: string): ListState | undefined {
    const g = this.index().get(tag);
    return g === undefined ? undefined : ((this.groups[g] as [number[], string])[0][0] as number);
  }

  /** True when the tag was ever listed. */
  isKnown(tag: string): boolean {
    return this.index().has(tag);
  }

  intervals(tag: string): TagInterval[] {
    const g = this.index().get(tag);
    if (g === undefined) return [];
    const flat = (this.groups[g] as [number[], string])[0];
    const out: TagInterval[] = [];
    for (let i = 0; i < flat.length; i += 2) {
      const end = flat[i + 1] as number;
      out.push({
        from: this.dates[flat[i] as number] as IsoDate,
        to: end === -1 ? null : (this.dates[end] as IsoDate),
      });
    }
    return out;
  }
}

function coversState(flat: number[], state: ListState): boolean {
  for (let i = 0; i < flat.length; i += 2) {
    const start = flat[i] as number;
    const end = flat[i + 1] as number;
    if (start <= state && (end === -1 || state < end)) return true;
  }
  return false;
}
