import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliAsync } from '../hardening/support.js';
import { type IndexServer, startIndexServer } from '../support/index-server.js';

// The package index named in the configuration is used for look-ups; --index-url and PIP_INDEX_URL win.
describe('index-url in the configuration', () => {
  let server: IndexServer;
  let other: IndexServer;
  let dir: string;
  beforeAll(async () => {
    server = await startIndexServer();
    other = await startIndexServer();
    dir = mkdtempSync(path.join(tmpdir(), 'pybase-index-config-'));
    writeFileSync(path.join(dir, 'requirements.txt'), 'numpy==1.26.4\n');
    writeFileSync(path.join(dir, 'pybase.toml'), `index-url = "${server.indexUrl}"\n`);
  });
  afterAll(async () => {
    await server?.close();
    await other?.close();
  });

  const env = () => ({
    XDG_CACHE_HOME: mkdtempSync(path.join(tmpdir(), 'pybase-cache-')),
    PIP_INDEX_URL: '',
  });

  it('deps looks packages up in the configured index', async () => {
    const r = await runCliAsync(['deps', dir, '--date', '2026-08-20', '--json'], { env: env() });
    expect(r.status, r.stderr).toBe(0);
    expect(server.requests.some((q) => q.path === '/simple/numpy/')).toBe(true);
    const report = JSON.parse(r.stdout);
    const numpy = report.images[0].packages.find((p: { name: string }) => p.name === 'numpy');
    expect(numpy.verdict).not.toBe('unknown');
  });

  it('--index-url wins over the configuration', async () => {
    const before = server.requests.length;
    const r = await runCliAsync(
      ['deps', dir, '--date', '2026-08-20', '--json', '--index-url', other.indexUrl],
      {
        env: env(),
      },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(other.requests.some((q) => q.path === '/simple/numpy/')).toBe(true);
    expect(server.requests.length).toBe(before);
  });
});
