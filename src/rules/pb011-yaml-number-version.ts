import type { SourceRange } from '../model/diagnostic.js';
import type { OriginSource, ValueOrigin } from '../model/project.js';
import type { Stage } from '../model/stage.js';
import { levels, makeFinding } from './finding.js';
import type { Rule } from './types.js';

/** Which program reads the file a substituted value is written in. */
const readerOf: Partial<Record<OriginSource, string>> = {
  matrix: 'GitHub Actions',
  env: 'GitHub Actions',
  'action-input': 'GitHub Actions',
  'ci-variable': 'GitLab CI',
  'compose-build-arg': 'compose',
};

interface Written {
  written: string;
  readAs: string;
  range: SourceRange;
  stage: Stage;
  reader: string;
  /** What the value feeds: an image reference or a setup-python version. */
  feeds: string;
}

export const pb011: Rule = {
  code: 'PB011',
  name: 'yaml-number-version',
  summary: 'a Python version written as a bare YAML number that YAML reads as another one (`3.10` as 3.1)',
  defaultSeverity: levels('error'),
  docs: {
    whatItDoes:
      'Flags Python versions written without quotes in YAML where YAML reads them as a different number: ' +
      '`3.10` is the number 3.1, `3.20` is 3.2. It looks at `actions/setup-python` versions, and at matrix, ' +
      '`env`, input default, GitLab variable and compose build-argument values that end up in a python ' +
      'image reference.',
    whyIsThisBad:
      'The program reading the file gets the number, not the text: setup-python is asked for Python 3.1 ' +
      'and fails, and `python:${{ matrix.python }}-slim` becomes `python:3.1-slim`, which does not exist. ' +
      'pybase judges what was meant; this rule reports what will actually run.',
    example: 'strategy:\n  matrix:\n    python: [3.9, 3.10]',
    exampleLanguage: 'yaml',
    useInstead: 'strategy:\n  matrix:\n    python: ["3.9", "3.10"]',
    fix: 'Quote the version ("3.10"). `pybase fix` writes versions it changes quoted where YAML needs it.',
    options: [],
  },
  check(ctx) {
    const found = new Map<string, Written>();
    const add = (w: Written) => {
      const key = `${w.range.file}\u0000${w.range.startOffset ?? `${w.range.startLine}:${w.range.startColumn}`}`;
      if (!found.has(key)) found.set(key, w);
    };
    const fromOrigins = (origins: readonly ValueOrigin[] | undefined, stage: Stage, feeds: string) => {
      for (const o of origins ?? []) {
        const reader = readerOf[o.source];
        if (o.readAs === undefined || !o.range || !reader) continue;
        add({ written: o.value, readAs: o.readAs, range: o.range, stage, reader, feeds });
      }
    };
    for (const pr of ctx.python) fromOrigins(pr.ref.origins, pr.ref.stage, `the image '${pr.ref.text}'`);
    for (const ref of ctx.unresolved) fromOrigins(ref.origins, ref.stage, `the image '${ref.text}'`);
    for (const st of ctx.extraction.versions) {
      if (st.kind !== 'setup-python') continue;
      for (const n of st.yamlNumbers ?? []) {
        add({ ...n, stage: st.stage, reader: 'GitHub Actions', feeds: 'setup-python' });
      }
      fromOrigins(st.origins, st.stage, 'setup-python');
    }
    return [...found.values()].map((w) =>
      makeFinding(pb011, {
        stage: w.stage,
        location: w.range,
        message: `${w.written} is a YAML number: ${w.reader} reads it as ${w.readAs}, so ${w.feeds} gets ${w.readAs}, not ${w.written}`,
        hint: `quote it: "${w.written}"`,
        data: { written: w.written, readAs: w.readAs },
      }),
    );
  },
};
