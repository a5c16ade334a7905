import { levels, makeFinding } from './finding.js';
import { shown, unpublished } from './helpers.js';
import type { Rule } from './types.js';

export const pb005: Rule = {
  code: 'PB005',
  name: 'missing-digest',
  summary: 'production python image without an `@sha256:` digest',
  defaultSeverity: levels('off', { prod: 'info' }),
  docs: {
    whatItDoes: 'Reports production python images referenced by tag only, without `@sha256:<digest>`.',
    whyIsThisBad:
      'Even a fully specified tag is rebuilt (new OS packages) until it is frozen: two builds of the same ' +
      'commit can get different images. Only a digest names one exact image. This is information by ' +
      'default: digests need a bot to stay current, or the image stops getting security fixes.',
    example: 'FROM python:3.12.14-slim-trixie',
    useInstead: 'FROM python:3.12.14-slim-trixie@sha256:<digest of the image>',
    fix: 'Append the digest of the image the tag points to today (from the registry), and let a bot update it.',
    options: [
      {
        key: 'severity.PB005',
        description: 'raise to `warning` or `error` to require digests',
        default: 'info in prod',
      },
    ],
  },
  check(ctx) {
    return ctx.python.flatMap((pr) => {
      if (pr.image.digest || !pr.image.python || unpublished(pr)) return [];
      return [
        makeFinding(pb005, {
          stage: pr.ref.stage,
          location: pr.ref.range,
          message: `${shown(pr)} is referenced by tag only: the image behind it can change between builds`,
          hint: 'append @sha256:<digest> of the image the tag points to today',
          data: { tag: pr.image.python.raw },
        }),
      ];
    });
  },
};
