import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { type FaultServer, runCliAsync, startFaultServer } from './support.js';

// The CLI's --timeout bounds every network wait: a server that never answers, or trickles its body,
// ends the command after that long with one error line naming the host.
describe('--timeout on the command line', () => {
  let hang: FaultServer;
  let trickle: FaultServer;
  beforeAll(async () => {
    hang = await startFaultServer(() => ({ kind: 'hang' }));
    trickle = await startFaultServer(() => ({
      kind: 'trickle',
      intervalMs: 200,
      contentType: 'application/json',
    }));
  });
  afterAll(async () => {
    await hang?.close();
    await trickle?.close();
  });

  for (const [label, server] of [
    ['a server that never answers', () => hang],
    ['a body that trickles', () => trickle],
  ] as const) {
    it(`deps and recommend give up on ${label} after --timeout`, async () => {
      for (const command of ['deps', 'recommend']) {
        const started = Date.now();
        const r = await runCliAsync([
          command,
          'examples/reports-api',
          '--deps',
          'examples/reports-api/pyproject.toml',
          '--index-url',
          `${server().origin}/simple`,
          '--timeout',
          '1',
          '--date',
          '2026-11-27',
        ]);
        const elapsed = Date.now() - started;
        expect(elapsed, command).toBeLessThan(1000 + 6000);
        expect(r.status, command).toBe(2);
        expect(r.stderr, command).toContain(server().host);
        expect(r.stderr, command).not.toMatch(/\n\s+at /);
      }
    });
  }

  it('tag --online gives up on a registry that never answers', async () => {
    const started = Date.now();
    const r = await runCliAsync([
      'tag',
      `${hang.host}/library/python:3.12-slim`,
      '--online',
      '--timeout',
      '1',
    ]);
    expect(Date.now() - started).toBeLessThan(1000 + 6000);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(hang.host);
  });

  it('refuses a timeout that is not a number of seconds', () => {
    const r = runCli(['deps', 'examples/reports-api', '--timeout', 'soon']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--timeout must be a number of seconds');
  });
});
