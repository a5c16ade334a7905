import { levels, makeFinding } from './finding.js';
import { shown } from './helpers.js';
import type { Rule } from './types.js';

export const pb006: Rule = {
  code: 'PB006',
  name: 'unknown-tag',
  summary: 'python tag that was never published (typo, or a combination that does not exist)',
  defaultSeverity: levels('error'),
  docs: {
    whatItDoes:
      'Flags python references whose tag the official image never published up to the date: typos ' +
      '(`3.12-slim-bookwork`), impossible combinations (`3.13-bullseye`), text outside the tag grammar, ' +
      'or a tag first published after the date (a check `--date` in the past). It suggests the closest ' +
      'tags that exist at the date. The rules about what a tag resolves to and how it moves (PB001-PB005) ' +
      'stay quiet on such a reference: there is no image behind it yet.',
    whyIsThisBad: 'The pull fails, or, on a mirror, pulls something that is not the official image.',
    example: 'FROM python:3.12-slim-bookwork',
    useInstead: 'FROM python:3.12-slim-bookworm',
    fix: "Use one of the suggested tags; the choice between them is the user's, so nothing is rewritten automatically.",
    options: [],
  },
  check(ctx) {
    return ctx.python.flatMap((pr) => {
      const tagText = pr.image.tag ?? 'latest';
      const bad = pr.image.tagError !== undefined || pr.status?.state === 'unknown';
      if (!bad) return [];
      const suggestions = ctx.catalog.suggest(tagText, ctx.date).slice(0, 5);
      const first = pr.status?.firstListed;
      const why = pr.image.tagError
        ? `: ${pr.image.tagError}`
        : first
          ? ` was not yet published at ${ctx.date} (first listed ${first})`
          : ` was never published by the official python image up to ${ctx.date}`;
      return [
        makeFinding(pb006, {
          stage: pr.ref.stage,
          location: pr.ref.range,
          message: `${shown(pr)}: tag '${tagText}'${why}`,
          hint:
            suggestions.length > 0
              ? `did you mean ${suggestions.map((s) => `'${s}'`).join(', ')}?`
              : "run 'pybase tags' to list the published tags",
          data: { tag: tagText, suggestions, ...(first ? { firstListed: first } : {}) },
        }),
      ];
    });
  },
};
