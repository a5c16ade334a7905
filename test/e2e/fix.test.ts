import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '../../src/check/test-project.js';
import { cliPath } from '../support/cli.js';
import { tempDirs } from '../support/temp-dirs.js';

const temps = tempDirs();
const asRoot = process.getuid?.() === 0;

describe('pybase fix (built CLI)', () => {
  // Root reads every file; the unreadable file needs another user (uid 65534, nobody).
  it.skipIf(!asRoot)('exits 2 and names a file it cannot read, as a user without permission', () => {
    const dir = writeProject({
      'a/Dockerfile': 'FROM python:3.12.8-slim-bookworm\n',
      'b/Dockerfile': 'FROM python:3.13.7-slim-bookworm\n',
    });
    temps.push(dir);
    for (const d of [dir, join(dir, 'a'), join(dir, 'b')]) chmodSync(d, 0o755);
    chmodSync(join(dir, 'b/Dockerfile'), 0o644);
    chmodSync(join(dir, 'a/Dockerfile'), 0o000);
    const r = spawnSync(process.execPath, [cliPath, 'fix', '--check', '--offline', '--date', '2026-08-13'], {
      cwd: dir,
      uid: 65534,
      gid: 65534,
      env: { PATH: process.env.PATH ?? '', HOME: dir, NO_COLOR: '1' },
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^a\/Dockerfile:1:1 PBE005 warning cannot read: EACCES/m);
    expect(r.stderr).toMatch(
      /hint: check its permissions \(pybase only reads it\), or leave it out with --exclude/,
    );
    expect(r.stdout).toContain('+FROM python:3.13.15-slim-bookworm\n');
    expect(readFileSync(join(dir, 'b/Dockerfile'), 'utf8')).toBe('FROM python:3.13.7-slim-bookworm\n');
  });
});
