import { formatTag } from '../catalog/tag.js';
import { levels, makeFinding } from './finding.js';
import { describeFacts, shown, unpublished } from './helpers.js';
import type { Rule } from './types.js';

export const pb004: Rule = {
  code: 'PB004',
  name: 'implicit-distro',
  summary: 'python tag without its distro part (`3.12-slim` instead of `3.12-slim-trixie`)',
  defaultSeverity: levels('warning', { dev: 'info' }),
  docs: {
    whatItDoes:
      'Flags python tags with a version but no distro part: `3.12`, `3.12-slim`, `3.12.14-alpine`. ' +
      'Version-less tags are already PB001. A reference pinned by digest is left alone: like PB001-PB003, ' +
      'this rule is about tags that move, and a digest does not.',
    whyIsThisBad:
      'Without the suffix the image follows the default distro, which changes: `3.12-slim` was Debian ' +
      'bookworm until 2025-08 and trixie after. The Debian (or Alpine) release decides the glibc/musl ' +
      'version, OpenSSL defaults and which binary wheels install.',
    example: 'FROM python:3.12-slim',
    useInstead: 'FROM python:3.12-slim-trixie',
    fix: 'Add the distro the tag resolves to today; that keeps the image identical now and stops the silent move later.',
    options: [],
  },
  check(ctx) {
    return ctx.python.flatMap((pr) => {
      const tag = pr.image.python;
      // A digest-pinned reference does not move (PB001-PB003 leave it alone for the same reason).
      if (!tag?.version || tag.distro || tag.variant === 'onbuild' || pr.image.digest || unpublished(pr))
        return [];
      const distro = pr.status?.facts.distro;
      const now = distro ? `: at ${ctx.date} it is ${describeFacts({ distro })}` : '';
      return [
        makeFinding(pb004, {
          stage: pr.ref.stage,
          location: pr.ref.range,
          message: `${shown(pr)} leaves the distro to the image default, which changes over time${now}`,
          hint: distro
            ? `name it: ${formatTag({ ...tag, distro })}`
            : "add the distro suffix ('pybase tags' lists the published tags)",
          data: { tag: tag.raw, ...(distro ? { distro: distro.name } : {}) },
        }),
      ];
    });
  },
};
