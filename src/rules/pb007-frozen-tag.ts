import { levels, makeFinding } from './finding.js';
import { describeFacts, shown } from './helpers.js';
import type { Rule } from './types.js';

export const pb007: Rule = {
  code: 'PB007',
  name: 'frozen-tag',
  summary: 'python tag that is no longer rebuilt at the date (no more OS security fixes)',
  defaultSeverity: levels('warning', { dev: 'info', prod: 'error' }),
  docs: {
    whatItDoes:
      'Flags python tags that were published but are no longer listed by the official image at the date: ' +
      'a patch replaced by a newer one, a Python minor or a distro dropped at its end of life. It says ' +
      'since when and which tag carries the same line today: the newest patch on the same distro, or, when ' +
      'that distro is past its end of life (under `debian-eol-policy`), on a supported one.',
    whyIsThisBad:
      'A tag that left the list still pulls, but the image never changes again: OS security fixes stop ' +
      'the day it is dropped, silently.',
    example: 'FROM python:3.9-alpine',
    useInstead: 'FROM python:3.13-alpine3.23',
    fix: 'Move to the replacement tag. When the replacement changes the Python minor or the distro, test first.',
    options: [
      {
        key: 'debian-eol-policy',
        description: 'Which Debian end of life rules out a distro for the replacement (security or lts).',
        default: 'security',
      },
    ],
  },
  check(ctx) {
    return ctx.python.flatMap((pr) => {
      const st = pr.status;
      if (st?.state !== 'frozen') return [];
      const since = st.since ? ` since ${st.since}` : '';
      const last = describeFacts(st.facts);
      return [
        makeFinding(pb007, {
          stage: pr.ref.stage,
          location: pr.ref.range,
          message: `${shown(pr)} is no longer rebuilt${since}${last ? ` (last image: ${last})` : ''}: it gets no more OS security fixes`,
          hint: st.replacement
            ? `the current equivalent is '${st.replacement}'`
            : "run 'pybase tags' to choose a current tag",
          data: {
            tag: pr.image.tag ?? 'latest',
            ...(st.since ? { since: st.since } : {}),
            ...(st.replacement ? { replacement: st.replacement } : {}),
          },
        }),
      ];
    });
  },
};
