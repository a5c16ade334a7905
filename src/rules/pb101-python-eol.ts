import { pythonEols } from './eol.js';
import { levels, makeFinding } from './finding.js';
import { resolvesTo, shown } from './helpers.js';
import type { Rule } from './types.js';

export const pb101: Rule = {
  code: 'PB101',
  name: 'python-eol',
  summary: 'Python minor past its end of life at the date',
  defaultSeverity: levels('error', { dev: 'warning' }),
  docs: {
    whatItDoes:
      'Flags python images whose Python minor has reached its end of life (endoflife.date data) at the ' +
      'date. For floating tags it judges what the tag resolves to at the date, and says so.',
    whyIsThisBad:
      'After its end of life a Python minor gets no security fixes, and the official image stops ' +
      'publishing its tags, so the OS underneath is frozen too.',
    example: 'FROM python:3.9-alpine',
    useInstead: 'FROM python:3.13-alpine3.23',
    fix: 'Move to a supported minor. That changes the interpreter: run the tests; dependencies may need upgrades.',
    options: [],
  },
  check(ctx) {
    return pythonEols(ctx)
      .filter((h) => h.days <= 0)
      .map((h) =>
        makeFinding(pb101, {
          stage: h.pr.ref.stage,
          location: h.pr.ref.range,
          message: `${shown(h.pr)}: ${h.subject} reached its end of life on ${h.eol}${resolvesTo(h.pr, ctx.date)}`,
          hint: 'move to a supported Python minor',
          data: { subject: h.subject, eol: h.eol },
        }),
      );
  },
};
