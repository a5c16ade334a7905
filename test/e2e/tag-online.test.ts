import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { type PushedSet, pushPythonImages } from '../support/python-images.js';
import { type RegistryHarness, requireRegistry, startRegistry } from '../support/registry.js';

describe.runIf(requireRegistry())('pybase tag --online against a real registry on loopback', () => {
  let registry: RegistryHarness;
  let pushed: PushedSet;

  beforeAll(async () => {
    registry = await startRegistry('none');
    pushed = await pushPythonImages(registry);
  });
  afterAll(async () => {
    await registry?.stop();
  });

  it('adds the live digest, per-platform digests and the created date', () => {
    const ref = `${registry.host}/library/python:3.12-slim`;
    const r = runCli(['tag', ref, '--online', '--date', '2026-08-20', '--json'], {
      env: { HOME: '/nonexistent' },
    });
    expect(r.stderr).toBe('');
    const json = JSON.parse(r.stdout);
    expect(json.online.digest).toBe(pushed.slim.digest);
    expect(json.online.createdDate).toBe('2026-08-13');
    expect(json.online.pythonVersion).toBe('3.12.14');
    expect(json.online.platforms.map((p: { arch?: string }) => p.arch)).toEqual(
      expect.arrayContaining(['amd64', 'arm64v8', 'arm32v7']),
    );
    expect(json.online.pinned).toBe(`${ref}@${pushed.slim.digest}`);
    // The catalog part still describes the official tag.
    expect(json.resolution.fullTag).toMatch(/^3\.12\.\d+-slim-trixie$/);
  });

  it('tells whether a pinned digest is still current, in text', () => {
    const stale = `sha256:${'1'.repeat(64)}`;
    const r = runCli([
      'tag',
      `${registry.host}/library/python:3.12-slim@${stale}`,
      '--online',
      '--date',
      '2026-08-20',
    ]);
    expect(r.stdout).toContain(`digest   ${pushed.slim.digest}`);
    expect(r.stdout).toContain('NOT the current one');
  });

  it('names the registry when the tag does not exist there, and refuses --online with --offline', () => {
    const r = runCli([
      'tag',
      `${registry.host}/library/python:3.11-slim`,
      '--online',
      '--date',
      '2026-08-20',
    ]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(registry.host);
    expect(runCli(['tag', 'python:3.12', '--online', '--offline']).status).toBe(2);
  });
});
