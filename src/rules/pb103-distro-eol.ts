import { distroEols } from './eol.js';
import { levels, makeFinding } from './finding.js';
import { resolvesTo, shown } from './helpers.js';
import type { Rule } from './types.js';

export const pb103: Rule = {
  code: 'PB103',
  name: 'distro-eol',
  summary: 'Debian or Alpine release past its end of life at the date',
  defaultSeverity: levels('error', { dev: 'warning' }),
  docs: {
    whatItDoes:
      'Flags python images whose Debian or Alpine release has reached its end of life at the date. For ' +
      'Debian, `debian-eol-policy` chooses the date: the end of security support (`security`, default) or ' +
      'the end of Debian LTS (`lts`). Floating tags are judged by the distro they resolve to.',
    whyIsThisBad: 'After the end of life the OS packages (OpenSSL, glibc, ...) get no more security fixes.',
    example: 'FROM python:3.11.9-slim-bullseye',
    useInstead: 'FROM python:3.11.16-slim-trixie',
    fix: 'Change the distro suffix to a supported release. The glibc version changes too: binary wheels are re-selected.',
    options: [
      {
        key: 'debian-eol-policy',
        description: '`security` (end of security support) or `lts` (end of Debian LTS)',
        default: 'security',
      },
    ],
  },
  check(ctx) {
    return distroEols(ctx)
      .filter((h) => h.days <= 0)
      .map((h) =>
        makeFinding(pb103, {
          stage: h.pr.ref.stage,
          location: h.pr.ref.range,
          message: `${shown(h.pr)}: ${h.subject} reached its end of life on ${h.eol}${resolvesTo(h.pr, ctx.date)}`,
          hint: 'move to a supported Debian or Alpine release',
          data: { subject: h.subject, eol: h.eol, policy: ctx.options.debianEolPolicy },
        }),
      );
  },
};
