import { distroEols, withinWindow } from './eol.js';
import { levels, makeFinding } from './finding.js';
import { resolvesTo, shown } from './helpers.js';
import type { Rule } from './types.js';

export const pb104: Rule = {
  code: 'PB104',
  name: 'distro-eol-soon',
  summary: 'Debian or Alpine release reaching its end of life within the window',
  defaultSeverity: levels('warning', { dev: 'info' }),
  docs: {
    whatItDoes:
      'Flags python images whose Debian or Alpine release reaches its end of life within `eol-window-days`.',
    whyIsThisBad:
      'A distro change moves glibc or musl and system libraries: worth doing before fixes stop, not after.',
    example: 'FROM python:3.12.14-slim-bookworm   # checked in 2026-04',
    useInstead: 'FROM python:3.12.14-slim-trixie',
    fix: 'Plan the move to the newer distro release before the date in the message.',
    options: [
      {
        key: 'eol-window-days',
        description: 'how many days before the end of life to start warning',
        default: '180',
      },
      {
        key: 'debian-eol-policy',
        description: 'which Debian date counts as end of life',
        default: 'security',
      },
    ],
  },
  check(ctx) {
    return distroEols(ctx)
      .filter((h) => withinWindow(h, ctx))
      .map((h) =>
        makeFinding(pb104, {
          stage: h.pr.ref.stage,
          location: h.pr.ref.range,
          message: `${shown(h.pr)}: ${h.subject} reaches its end of life on ${h.eol}, in ${h.days} days${resolvesTo(h.pr, ctx.date)}`,
          hint: 'plan the move to a newer distro release',
          data: { subject: h.subject, eol: h.eol, days: h.days, policy: ctx.options.debianEolPolicy },
        }),
      );
  },
};
