import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Io } from '../io.js';
import { command } from './data.js';

function fakeIo(now: string): Io & { stdout: string[] } {
  const stdout: string[] = [];
  return {
    stdout,
    out: (t) => stdout.push(t),
    err: () => {},
    stdoutIsTTY: false,
    stderrIsTTY: false,
    color: false,
    cwd: '/',
    env: {},
    now: new Date(now),
  };
}

describe('pybase data', () => {
  it('status of an empty data directory reports the embedded snapshot and warns about old sources', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pybase-data-cli-'));
    const io = fakeIo('2027-06-01T12:00:00Z');
    expect(await command.run(['status', '--data-dir', dir], io)).toBe(0);
    const text = io.stdout.join('');
    expect(text).toContain(`Data directory: ${dir}`);
    expect(text).toContain('In use: embedded snapshot');
    expect(text).toMatch(/warning: tag-list: \d+ days old/);
    const json = fakeIo('2026-08-25T00:00:00Z');
    await command.run(['status', '--data-dir', dir, '--json'], json);
    const parsed = JSON.parse(json.stdout.join(''));
    expect(parsed.active).toBe('embedded');
    expect(parsed.warnings).toEqual([]);
  });

  it('status shows a registry tag list that was never fetched as such, not as refreshed data of unknown date', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pybase-data-cli-'));
    writeFileSync(
      join(dir, 'status.json'),
      JSON.stringify({
        format: 1,
        updated: '2026-11-20',
        sources: {
          'registry-tags': { url: 'docker.io/library/python', failed: '2026-11-20', error: 'timed out' },
        },
      }),
    );
    const io = fakeIo('2026-11-27T12:00:00Z');
    await command.run(['status', '--data-dir', dir], io);
    const text = io.stdout.join('');
    expect(text).toMatch(/^registry-tags +never fetched +- +-$/m);
    expect(text).not.toContain('?');
    expect(text).toContain(
      "warning: registry-tags: never fetched (the last attempt failed on 2026-11-20: timed out); run 'pybase data update'",
    );
    const json = fakeIo('2026-11-27T12:00:00Z');
    await command.run(['status', '--data-dir', dir, '--json'], json);
    const registry = JSON.parse(json.stdout.join('')).sources.find(
      (s: { name: string }) => s.name === 'registry-tags',
    );
    expect(registry).toMatchObject({ origin: 'none', stale: true, lastFailed: '2026-11-20' });
  });

  it('rejects a missing or unknown action and update with --offline', async () => {
    const io = fakeIo('2026-09-01T00:00:00Z');
    await expect(command.run([], io)).rejects.toMatchObject({ diagnostic: { code: 'PBE001' } });
    await expect(command.run(['refresh'], io)).rejects.toThrow(/unknown action 'refresh'/);
    await expect(command.run(['update', '--offline'], io)).rejects.toThrow(/--offline/);
  });
});
