/** Dockerfiles written in a compose file: `services.<name>.build.dockerfile_inline`. */
import { describe, expect, it } from 'vitest';
import type { ExtractedReference } from '../../model/project.js';
import { extractCompose } from './extract.js';

const slice = (text: string, r: { startOffset?: number; endOffset?: number }) =>
  text.slice(r.startOffset, r.endOffset);

/** `line:column-endLine:endColumn text stage service`, the place as an editor shows it. */
const placed = (r: ExtractedReference) =>
  `${r.range.startLine}:${r.range.startColumn}-${r.range.endLine}:${r.range.endColumn} ${r.resolved ?? r.text} ${r.stage} ${r.service}`;

describe('compose dockerfile_inline', () => {
  const text = [
    'services:', // 1
    '  app:',
    '    build:',
    '      context: .',
    '      dockerfile_inline: |', // 5
    '        FROM python:3.12-slim AS build',
    '        RUN pip wheel -w /w .',
    '',
    '        FROM   python:latest',
    '        COPY --from=build /w /w', // 10
    '        COPY --from=python:3.11 /usr/local/bin/python3 /opt/',
    '  db:',
    '    image: postgres:16',
  ].join('\n');

  it('reads a literal block with the Dockerfile extractor, at exact lines and columns of the compose file', () => {
    const out = extractCompose('compose.yaml', text);
    expect(out.diagnostics).toEqual([]);
    expect(out.references.map(placed)).toEqual([
      '6:14-6:30 python:3.12-slim build app',
      '9:16-9:29 python:latest prod app',
      // COPY --from an image serves the build, as in a Dockerfile.
      '11:21-11:32 python:3.11 build app',
      '13:12-13:23 postgres:16 prod db',
    ]);
    for (const r of out.references) expect(slice(text, r.range)).toBe(r.text);
    const [build, final, copy] = out.references;
    expect(build).toMatchObject({
      kind: 'dockerfile-from',
      dockerStage: { index: 0, name: 'build', isFinal: false },
      embedded: { key: 'services.app.build.dockerfile_inline', exact: true },
    });
    expect(final).toMatchObject({ kind: 'dockerfile-from', dockerStage: { index: 1, isFinal: true } });
    expect(copy?.kind).toBe('dockerfile-copy-from');
    expect(out.stageCopies.map((c) => [c.range.startLine, c.stageIndex, c.fromStageIndex])).toEqual([
      [10, 1, 0],
    ]);
    expect(out.embeddedDockerfiles).toEqual([
      {
        file: 'compose.yaml',
        key: 'services.app.build.dockerfile_inline',
        exact: true,
        text: expect.stringMatching(/^FROM python:3\.12-slim AS build\n/),
      },
    ]);
    // The build is written in the file: no Dockerfile of the repository is linked.
    expect(out.builds).toEqual([]);
  });

  it('gives the stages a dev-named compose file, a configured stage and build.target give a Dockerfile', () => {
    expect(
      extractCompose('compose.dev.yaml', text, { devNamed: true }).references.map((r) => r.stage),
    ).toEqual(['dev', 'dev', 'dev', 'dev']);
    // A target named for development builds a development image.
    const dev = text.replace('      context: .', '      target: dev');
    expect(extractCompose('compose.yaml', dev).references.map((r) => r.stage)).toEqual([
      'dev',
      'dev',
      'dev',
      'prod',
    ]);
    expect(extractCompose('x.yaml', text, { configuredStage: 'ci' }).references.map((r) => r.stage)).toEqual([
      'ci',
      'ci',
      'ci',
      'ci',
    ]);
    const targeted = text.replace('      context: .', '      target: build');
    expect(extractCompose('compose.yaml', targeted).references.map((r) => r.stage)).toEqual([
      'prod',
      'build',
      'build',
      'prod',
    ]);
  });

  it('keeps the line structure of |-, |+, an indentation indicator and CRLF line ends', () => {
    for (const header of ['|-', '|+', '|2', '|4-']) {
      const src = [
        'services:',
        '  a:',
        '    build:',
        `      dockerfile_inline: ${header} # a comment`,
        '          FROM python:3.13-alpine',
        '',
        '          FROM python:3.12',
        '',
        '',
      ].join('\r\n');
      const out = extractCompose('compose.yaml', src);
      expect(out.diagnostics, header).toEqual([]);
      expect(out.references.map(placed), header).toEqual([
        '5:16-5:34 python:3.13-alpine build a',
        '7:16-7:27 python:3.12 prod a',
      ]);
      for (const r of out.references) expect(slice(src, r.range)).toBe(r.text);
    }
  });

  it('places a one-line value written as it reads, and the whole value of a folded or escaped one', () => {
    const src = [
      'services:',
      '  quoted:',
      '    build: { dockerfile_inline: "FROM python:3.10-slim" }',
      '  plain:',
      '    build:',
      "      dockerfile_inline: 'FROM python:3.9'",
      '  folded:',
      '    build:',
      '      dockerfile_inline: >',
      '        FROM python:3.11',
      '',
      '        RUN true',
      '  escaped:',
      '    build:',
      '      dockerfile_inline: "FROM python:3.8\\nRUN true"',
    ].join('\n');
    const out = extractCompose('compose.yaml', src);
    expect(out.diagnostics).toEqual([]);
    expect(out.references.map((r) => [placed(r), r.embedded?.exact])).toEqual([
      ['3:39-3:55 python:3.10-slim prod quoted', true],
      ['6:32-6:42 python:3.9 prod plain', true],
      // Folded: YAML joins the lines, so only the value as a whole is placed (from its `>`).
      ['9:26-12:17 python:3.11 prod folded', false],
      ['15:26-15:53 python:3.8 prod escaped', false],
    ]);
    expect(slice(src, out.references[0]!.range)).toBe('python:3.10-slim');
    expect(slice(src, out.references[1]!.range)).toBe('python:3.9');
  });

  it('applies build.args and the configuration over ARG defaults, and compose interpolation before the ARGs', () => {
    const src = [
      'services:', // 1
      '  escaped:',
      '    build:',
      '      dockerfile_inline: |',
      '        ARG V=3.12', // 5
      '        FROM python:$${V}-slim',
      '  composed:',
      '    build:',
      '      dockerfile_inline: |',
      '        ARG V=3.12', // 10
      '        FROM python:${V}',
      '  args:',
      '    build:',
      '      args:',
      '        V: "3.13"', // 15
      '      dockerfile_inline: |',
      '        ARG V=3.12',
      '        FROM python:$${V}',
    ].join('\n');
    const out = extractCompose('compose.yaml', src);
    const [escaped, composed, args] = out.references;
    // `$${V}` reaches the build as `${V}`: the Dockerfile's ARG, whose default is on line 5.
    expect(escaped).toMatchObject({ text: 'python:$${V}-slim', resolved: 'python:3.12-slim' });
    expect(
      escaped!.origins!.map((o) => [o.source, o.name, o.value, o.range?.startLine, o.range?.startColumn]),
    ).toEqual([['arg-default', 'V', '3.12', 5, 15]]);
    expect(slice(src, escaped!.origins![0]!.range!)).toBe('3.12');
    // `${V}` is compose's own variable, replaced before the build: unknown without a .env value.
    expect(composed).toMatchObject({ text: 'python:${V}', unresolved: ['V'] });
    expect(args).toMatchObject({ resolved: 'python:3.13' });
    expect(args!.origins![0]).toMatchObject({ source: 'compose-build-arg', name: 'V', file: 'compose.yaml' });

    const env = new Map([['V', { kind: 'known' as const, value: '3.11', origins: [] }]]);
    expect(extractCompose('compose.yaml', src, { env }).references[1]).toMatchObject({
      resolved: 'python:3.11',
    });
    const config = [
      { name: 'V', value: '3.14', origin: { name: 'V', value: '3.14', source: 'config-build-arg' as const } },
    ];
    expect(
      extractCompose('compose.yaml', src, { buildArgs: config }).references.map((r) => r.resolved),
    ).toEqual(['python:3.14-slim', undefined, 'python:3.14']);
  });

  it('reads pragmas inside the block as a Dockerfile does, and YAML comments before the key', () => {
    const src = [
      'services:', // 1
      '  a:',
      '    build:',
      '      # pybase: ignore=PB002',
      '      dockerfile_inline: |', // 5
      '        # pybase: ignore=PB001',
      '        FROM python:latest \\',
      '          AS base',
      '        FROM python:3.12 # pybase: ignore=PB003',
      '        # pybase: ignore-file=PB004', // 10
      '  b:',
      '    image: python:3.11 # pybase: ignore=PB003',
    ].join('\n');
    const out = extractCompose('compose.yaml', src);
    expect(out.pragmas).toEqual([
      // Before the key: the key and the block under it (up to its last line that is not a comment).
      {
        file: 'compose.yaml',
        line: 4,
        codes: ['PB002'],
        scope: 'next',
        target: { startLine: 5, endLine: 9 },
      },
      // In the Dockerfile: the next instruction with its continuation line.
      {
        file: 'compose.yaml',
        line: 6,
        codes: ['PB001'],
        scope: 'next',
        target: { startLine: 7, endLine: 8 },
      },
      // `ignore-file` in an inline Dockerfile covers that Dockerfile, not the compose file.
      {
        file: 'compose.yaml',
        line: 10,
        codes: ['PB004'],
        scope: 'next',
        target: { startLine: 6, endLine: 10 },
      },
      {
        file: 'compose.yaml',
        line: 12,
        codes: ['PB003'],
        scope: 'next',
        target: { startLine: 12, endLine: 12 },
      },
    ]);
  });

  it('reads a value two services share through an alias once, and what is not a Dockerfile not at all', () => {
    const src = [
      'x-df: &df |',
      '  FROM python:3.12-slim',
      'x-not-a-build:',
      '  dockerfile_inline: "FROM python:latest"',
      'services:',
      '  a:',
      '    build:',
      '      dockerfile_inline: *df',
      '  b:',
      '    build:',
      '      dockerfile_inline: *df',
      '  c:',
      '    build:',
      '      dockerfile_inline: |',
      '        # FROM python:latest',
      '        RUN <<EOF',
      '        FROM python:latest',
      '        EOF',
      '        FROM python:3.13-slim',
      '    image: python:3.8',
    ].join('\n');
    const out = extractCompose('compose.yaml', src);
    expect(out.diagnostics).toEqual([]);
    expect(out.references.map(placed)).toEqual([
      '2:8-2:24 python:3.12-slim prod a',
      '19:14-19:30 python:3.13-slim prod c',
    ]);
    expect(out.embeddedDockerfiles.map((d) => d.key)).toEqual([
      'services.a.build.dockerfile_inline',
      'services.c.build.dockerfile_inline',
    ]);
  });

  it('reports a broken inline Dockerfile at its compose line and reads what comes before', () => {
    const src = [
      'services:',
      '  app:',
      '    build:',
      '      dockerfile_inline: |',
      '        FROM python:3.12-slim',
      '        RUN <<EOF',
      '        echo never closed',
      '        FROM python:latest',
    ].join('\n');
    const out = extractCompose('compose.yaml', src);
    expect(out.references.map(placed)).toEqual(['5:14-5:30 python:3.12-slim prod app']);
    expect(out.diagnostics).toEqual([
      {
        code: 'PBE006',
        severity: 'error',
        message:
          'compose.yaml:6: cannot parse: services.app.build.dockerfile_inline: heredoc <<EOF is never closed; the rest of the Dockerfile is read as its body',
        location: { file: 'compose.yaml', startLine: 6, startColumn: 13, endLine: 6, endColumn: 13 },
        hint: 'end the heredoc with a line holding only EOF',
      },
    ]);
  });

  it('reports a value that is not a string, and a build that also names a dockerfile', () => {
    const src = [
      'services:',
      '  a:',
      '    build:',
      '      dockerfile_inline: [FROM python:latest]',
      '  b:',
      '    build:',
      '      dockerfile: Dockerfile',
      '      dockerfile_inline: FROM python:3.12',
    ].join('\n');
    const out = extractCompose('compose.yaml', src);
    expect(out.diagnostics.map((d) => [d.code, d.severity, d.location?.startLine, d.message])).toEqual([
      [
        'PBE006',
        'warning',
        4,
        'compose.yaml:4: services.a.build.dockerfile_inline is not a string; the Dockerfile is not read',
      ],
      [
        'PBE006',
        'warning',
        7,
        'compose.yaml:7: services.b.build sets both dockerfile and dockerfile_inline, which compose refuses; pybase reads dockerfile_inline',
      ],
    ]);
    expect(out.references.map((r) => r.text)).toEqual(['python:3.12']);
    expect(out.builds).toEqual([]);
  });
});
