import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

describe('pybase tag (built CLI)', () => {
  it('describes a floating tag at a date', () => {
    const r = runCli(['tag', 'python:3.12-slim', '--date', '2025-06-01']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/resolves to\s+3\.12\.\d+-slim-bookworm/);
    expect(r.stdout).toMatch(/libc\s+glibc 2\.36/);
    const later = runCli(['tag', '3.12-slim', '--date', '2025-09-01']);
    expect(later.stdout).toMatch(/resolves to\s+3\.12\.\d+-slim-trixie/);
  });

  it('exits 1 for an end-of-life Python and a tag no longer published', () => {
    const r = runCli(['tag', 'python:3.9-alpine', '--date', '2026-11-27']);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/no longer published since 20\d\d-\d\d-\d\d/);
    expect(r.stdout).toMatch(/Python 3\.9 reached its end of life/);
  });

  it('exits 1 for a tag not yet published at the date, without calling it no longer published', () => {
    const r = runCli(['tag', 'python:3.12-slim', '--date', '2023-01-01']);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('was not yet published at 2023-01-01 (first listed 2023-10-03)');
    expect(r.stdout).not.toMatch(/no longer published|PB00[1-57]/);
  });

  it('suggests the nearest real tags for a typo', () => {
    const r = runCli(['tag', 'python:3.12-slim-bookwork', '--date', '2026-11-27']);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('did you mean 3.12-slim-bookworm');
  });

  it('prints JSON with a schema version', () => {
    const r = runCli(['tag', 'docker.io/library/python:3.13-alpine3.23', '--date', '2026-08-20', '--json']);
    expect(r.status).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.schemaVersion).toBe(1);
    expect(json.ref.registry).toBe('docker.io');
    expect(json.libc.family).toBe('musl');
    expect(json.resolution.fullTag).toMatch(/^3\.13\.\d+-alpine3\.23$/);
  });

  it('gives one-line errors with a hint and exit 2 for bad input', () => {
    for (const args of [
      ['tag'],
      ['tag', '--bogus', 'x'],
      ['tag', 'python:3.12', '--date', '2026-02-30'],
      ['tag', 'python@sha256:abc'],
      ['nope'],
    ]) {
      const r = runCli(args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(/^pybase: error: .+\n {2}hint: .+\n$/);
    }
  });

  it('prints the version and help', () => {
    expect(runCli(['--version']).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    const help = runCli(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('tag');
    expect(runCli(['tag', '--help']).stdout).toContain('Usage: pybase tag');
  });
});

describe('pybase tags (built CLI)', () => {
  it('lists the images of a filter grouped by minor and variant', () => {
    const r = runCli(['tags', '3.12', '--date', '2026-08-20']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Python 3\.12 · slim/);
    expect(r.stdout).toMatch(/3\.12\.\d+-slim-trixie\s+supported/);
    expect(r.stdout).not.toMatch(/3\.13\./);
  });

  it('filters by architecture and emits JSON', () => {
    const r = runCli(['tags', 'alpine', '--arch', 'linux/arm/v6', '--date', '2026-08-20', '--json']);
    const json = JSON.parse(r.stdout);
    expect(json.images.length).toBeGreaterThan(0);
    for (const image of json.images) {
      expect(image.variant).toBe('alpine');
      expect(image.architectures).toContain('arm32v6');
    }
    expect(runCli(['tags', '--arch', 'sparc']).status).toBe(2);
  });
});

describe('data age', () => {
  it('tag and tags say how old the data is when it is older than 90 days, and not before', () => {
    const old = runCli(['tag', 'python:3.12-slim', '--date', '2026-11-27']);
    expect(old.stdout).toMatch(/data is from 2026-08-\d\d, \d+ days before 2026-11-27/);
    const fresh = runCli(['tag', 'python:3.12-slim', '--date', '2026-08-25']);
    expect(fresh.stdout).not.toMatch(/days before/);
    const tags = runCli(['tags', '3.12-slim', '--date', '2026-11-27']);
    expect(tags.stdout).toMatch(/data is from 2026-08-\d\d, \d+ days before 2026-11-27/);
    const json = JSON.parse(runCli(['tags', '3.12-slim', '--date', '2026-11-27', '--json']).stdout);
    expect(json.dataAge.stale).toBe(true);
  });

  it('every other command that answers from the data notes its age on stderr, past 90 days only', () => {
    for (const args of [
      ['recommend', 'examples/reports-api', '--offline'],
      ['deps', 'examples/reports-api', '--offline'],
      ['fix', 'examples/reports-api', '--dry-run'],
      ['renovate', 'examples/reports-api'],
    ]) {
      const old = runCli([...args, '--date', '2026-11-27']);
      expect(old.stderr, args[0]).toMatch(/note: the data is \d+ days old at 2026-11-27/);
      expect(
        () => JSON.parse(runCli([...args, '--date', '2026-11-27', '--json']).stdout),
        args[0],
      ).not.toThrow();
      const fresh = runCli([...args, '--date', '2026-08-25']);
      expect(fresh.stderr, args[0]).not.toMatch(/days old/);
    }
  });
});
