import { describe, expect, it } from 'vitest';
import { extractDockerfile } from './extract.js';

const slice = (text: string, r: { startOffset?: number; endOffset?: number }) =>
  text.slice(r.startOffset, r.endOffset);

describe('extractDockerfile', () => {
  it('finds a plain FROM with its exact range and marks the single stage final and prod', () => {
    const text = '# comment\nFROM python:3.12-slim\nRUN pip install x\n';
    const { references, stageBases } = extractDockerfile('Dockerfile', text);
    expect(stageBases).toEqual([]);
    expect(references).toHaveLength(1);
    const ref = references[0]!;
    expect(ref).toMatchObject({
      kind: 'dockerfile-from',
      text: 'python:3.12-slim',
      stage: 'prod',
      dockerStage: { index: 0, isFinal: true },
      range: { startLine: 2, startColumn: 6, endLine: 2, endColumn: 22 },
    });
    expect(slice(text, ref.range)).toBe('python:3.12-slim');
    expect(ref.resolved).toBeUndefined();
  });

  it('resolves global ARGs in all syntaxes and records the ARG default ranges as origins', () => {
    const text = [
      'ARG PY="3.11"',
      'ARG DISTRO=bookworm EMPTY',
      'ARG IMAGE=python:${PY}-slim',
      'FROM $IMAGE AS a',
      'FROM python:${PY}-${DISTRO} AS b',
      'FROM python:${MISSING:-3.13}-${EMPTY:+x}alpine AS c',
      'FROM python:${PY:+3.10}',
    ].join('\n');
    const refs = extractDockerfile('Dockerfile', text).references;
    expect(refs.map((r) => r.resolved)).toEqual([
      'python:3.11-slim',
      'python:3.11-bookworm',
      'python:3.13-alpine',
      'python:3.10',
    ]);
    const first = refs[0]!;
    expect(first.origins?.map((o) => [o.name, o.value, o.range?.startLine, slice(text, o.range!)])).toEqual([
      ['IMAGE', 'python:${PY}-slim', 3, 'python:${PY}-slim'],
      ['PY', '3.11', 1, '3.11'],
    ]);
  });

  it('reports variables without a value as unresolved, naming the root variable of nested ARGs', () => {
    const text =
      'ARG PYTHON_VERSION\nARG BASE=python:${PYTHON_VERSION}\nFROM python:$PYTHON_VERSION\nFROM ${BASE}\nFROM $NEVER\n';
    const refs = extractDockerfile('Dockerfile', text).references;
    expect(refs.map((r) => [r.text, r.resolved, r.unresolved])).toEqual([
      ['python:$PYTHON_VERSION', undefined, ['PYTHON_VERSION']],
      ['${BASE}', undefined, ['PYTHON_VERSION']],
      ['$NEVER', undefined, ['NEVER']],
    ]);
  });

  it('lets build arguments override ARG defaults, later ones winning', () => {
    const text = 'ARG PY=3.10\nARG IMG=python:${PY}\nFROM ${IMG}\n';
    const refs = extractDockerfile('Dockerfile', text, {
      buildArgs: [
        {
          name: 'PY',
          value: '3.12',
          origin: { name: 'PY', value: '3.12', source: 'compose-build-arg', file: 'c.yml' },
        },
        { name: 'PY', value: '3.13', origin: { name: 'PY', value: '3.13', source: 'config-build-arg' } },
      ],
      service: 'web',
    }).references;
    expect(refs[0]).toMatchObject({ resolved: 'python:3.13', service: 'web' });
    expect(refs[0]!.origins?.map((o) => o.source)).toEqual(['arg-default', 'config-build-arg']);
  });

  it('keeps stage FROMs and scratch apart, and gives prod to the final chain and build to the rest', () => {
    const text = [
      'FROM node:20 AS ui',
      'FROM python:3.12-slim AS base',
      'FROM base AS builder',
      'FROM golang:1.22 AS tools',
      'FROM BASE AS final',
      'COPY --from=ui /a /b',
      'COPY --from=0 /a /b',
      'COPY --from=python:3.11 /a /b',
      'RUN --mount=type=cache,from=builder,target=/x true',
      'RUN --mount=type=bind,from=ghcr.io/astral-sh/uv:0.5,source=/uv,target=/uv true',
    ].join('\n');
    const { references, stageBases } = extractDockerfile('Dockerfile', text);
    expect(
      stageBases.map((s) => [s.text, s.baseStageIndex, s.dockerStage.index, s.dockerStage.isFinal]),
    ).toEqual([
      ['base', 1, 2, false],
      ['BASE', 1, 4, true],
    ]);
    expect(
      references.map((r) => [r.kind, r.text, r.stage, r.dockerStage?.index, r.dockerStage?.name]),
    ).toEqual([
      ['dockerfile-from', 'node:20', 'build', 0, 'ui'],
      ['dockerfile-from', 'python:3.12-slim', 'prod', 1, 'base'],
      ['dockerfile-from', 'golang:1.22', 'build', 3, 'tools'],
      ['dockerfile-copy-from', 'python:3.11', 'build', 4, 'final'],
      ['dockerfile-mount-from', 'ghcr.io/astral-sh/uv:0.5', 'build', 4, 'final'],
    ]);
    const mount = references[4]!;
    expect(slice(text, mount.range)).toBe('ghcr.io/astral-sh/uv:0.5');
    expect(extractDockerfile('Dockerfile', 'FROM scratch\nCOPY x /x\n').stageBases[0]).toMatchObject({
      text: 'scratch',
    });
  });

  it('marks everything dev in a dev-named file and honours a configured stage', () => {
    const text = 'FROM python:3.12 AS b\nFROM python:3.12-slim\n';
    expect(
      extractDockerfile('Dockerfile.dev', text, { devNamed: true }).references.map((r) => r.stage),
    ).toEqual(['dev', 'dev']);
    expect(extractDockerfile('x', text, { configuredStage: 'ci' }).references.map((r) => r.stage)).toEqual([
      'ci',
      'ci',
    ]);
    expect(extractDockerfile('x', text, { configuredStage: 'prod' }).references.map((r) => r.stage)).toEqual([
      'build',
      'prod',
    ]);
  });

  it('resolves --platform when it can and keeps it as written when it depends on the build', () => {
    const text =
      'ARG P=linux/arm64\nFROM --platform=$BUILDPLATFORM python:3.12 AS a\nFROM --platform=${TARGETPLATFORM:-linux/amd64} python:3.12 AS b\nFROM --platform=$P python:3.12\n';
    expect(extractDockerfile('Dockerfile', text).references.map((r) => r.platform)).toEqual([
      '$BUILDPLATFORM',
      '${TARGETPLATFORM:-linux/amd64}',
      'linux/arm64',
    ]);
  });

  it('gives exact ranges across continuation lines, CRLF line ends and the backtick escape', () => {
    const crlf = 'FROM --platform=linux/amd64 \\\r\n    python:3.12-slim \\\r\n    AS base\r\nRUN true\r\n';
    const ref = extractDockerfile('Dockerfile', crlf).references[0]!;
    expect(ref.range).toMatchObject({ startLine: 2, startColumn: 5, endLine: 2, endColumn: 21 });
    expect(slice(crlf, ref.range)).toBe('python:3.12-slim');
    expect(ref.dockerStage?.name).toBe('base');

    const backtick = '# escape=`\nARG V=3.12\nFROM python:`\n${V} AS x\n';
    const split = extractDockerfile('Dockerfile', backtick).references[0]!;
    expect(split).toMatchObject({ text: 'python:${V}', resolved: 'python:3.12' });
    expect(split.range).toMatchObject({ startLine: 3, startColumn: 6, endLine: 4, endColumn: 5 });
  });

  it('reads ignore pragmas for the next instruction and the whole file', () => {
    const text =
      '# pybase: ignore-file=PB001\nFROM node:20 AS a\n# pybase: ignore=PB003, pb005\nFROM python:3.8 \\\n  AS b\n';
    expect(extractDockerfile('Dockerfile', text).pragmas).toEqual([
      { file: 'Dockerfile', line: 1, codes: ['PB001'], scope: 'file' },
      {
        file: 'Dockerfile',
        line: 3,
        codes: ['PB003', 'PB005'],
        scope: 'next',
        target: { startLine: 4, endLine: 5 },
      },
    ]);
  });

  it('reports an unterminated heredoc without throwing', () => {
    const text = 'FROM python:3.12\nRUN <<EOF\necho hi\nFROM python:3.11\n';
    const out = extractDockerfile('Dockerfile', text);
    expect(out.diagnostics).toHaveLength(1);
    expect(out.diagnostics[0]).toMatchObject({
      code: 'PBE006',
      location: { file: 'Dockerfile', startLine: 2 },
    });
    expect(out.diagnostics[0]!.message).toContain('EOF');
    expect(out.references.map((r) => r.text)).toEqual(['python:3.12']);
  });

  it('ignores FROM-like lines inside a closed heredoc', () => {
    const text = 'FROM python:3.12\nRUN <<EOF\nFROM python:2.7\nEOF\n';
    const out = extractDockerfile('Dockerfile', text);
    expect(out.diagnostics).toEqual([]);
    expect(out.references.map((r) => r.text)).toEqual(['python:3.12']);
  });

  it('uses stage-level ARGs for COPY --from', () => {
    const text = 'ARG UV=0.5\nFROM python:3.12\nARG UV\nCOPY --from=ghcr.io/astral-sh/uv:${UV} /uv /uv\n';
    expect(extractDockerfile('Dockerfile', text).references[1]).toMatchObject({
      kind: 'dockerfile-copy-from',
      resolved: 'ghcr.io/astral-sh/uv:0.5',
    });
  });

  it('records COPY --from and RUN --mount from= that name an earlier stage, by name, ARG or number', () => {
    const text = [
      'ARG B=build',
      'FROM python:3.12 AS build',
      'FROM python:3.12-slim AS final',
      'ARG B',
      'COPY --from=${B} /wheels /wheels',
      'RUN --mount=type=bind,from=0,target=/w pip install /w/*',
      'COPY --from=python:3.13 /a /b',
      'COPY --from=later /a /b',
      'FROM python:3.12-slim AS later',
    ].join('\n');
    const { stageCopies } = extractDockerfile('Dockerfile', text);
    expect(stageCopies.map((c) => [c.kind, c.stageIndex, c.fromStageIndex, c.range.startLine])).toEqual([
      ['copy', 1, 0, 5],
      ['mount', 1, 0, 6],
    ]);
  });

  it('finds flags and heredocs however the instruction is written, and skips only plain commands', () => {
    const text = [
      'FROM python:3.12-slim',
      'run  --mount=type=bind,from=python:3.11,target=/a true',
      'RUN x--y --mount=type=bind,from=python:3.10,target=/b true',
      'RUN \\',
      '  --mount=type=bind,from=python:3.9,target=/c true',
      'RUN pip install --mount=type=bind,from=python:3.8,target=/d',
      'COPY \\',
      '  --from=python:3.13 /a /b',
      'COPY . .',
      'RUN <<EOF',
      'echo never closed',
    ].join('\n');
    const { references, diagnostics } = extractDockerfile('Dockerfile', text);
    expect(references.map((r) => [r.kind, r.text])).toEqual([
      ['dockerfile-from', 'python:3.12-slim'],
      ['dockerfile-mount-from', 'python:3.11'],
      ['dockerfile-mount-from', 'python:3.10'],
      ['dockerfile-mount-from', 'python:3.9'],
      ['dockerfile-copy-from', 'python:3.13'],
    ]);
    expect(diagnostics.map((d) => d.message)).toEqual([
      'Dockerfile:10: cannot parse: heredoc <<EOF is never closed; the rest of the file is read as its body',
    ]);
  });

  it('with a target, ships that stage and lists the stages it needs (FROM base and --from)', () => {
    const text = [
      'FROM python:3.12 AS builder',
      'FROM python:3.11 AS unused',
      'FROM python:3.12-slim AS runtime',
      'COPY --from=builder /venv /venv',
      'FROM runtime AS tests',
      'RUN --mount=type=bind,from=unused,target=/x true',
    ].join('\n');
    const targeted = extractDockerfile('Dockerfile', text, { target: 'RUNTIME' });
    expect(targeted.builtStages).toEqual([0, 2]);
    expect(targeted.references.map((r) => [r.text, r.stage, r.dockerStage?.isFinal])).toEqual([
      ['python:3.12', 'build', false],
      ['python:3.11', 'build', false],
      ['python:3.12-slim', 'prod', true],
    ]);
    expect(extractDockerfile('Dockerfile', text, { target: 'tests' }).builtStages).toEqual([0, 1, 2, 3]);
    // A target no stage has is ignored: the last stage is the image.
    const missing = extractDockerfile('Dockerfile', text, { target: 'nope' });
    expect(missing.builtStages).toBeUndefined();
    expect(missing.references.find((r) => r.text === 'python:3.12-slim')?.stage).toBe('prod');
  });
});
