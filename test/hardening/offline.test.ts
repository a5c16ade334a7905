/**
 * `--offline` opens no socket: every command of the CLI runs on the example project in a child process
 * preloaded with no-network-guard.mjs, which records and refuses every connection and DNS look-up.
 */

import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../../src/cli/main.js';
import { closedPort } from '../support/index-server.js';
import { repoRoot } from '../support/paths.js';
import { runCliAsync } from './support.js';

const guard = pathToFileURL(resolve(repoRoot, 'test', 'hardening', 'no-network-guard.mjs')).href;
const date = '2026-08-20';

let work: string;
let home: string;
let project: string;
let fixCopy: string;
let initCopy: string;

/** Runs under the guard; returns the result and what the guard recorded. */
async function guarded(args: string[]) {
  const log = join(work, `network-${Math.random().toString(36).slice(2)}.log`);
  writeFileSync(log, '');
  const r = await runCliAsync(args, {
    cwd: work,
    nodeArgs: ['--import', guard],
    env: {
      HOME: home,
      XDG_CACHE_HOME: join(home, '.cache'),
      PYBASE_NETWORK_LOG: log,
      // A proxy or index in the environment must not tempt any command either.
      HTTPS_PROXY: 'http://127.0.0.1:9',
      PIP_INDEX_URL: 'http://127.0.0.1:9/simple/',
    },
  });
  return { ...r, network: readFileSync(log, 'utf8') };
}

/**
 * Every command, with the runs that exercise it. Commands that never use the network also run without
 * --offline. A command added to the table in src/cli/main.ts without a line here fails the first test.
 */
const runs: Record<string, () => string[][]> = {
  tag: () => [['tag', 'python:3.12-slim', '--offline', '--date', date, '--json']],
  tags: () => [
    ['tags', '--offline', '--date', date],
    ['tags', '--date', date],
  ],
  check: () => [
    ['check', project, '--offline', '--date', date],
    ['check', project, '--date', date, '--format', 'sarif'],
  ],
  rules: () => [['rules', '--offline'], ['rules']],
  rule: () => [
    ['rule', 'PB001', '--offline'],
    ['rule', 'PB001'],
  ],
  fix: () => [
    ['fix', fixCopy, '--dry-run', '--offline', '--date', date],
    ['fix', fixCopy, '--check', '--bump', 'minor', '--offline', '--date', date, '--json'],
  ],
  recommend: () => [
    ['recommend', project, '--offline', '--date', date],
    ['recommend', project, '--offline', '--date', date, '--format', 'json', '--stage', 'prod'],
  ],
  deps: () => [
    ['deps', project, '--offline', '--date', date],
    ['deps', project, '--offline', '--date', date, '--image', '3.12-slim', '--json'],
  ],
  report: () => [
    ['report', project, '--html', '-', '--offline', '--date', date],
    ['report', project, '--html', '-', '--date', date],
  ],
  matrix: () => [
    ['matrix', project, '--offline', '--date', date, '--verify'],
    ['matrix', project, '--date', date, '--format', 'bake'],
  ],
  renovate: () => [
    ['renovate', project, '--offline', '--date', date],
    ['renovate', project, '--date', date],
  ],
  init: () => [['init', initCopy, '--offline', '--force', '--date', date]],
  data: () => [
    ['data', 'status', '--offline'],
    ['data', 'status', '--json'],
  ],
};

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'pybase-offline-'));
  home = join(work, 'home');
  project = join(work, 'reports-api');
  fixCopy = join(work, 'fix');
  initCopy = join(work, 'init');
  cpSync(resolve(repoRoot, 'examples', 'reports-api'), project, { recursive: true });
  cpSync(project, fixCopy, { recursive: true });
  cpSync(project, initCopy, { recursive: true });
});

describe('--offline opens no socket', () => {
  it('every command of the command table has runs here', () => {
    expect(Object.keys(runs).sort()).toEqual(Object.keys(commands).sort());
  });

  it('the guard catches a command that does reach for the network', async () => {
    const host = `127.0.0.1:${await closedPort()}`;
    const r = await guarded(['tag', `${host}/library/python:3.12-slim`, '--online']);
    expect(r.network).toMatch(/net\.|tls\.|dns\./);
    expect(r.status).toBe(2);
  });

  for (const [name, make] of Object.entries(runs)) {
    it(`pybase ${name}`, async () => {
      for (const args of make()) {
        const r = await guarded(args);
        const shown = `pybase ${args.join(' ')}\n${r.stderr}`;
        expect(r.network, shown).toBe('');
        expect(r.stderr, shown).not.toMatch(/internal error|network access in offline mode/);
        // 0 or 1 (findings); 2 would be a refusal, which none of these runs should meet.
        expect([0, 1], shown).toContain(r.status);
        expect(r.stdout.length, shown).toBeGreaterThan(0);
      }
    });
  }

  it('fix --dry-run/--check --offline wrote nothing; init --offline wrote its Dockerfile', async () => {
    expect(readFileSync(join(fixCopy, 'Dockerfile'), 'utf8')).toBe(
      readFileSync(join(project, 'Dockerfile'), 'utf8'),
    );
    expect(existsSync(join(initCopy, 'Dockerfile'))).toBe(true);
  });

  it('refuses clearly what cannot work offline, before any connection', async () => {
    for (const [args, words] of [
      [['data', 'update', '--offline'], /data update.*--offline/],
      [['fix', fixCopy, '--pin-digest', '--offline'], /--pin-digest.*--offline/],
      [['tag', 'python:3.12', '--online', '--offline'], /--online and --offline/],
    ] as const) {
      const r = await guarded([...args]);
      expect(r.network).toBe('');
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(words);
    }
  });
});
