import { describe, expect, it } from 'vitest';
import { extractCompose } from './extract.js';

const slice = (text: string, r: { startOffset?: number; endOffset?: number }) =>
  text.slice(r.startOffset, r.endOffset);

describe('extractCompose', () => {
  const text = [
    'x-base: &base',
    '  image: "python:3.11-slim"',
    'services:',
    '  api:',
    '    <<: *base',
    '  worker:',
    '    image: python:${PY:-3.12}-alpine',
    '  cache:',
    '    image: redis:${REDIS_TAG}',
    '  app:',
    '    image: myorg/app:latest',
    '    build:',
    '      context: ./backend',
    '      dockerfile: docker/Dockerfile.prod',
    '      target: runtime',
    '      args:',
    '        PYTHON_VERSION: "3.13"',
    '        DEBIAN: ${DEBIAN:-bookworm}',
    '        FROM_ENV:',
    '  tool:',
    '    build:',
    '      context: ../outside',
    '  short:',
    '    build: ./short',
    '  listed:',
    '    build:',
    '      context: .',
    '      args:',
    '        - "PY=3.10"',
  ].join('\n');

  it('extracts service images with exact ranges, following anchors and merge keys', () => {
    const { references, diagnostics } = extractCompose('docker-compose.yml', text);
    // `../outside` leaves the repository from a compose file at the root: said, not followed.
    expect(diagnostics.map((d) => [d.code, d.severity, d.message])).toEqual([
      [
        'PBE005',
        'info',
        "docker-compose.yml:22: the Dockerfile '../outside/Dockerfile' that service tool builds is outside the repository: not followed",
      ],
    ]);
    expect(
      references.map((r) => [r.service, r.text, r.resolved, r.unresolved, r.range.startLine, r.stage]),
    ).toEqual([
      ['api', 'python:3.11-slim', undefined, undefined, 2, 'prod'],
      ['worker', 'python:${PY:-3.12}-alpine', 'python:3.12-alpine', undefined, 7, 'prod'],
      ['cache', 'redis:${REDIS_TAG}', undefined, ['REDIS_TAG'], 9, 'prod'],
    ]);
    expect(slice(text, references[0]!.range)).toBe('python:3.11-slim');
  });

  it('links builds to their Dockerfiles with interpolated arguments and skips images that builds produce', () => {
    const { builds, references } = extractCompose('deploy/compose.yaml', text);
    expect(references.some((r) => r.service === 'app')).toBe(false);
    expect(builds.map((b) => [b.service, b.dockerfile, b.target])).toEqual([
      ['app', 'deploy/backend/docker/Dockerfile.prod', 'runtime'],
      ['tool', 'outside/Dockerfile', undefined],
      ['short', 'deploy/short/Dockerfile', undefined],
      ['listed', 'deploy/Dockerfile', undefined],
    ]);
    const app = builds[0]!;
    expect(app.args.map((a) => [a.name, a.value])).toEqual([
      ['PYTHON_VERSION', '3.13'],
      ['DEBIAN', 'bookworm'],
    ]);
    expect(slice(text, app.args[0]!.origin.range!)).toBe('3.13');
    const listed = builds[3]!.args[0]!;
    // From a compose file at the root, `../outside` leaves the repository: not linked.
    expect(extractCompose('compose.yaml', text).builds.map((b) => b.service)).toEqual([
      'app',
      'short',
      'listed',
    ]);
    expect([listed.name, listed.value, slice(text, listed.origin.range!)]).toEqual(['PY', '3.10', '3.10']);
  });

  it('uses the dev stage for dev-named files and reports invalid YAML with its line', () => {
    expect(extractCompose('docker-compose.dev.yml', text, { devNamed: true }).references[0]!.stage).toBe(
      'dev',
    );
    const bad = extractCompose('compose.yml', 'services:\n  a:\n    image: [python\n');
    expect(bad.references).toEqual([]);
    expect(bad.diagnostics[0]).toMatchObject({ code: 'PBE006', location: { file: 'compose.yml' } });
    expect(bad.diagnostics[0]!.location!.startLine).toBeGreaterThanOrEqual(3);
  });

  it('reads pragmas before a key', () => {
    const src =
      'services:\n  # pybase: ignore=PB002\n  web:\n    image: python:3.8\n  db:\n    image: postgres\n';
    expect(extractCompose('compose.yml', src).pragmas).toEqual([
      { file: 'compose.yml', line: 2, codes: ['PB002'], scope: 'next', target: { startLine: 3, endLine: 4 } },
    ]);
  });
});
