import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../../test/support/paths.js';
import { extractDockerfile } from './extract.js';
import { reduceDockerfile } from './reduce.js';

/** Instruction line spans as the parser reads the whole text. */
function parserSpans(text: string) {
  return DockerfileParser.parse(text)
    .getInstructions()
    .map((i) => ({ start: i.getRange().start.line, end: i.getRange().end.line }));
}

function sameExtraction(text: string) {
  const options = {
    buildArgs: [
      {
        name: 'PY',
        value: '3.12',
        origin: { name: 'PY', value: '3.12', source: 'config-build-arg' as const },
      },
    ],
  };
  const reduced = extractDockerfile('Dockerfile', text, options);
  const full = extractDockerfile('Dockerfile', text, { ...options, parseEveryInstruction: true });
  expect(reduced).toEqual(full);
  const cut = reduceDockerfile(text);
  if (cut) expect(cut.instructions).toEqual(parserSpans(text));
}

// Pieces of lines that stress where instructions start and end.
const pieces = [
  'FROM python:3.12-slim',
  'FROM ${BASE:-python:3.11} AS build',
  'FROM build',
  'from python:3.10-alpine as x',
  'ARG BASE=python:3.13-slim-trixie',
  'ARG PY',
  'RUN pip install -r requirements.txt',
  'RUN --mount=type=cache,from=python:3.12,target=/x true',
  'RUN echo from here',
  'COPY --from=python:3.12-slim /usr /usr',
  'COPY --from=build /app /app',
  'COPY . .',
  'ENV A=1 B=2',
  'CMD ["python", "app.py"]',
  'ONBUILD COPY --from=python:3.9 /x /x',
  'LABEL a="b"',
  'WORKDIR /app',
  '# a comment',
  '  # an indented comment \\',
  '# pybase: ignore=PB001',
  '# pybase: ignore-file=PB005',
  '# syntax=docker/dockerfile:1',
  '',
  '   ',
  '\t',
  '    && apt-get install -y gcc',
  'FROM python:3.12 \\',
  'RUN a \\',
  'RUN a \\  ',
  'ENV X=1 \\\t',
  '\\',
  'echo \\\\',
  '  python:3.11-slim',
  'RUN\\',
  'RUN',
  'EXPOSE 80 # from',
];

const dockerfileText = fc
  .tuple(fc.array(fc.constantFrom(...pieces), { maxLength: 14 }), fc.constantFrom('\n', '\r\n'), fc.boolean())
  .map(([lines, eol, trailing]) => lines.join(eol) + (trailing ? eol : ''));

function filesUnder(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) filesUnder(full, out);
    else if (/(^|\.)(Dockerfile|Containerfile)/i.test(name)) out.push(full);
  }
  return out;
}

describe('reduceDockerfile', () => {
  it('empties RUN, ENV and CMD lines, keeps FROM, ARG, comments and anything naming from', () => {
    const text = [
      '# syntax=docker/dockerfile:1',
      'ARG PY=3.12',
      'FROM python:${PY}-slim AS build',
      'RUN apt-get update \\',
      '    # keep this comment',
      '',
      '    && apt-get install -y gcc',
      'COPY --from=python:3.12 /x /x',
      'ENV A=1',
      'CMD ["python"]',
    ].join('\n');
    const cut = reduceDockerfile(text)!;
    expect(cut.text.split('\n')).toEqual([
      '# syntax=docker/dockerfile:1',
      'ARG PY=3.12',
      'FROM python:${PY}-slim AS build',
      '',
      '    # keep this comment',
      '',
      '',
      'COPY --from=python:3.12 /x /x',
      '',
      '',
    ]);
    expect(cut.instructions).toEqual([
      { start: 1, end: 1 },
      { start: 2, end: 2 },
      { start: 3, end: 6 },
      { start: 7, end: 7 },
      { start: 8, end: 8 },
      { start: 9, end: 9 },
    ]);
  });

  it('leaves to the parser texts whose reading it cannot be sure of', () => {
    for (const text of [
      'FROM python:3.12\nRUN <<EOF\necho\nEOF\n',
      '# escape=`\nFROM python:3.12\n',
      'FROM python:3.12\rRUN x\n',
      'FROM python:3.12\n\\\nRUN x\n',
      'RUN a \\\n  \\ b\nFROM python:3.12\n',
      'FROM python:3.12\fRUN x\n',
    ]) {
      expect(reduceDockerfile(text), JSON.stringify(text)).toBeUndefined();
    }
  });

  it('extracts the same references, pragmas and findings as parsing every instruction (generated)', () => {
    fc.assert(
      fc.property(dockerfileText, (text) => {
        sameExtraction(text);
      }),
      { numRuns: Number(process.env.REDUCE_RUNS ?? 3000) },
    );
  });

  it('extracts the same as parsing every instruction on every Dockerfile in the repository', () => {
    const files = [
      ...filesUnder(join(repoRoot, 'test', 'fixtures')),
      ...filesUnder(join(repoRoot, 'examples')),
    ];
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) sameExtraction(readFileSync(file, 'utf8'));
  });
});
