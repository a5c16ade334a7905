import { pythonEols, statementEols, statementNames, statementPlace, withinWindow } from './eol.js';
import { levels, makeFinding } from './finding.js';
import { resolvesTo, shown } from './helpers.js';
import type { Rule } from './types.js';

export const pb102: Rule = {
  code: 'PB102',
  name: 'python-eol-soon',
  summary: 'Python minor reaching its end of life within the window (default 180 days)',
  defaultSeverity: levels('warning', { dev: 'info' }),
  docs: {
    whatItDoes:
      'Flags python images whose Python minor reaches its end of life within `eol-window-days` of the ' +
      'date, and version statements that name such a minor (the statements PB101 judges: ' +
      '`.python-version`, `runtime.txt`, `.tool-versions`, Pipfile, setup-python values, tox `envlist`; ' +
      'not ranges such as `requires-python`).',
    whyIsThisBad:
      'Moving to a new minor takes planning (dependencies, tests); starting after the end of life leaves a gap without fixes.',
    example: 'FROM python:3.10-slim-trixie   # checked in 2026-06',
    useInstead: 'FROM python:3.13-slim-trixie',
    fix: 'Plan the move to a newer minor before the date in the message.',
    options: [
      {
        key: 'eol-window-days',
        description: 'how many days before the end of life to start warning',
        default: '180',
      },
    ],
  },
  check(ctx) {
    const images = pythonEols(ctx)
      .filter((h) => withinWindow(h, ctx))
      .map((h) =>
        makeFinding(pb102, {
          stage: h.pr.ref.stage,
          location: h.pr.ref.range,
          message: `${shown(h.pr)}: ${h.subject} reaches its end of life on ${h.eol}, in ${h.days} days${resolvesTo(h.pr, ctx.date)}`,
          hint: 'plan the move to a newer Python minor',
          data: { subject: h.subject, eol: h.eol, days: h.days },
        }),
      );
    const statements = statementEols(ctx)
      .filter((h) => withinWindow(h, ctx))
      .map((h) =>
        makeFinding(pb102, {
          stage: h.st.stage,
          ...statementPlace(h),
          message: `${statementNames(h)}, which reaches its end of life on ${h.eol}, in ${h.days} days`,
          hint: 'plan the move to a newer Python minor',
          data: { subject: h.subject, eol: h.eol, days: h.days, statement: h.st.kind, versions: h.versions },
        }),
      );
    return [...images, ...statements];
  },
};
