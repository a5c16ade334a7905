import { levels, makeFinding } from './finding.js';
import type { Rule } from './types.js';

export const pb009: Rule = {
  code: 'PB009',
  name: 'unresolved-reference',
  summary: 'image reference with a variable that has no value, so it cannot be judged',
  defaultSeverity: levels('warning', { dev: 'info' }),
  docs: {
    whatItDoes:
      'Reports image references that may name the python image but use a variable without a value: an ' +
      '`ARG` with no default, a CI variable defined elsewhere. Nothing else can be said about them.',
    whyIsThisBad:
      'The image is decided outside the repository, so neither a reader nor pybase knows which Python ' +
      'runs. A default documents the expected value and lets every rule check it.',
    example: 'ARG PYTHON_VERSION\nFROM python:${PYTHON_VERSION}-slim',
    useInstead: 'ARG PYTHON_VERSION=3.13.9\nFROM python:${PYTHON_VERSION}-slim-trixie',
    fix: 'Give the variable a default, set it in the `.env` file beside the compose file (for compose variables), or tell pybase its value with `build-args` in the configuration.',
    options: [
      { key: 'build-args', description: 'values for Dockerfile ARGs without a default', default: '{}' },
    ],
  },
  check(ctx) {
    return ctx.unresolved.map((ref) => {
      const vars = ref.unresolved ?? [];
      return makeFinding(pb009, {
        stage: ref.stage,
        location: ref.range,
        message: `'${ref.text}' uses ${vars.map((v) => `\${${v}}`).join(', ') || 'a variable'} without a value: the image cannot be judged`,
        hint: ref.kind.startsWith('dockerfile')
          ? `give the ARG a default, or set it under build-args in the pybase configuration`
          : 'define the variable in this file, or set it under build-args in the pybase configuration',
        data: { variables: vars },
      });
    });
  },
};
