import { pythonEols, statementEols, statementNames, statementPlace } from './eol.js';
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
      'date. For floating tags it judges what the tag resolves to at the date, and says so. It also ' +
      'flags version statements that name such a minor: `.python-version`, `runtime.txt`, ' +
      '`.tool-versions`, Pipfile `python_version` / `python_full_version`, each value of an ' +
      '`actions/setup-python` `python-version` (matrix and `env` values expanded, each reported at the ' +
      'step with where the value is written) and each Python of a tox `envlist`. A version written ' +
      'among others (a `.tool-versions` line, a setup-python list or block) is reported at its own ' +
      'place. An ignore pragma where a matrix value is written silences the findings about that value. A range ' +
      "(`requires-python = '>=3.8'`, Poetry's `python`, `python_requires`, setup-python `3.x`) states a " +
      'lower bound, not what runs, and is not judged; nor are other interpreters (`pypy3.9`) and ' +
      'pre-releases. A statement takes the stage of its file: `ci` in workflows and GitHub actions, ' +
      '`dev` for version files unless `stages` says otherwise.',
    whyIsThisBad:
      'After its end of life a Python minor gets no security fixes, and the official image stops ' +
      'publishing its tags, so the OS underneath is frozen too. A version file or a CI matrix that ' +
      'names it keeps developers and tests on that Python.',
    example: 'FROM python:3.9-alpine',
    useInstead: 'FROM python:3.13-alpine3.23',
    fix: 'Move to a supported minor. That changes the interpreter: run the tests; dependencies may need upgrades.',
    options: [],
  },
  check(ctx) {
    const images = pythonEols(ctx)
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
    const statements = statementEols(ctx)
      .filter((h) => h.days <= 0)
      .map((h) =>
        makeFinding(pb101, {
          stage: h.st.stage,
          ...statementPlace(h),
          message: `${statementNames(h)}, which reached its end of life on ${h.eol}`,
          hint: 'move to a supported Python minor',
          data: { subject: h.subject, eol: h.eol, statement: h.st.kind, versions: h.versions },
        }),
      );
    return [...images, ...statements];
  },
};
