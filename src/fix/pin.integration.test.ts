/**
 * Digest pinning against a real registry (Debian's docker-registry on 127.0.0.1 with htpasswd Basic
 * auth), through the library and through the command line; no credential may show in any output.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slimTrixie } from '../../test/support/python-images.js';
import {
  type PushedImage,
  type RegistryHarness,
  requireRegistry,
  startRegistry,
  testUser,
} from '../../test/support/registry.js';
import { main } from '../cli/main.js';
import type { Fetcher, FetcherInit, FetcherResponse } from '../sources/http.js';
import { createRegistryClient } from '../sources/registry.js';
import { fixProject } from './index.js';
import { registryDigestResolver } from './registry-digest.js';

const available = requireRegistry();
const date = '2026-08-13';
const nodeFetcher: Fetcher = (url: string, init: FetcherInit) =>
  fetch(url, init) as unknown as Promise<FetcherResponse>;
const quick = { retries: 0, timeoutMs: 10_000 };
const wrongPassword = 'not-the-password-7f3a9c';
const temps: string[] = [];

function repoWith(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'pybase-pin-'));
  temps.push(dir);
  writeFileSync(join(dir, 'Dockerfile'), text);
  return dir;
}

describe.skipIf(!available)('pybase fix --pin-digest against a registry with Basic auth', () => {
  let harness: RegistryHarness;
  let pushed: PushedImage;

  beforeAll(async () => {
    harness = await startRegistry('basic');
    pushed = await harness.push(slimTrixie);
  }, 60_000);
  afterAll(async () => {
    await harness?.stop();
    for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('moves the tag and pins the digest the registry reports, then has nothing left to do', async () => {
    const dir = repoWith(`FROM ${harness.host}/library/python:3.12.11-slim-trixie\n`);
    const client = createRegistryClient({
      fetcher: nodeFetcher,
      http: quick,
      credentials: { [harness.host]: testUser },
    });
    const resolveDigest = registryDigestResolver(client);
    const result = await fixProject(dir, { date, pinDigest: true, resolveDigest });
    expect(result.plan.diagnostics).toEqual([]);
    expect(readFileSync(join(dir, 'Dockerfile'), 'utf8')).toBe(
      `FROM ${harness.host}/library/python:3.12.14-slim-trixie@${pushed.digest}\n`,
    );
    const again = await fixProject(dir, { date, pinDigest: true, resolveDigest });
    expect(again.plan.edits).toEqual([]);
    await client.close();
  });

  it('reports a refused login without the password, and pins nothing', async () => {
    const dir = repoWith(`FROM ${harness.host}/library/python:3.12.14-slim-trixie\n`);
    const client = createRegistryClient({
      fetcher: nodeFetcher,
      http: quick,
      credentials: { [harness.host]: { username: testUser.username, password: wrongPassword } },
    });
    const result = await fixProject(dir, {
      date,
      pinDigest: true,
      resolveDigest: registryDigestResolver(client),
    });
    await client.close();
    expect(result.plan.edits).toEqual([]);
    const shown = JSON.stringify(result.diagnostics);
    expect(shown).toContain('cannot resolve the digest');
    expect(shown).not.toContain(wrongPassword);
  });

  it('through the command line, with credentials from the docker configuration', async () => {
    const configDir = mkdtempSync(join(tmpdir(), 'pybase-docker-config-'));
    temps.push(configDir);
    mkdirSync(configDir, { recursive: true });
    const cli = async (dir: string, password: string) => {
      const auth = Buffer.from(`${testUser.username}:${password}`).toString('base64');
      writeFileSync(join(configDir, 'config.json'), JSON.stringify({ auths: { [harness.host]: { auth } } }));
      const out: string[] = [];
      const err: string[] = [];
      const code = await main(['fix', dir, '--pin-digest', '--date', date], {
        out: (t) => out.push(t),
        err: (t) => err.push(t),
        stdoutIsTTY: false,
        stderrIsTTY: false,
        color: false,
        cwd: dir,
        env: { DOCKER_CONFIG: configDir },
        now: new Date('2026-08-13T12:00:00Z'),
      });
      return { code, out: out.join(''), err: err.join(''), auth };
    };
    const ok = repoWith(`FROM ${harness.host}/library/python:3.12.11-slim-trixie\n`);
    const good = await cli(ok, testUser.password);
    expect(good.code).toBe(0);
    expect(readFileSync(join(ok, 'Dockerfile'), 'utf8')).toBe(
      `FROM ${harness.host}/library/python:3.12.14-slim-trixie@${pushed.digest}\n`,
    );
    expect(good.out + good.err).not.toContain(testUser.password);
    expect(good.out + good.err).not.toContain(good.auth);

    const refused = repoWith(`FROM ${harness.host}/library/python:3.12.14-slim-trixie\n`);
    const bad = await cli(refused, wrongPassword);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('cannot resolve the digest');
    expect(bad.out + bad.err).not.toContain(wrongPassword);
    expect(bad.out + bad.err).not.toContain(bad.auth);
  });
});
