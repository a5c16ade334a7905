import { levels, makeFinding } from './finding.js';
import { compareDotted, shown } from './helpers.js';
import type { Rule } from './types.js';

export const pb105: Rule = {
  code: 'PB105',
  name: 'stale-patch',
  summary: 'pinned Python patch behind the newest patch of its minor',
  defaultSeverity: levels('warning', { dev: 'info' }),
  docs: {
    whatItDoes:
      'Flags python tags pinned to a patch (`3.12.4`) when newer patch releases of the same minor exist at ' +
      'the date, and says how many and since when.',
    whyIsThisBad:
      'Patch releases carry security and bug fixes; the image of an old patch is no longer rebuilt either.',
    example: 'FROM python:3.12.4-slim-bookworm',
    useInstead: 'FROM python:3.12.14-slim-bookworm',
    fix: 'Bump the patch: patch releases keep the ABI, so the change is safe for installed wheels.',
    options: [],
  },
  check(ctx) {
    return ctx.python.flatMap((pr) => {
      const tag = pr.image.python;
      const v = tag?.version;
      if (!tag || !v || tag.precision !== 'patch' || v.pre) return [];
      const minor = `${v.major}.${v.minor}`;
      const current = `${minor}.${v.patch}`;
      const newer = ctx.catalog
        .patchReleases(minor)
        .filter((r) => r.date <= ctx.date && compareDotted(r.version, current) > 0);
      if (newer.length === 0) return [];
      const newest = newer[newer.length - 1]!;
      const first = newer[0]!;
      return [
        makeFinding(pb105, {
          stage: pr.ref.stage,
          location: pr.ref.range,
          message:
            `${shown(pr)} pins Python ${current}, ${newer.length} patch release${newer.length > 1 ? 's' : ''} behind ` +
            `(newer since ${first.date}; newest ${newest.version}, ${newest.date})`,
          hint: `bump to ${newest.version}`,
          data: { current, newest: newest.version, behind: newer.length, since: first.date },
        }),
      ];
    });
  },
};
