/**
 * Network faults against the registry client, the data update and the command line. Every server is on
 * 127.0.0.1; the one outside name used is under the reserved `.invalid` TLD, which never resolves.
 * (The package index client's faults are covered in src/sources/package-index.integration.test.ts.)
 */

import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSnapshot } from '../../src/data/snapshot.js';
import { PybaseError } from '../../src/model/diagnostic.js';
import { dataStatus, updateData } from '../../src/sources/data-update.js';
import { createDefaultFetcher, type HttpClientOptions } from '../../src/sources/http.js';
import { createRegistryClient, type RegistryClientOptions } from '../../src/sources/registry.js';
import { closedPort } from '../support/index-server.js';
import {
  type Fault,
  type FaultServer,
  runCliAsync,
  type SelfSignedServer,
  startFaultServer,
  startSelfSignedServer,
  trackUnhandled,
  unresolvableHost,
} from './support.js';

/** Short limits so every fault ends in about a second; the assertions allow this much more. */
const http: Omit<HttpClientOptions, 'fetcher'> = {
  timeoutMs: 300,
  deadlineMs: 1500,
  retries: 3,
  backoffBaseMs: 20,
  backoffMaxMs: 80,
};
const deadlineMs = http.deadlineMs as number;
const marginMs = 1500;
const secret = 'fault-s3cret-pw';

const indexDigest = `sha256:${'a'.repeat(64)}`;
const tagListBody = JSON.stringify({ name: 'library/python', tags: ['3.12-slim', '3.13-slim'] });
const manifestBody = JSON.stringify({
  schemaVersion: 2,
  mediaType: 'application/vnd.oci.image.index.v1+json',
  manifests: [
    {
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: indexDigest,
      size: 100,
      platform: { os: 'linux', architecture: 'amd64' },
    },
  ],
});

type Target = 'tags' | 'manifest' | 'token';

/** The faults every client meets; `expect` is the reason of the PybaseError, or 'ok' when a retry wins. */
const faults: { name: string; fault: (hit: number) => Fault | undefined; expect: string[] }[] = [
  { name: 'no answer at all', fault: () => ({ kind: 'hang' }), expect: ['timeout', 'deadline'] },
  {
    name: 'headers, then a body that trickles',
    fault: () => ({ kind: 'trickle', intervalMs: 50 }),
    expect: ['timeout', 'deadline'],
  },
  {
    name: 'a truncated body',
    fault: () => ({ kind: 'truncate', declared: 5000, sent: '{"tags": [' }),
    expect: ['truncated'],
  },
  { name: 'a connection closed without an answer', fault: () => ({ kind: 'reset' }), expect: ['connection'] },
  {
    name: '429 with Retry-After: 1, then success',
    fault: (hit) =>
      hit === 1 ? { kind: 'answer', status: 429, headers: { 'retry-after': '1' } } : undefined,
    expect: ['ok'],
  },
  {
    name: '429 with a Retry-After beyond the deadline',
    fault: () => ({ kind: 'answer', status: 429, headers: { 'retry-after': '3600' } }),
    expect: ['rate-limited'],
  },
  {
    name: '500, 502, 503, then success',
    fault: (hit) => (hit <= 3 ? { kind: 'answer', status: [500, 502, 503][hit - 1] as number } : undefined),
    expect: ['ok'],
  },
  { name: 'always 503', fault: () => ({ kind: 'answer', status: 503 }), expect: ['http-status'] },
  {
    name: 'invalid JSON',
    fault: () => ({
      kind: 'answer',
      headers: { 'content-type': 'application/json' },
      body: '{"tags": ["3.12-slim", ',
    }),
    expect: ['bad-response'],
  },
  {
    name: 'an HTML page instead of JSON',
    fault: () => ({
      kind: 'answer',
      headers: { 'content-type': 'text/html' },
      body: '<html><body>Sign in</body></html>',
    }),
    expect: ['bad-response'],
  },
  { name: 'a redirect loop', fault: () => ({ kind: 'redirect-loop' }), expect: ['redirect-loop'] },
  {
    name: 'an oversized body',
    fault: () => ({ kind: 'oversize', bytes: 17 * 1024 * 1024 }),
    expect: ['too-large'],
  },
];

/** A registry on the fault server: token auth, and `fault` on one endpoint. */
function registryScript(target: Target, fault: (hit: number) => Fault | undefined) {
  return (req: IncomingMessage, hit: number): Fault => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const host = req.headers.host ?? '';
    if (path === '/token') {
      const f = target === 'token' ? fault(hit) : undefined;
      return (
        f ?? {
          kind: 'answer',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ token: 'issued-token-value', expires_in: 300 }),
        }
      );
    }
    if (!req.headers.authorization?.startsWith('Bearer ')) {
      return {
        kind: 'answer',
        status: 401,
        headers: {
          'www-authenticate': `Bearer realm="http://${host}/token",service="fault",scope="repository:library/python:pull"`,
        },
      };
    }
    if (path.endsWith('/tags/list')) {
      return (
        (target === 'tags' ? fault(hit) : undefined) ?? {
          kind: 'answer',
          headers: { 'content-type': 'application/json' },
          body: tagListBody,
        }
      );
    }
    if (path.includes('/manifests/')) {
      return (
        (target === 'manifest' ? fault(hit) : undefined) ?? {
          kind: 'answer',
          headers: { 'content-type': 'application/vnd.oci.image.index.v1+json' },
          body: manifestBody,
        }
      );
    }
    return { kind: 'answer', status: 404 };
  };
}

/** Runs `work`, expecting a PBE008 error naming `host` within the deadline; returns the error. */
async function failsClearly(work: () => Promise<unknown>, host: string, limitMs = deadlineMs + marginMs) {
  const started = performance.now();
  const outcome = await work().then(
    () => undefined,
    (e: unknown) => e,
  );
  const elapsed = performance.now() - started;
  expect(outcome).toBeInstanceOf(PybaseError);
  const d = (outcome as PybaseError).diagnostic;
  expect(d.code).toBe('PBE008');
  expect(`${d.message}\n${d.hint ?? ''}`).toContain(host);
  expect(JSON.stringify(d)).not.toContain(secret);
  expect(elapsed).toBeLessThan(limitMs);
  return d;
}

const unhandled = trackUnhandled();
afterAll(() => {
  unhandled.stop();
  expect(unhandled.errors).toEqual([]);
});

describe('registry client under network faults', () => {
  let server: FaultServer;
  beforeAll(async () => {
    server = await startFaultServer(() => ({ kind: 'hang' }));
  });
  afterAll(async () => {
    await server?.close();
  });

  const clientFor = (extra: RegistryClientOptions = {}) =>
    createRegistryClient({
      http,
      credentials: { [server.host]: { username: 'someone', password: secret } },
      ...extra,
    });
  const operations: Record<Target, (host: string, extra?: RegistryClientOptions) => Promise<unknown>> = {
    tags: async (host, extra) => {
      const client = clientFor(extra);
      try {
        return await client.listTags(host, 'library/python');
      } finally {
        await client.close();
      }
    },
    manifest: async (host, extra) => {
      const client = clientFor(extra);
      try {
        return await client.getManifest(host, 'library/python', '3.12-slim');
      } finally {
        await client.close();
      }
    },
    token: async (host, extra) => {
      const client = clientFor(extra);
      try {
        return await client.listTags(host, 'library/python');
      } finally {
        await client.close();
      }
    },
  };

  for (const target of ['tags', 'manifest', 'token'] as const) {
    describe(`${target === 'token' ? 'token endpoint' : target === 'tags' ? 'tag list' : 'manifest'}`, () => {
      for (const { name, fault, expect: wanted } of faults) {
        it(name, async () => {
          server.script = registryScript(target, fault);
          if (wanted[0] === 'ok') {
            const started = performance.now();
            await expect(operations[target](server.host)).resolves.toBeTruthy();
            expect(performance.now() - started).toBeLessThan(deadlineMs + marginMs);
            return;
          }
          const d = await failsClearly(() => operations[target](server.host), server.host);
          expect(wanted).toContain(d.data?.reason);
          expect(JSON.stringify(d)).not.toContain('issued-token-value');
        });
      }
    });
  }

  it('a refused connection', async () => {
    const host = `127.0.0.1:${await closedPort()}`;
    const d = await failsClearly(() => operations.tags(host), host);
    expect(d.data?.reason).toBe('connection');
  });

  it('a host name that does not resolve, given up at once: another attempt cannot make it resolve', async () => {
    const d = await failsClearly(() => operations.tags(unresolvableHost), unresolvableHost);
    expect(d.data?.reason).toBe('connection');
    expect(d.data?.attempts).toBe(1);
    expect(d.hint).toContain(`${unresolvableHost} does not resolve`);
  });

  it('TLS spoken to a plain HTTP port', async () => {
    server.script = registryScript('tags', () => undefined);
    const d = await failsClearly(
      () => operations.tags('docker.io', { mirrors: { 'docker.io': `https://${server.host}` } }),
      server.host,
    );
    expect(d.data?.reason).toBe('connection');
  });

  describe('a self-signed certificate', () => {
    let tls: SelfSignedServer;
    beforeAll(async () => {
      tls = await startSelfSignedServer();
    });
    afterAll(async () => {
      await tls?.close();
    });
    it('is refused, naming the host', async () => {
      const d = await failsClearly(
        () => operations.manifest('docker.io', { mirrors: { 'docker.io': tls.origin } }),
        tls.host,
      );
      expect(d.data?.reason).toBe('connection');
      expect(d.message).toMatch(/certificate/i);
    });
  });
});

// ------------------------------------------------------------------------------------------ data update

const embedded = loadSnapshot();
/** An endoflife.date answer made from the embedded snapshot, for the cases where a retry succeeds. */
const pythonApi = JSON.stringify(
  embedded.python.cycles.map((c) => ({
    cycle: c.cycle,
    releaseDate: c.releaseDate,
    support: c.eoas,
    eol: c.eol,
    latest: c.latest,
    latestReleaseDate: c.latestReleaseDate,
    lts: false,
  })),
);

describe('data update under network faults', () => {
  let server: FaultServer;
  const fetcher = createDefaultFetcher({ proxyFromEnv: false });
  beforeAll(async () => {
    server = await startFaultServer(() => ({ kind: 'hang' }));
  });
  afterAll(async () => {
    await server?.close();
    await fetcher.close();
  });

  const update = (base: string, registry: string) => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'pybase-hardening-data-')), 'data');
    const started = performance.now();
    return updateData({
      fetcher,
      today: '2026-09-03',
      dataDir,
      http,
      endoflifeUrl: `${base}/api`,
      libraryPythonUrl: `${base}/library/python`,
      registry: { registry, options: { credentials: { [registry]: { username: 'u', password: secret } } } },
    }).then((result) => ({ result, dataDir, elapsed: performance.now() - started }));
  };
  // Five sources are asked one after the other, each within the deadline.
  const budget = 5 * deadlineMs + marginMs;

  for (const { name, fault, expect: wanted } of faults) {
    it(`${name}: ${wanted[0] === 'ok' ? 'the retry wins' : 'every source fails naming the host; the embedded snapshot stays in force'}`, async () => {
      server.script = (req, hit) => {
        const path = new URL(req.url ?? '/', 'http://x').pathname;
        if (path.startsWith('/v2/') || path === '/token') return registryScript('tags', fault)(req, hit);
        const f = fault(hit);
        if (f) return f;
        return path === '/api/python.json'
          ? { kind: 'answer', headers: { 'content-type': 'application/json' }, body: pythonApi }
          : { kind: 'answer', status: 404 };
      };
      const { result, dataDir, elapsed } = await update(server.origin, server.host);
      expect(elapsed).toBeLessThan(budget);
      const byName = Object.fromEntries(result.sources.map((s) => [s.name, s]));
      if (wanted[0] === 'ok') {
        expect(byName.python?.ok).toBe(true);
        expect(byName['registry-tags']).toMatchObject({ ok: true });
        return;
      }
      expect(result.sources).toHaveLength(5);
      for (const source of result.sources) {
        expect(source.ok).toBe(false);
        expect(source.error).toContain(server.host);
        expect(source.error).not.toContain(secret);
      }
      expect(existsSync(join(dataDir, 'snapshot.json'))).toBe(false);
      const status = await dataStatus({ dataDir, today: '2026-09-03' });
      expect(status.active).toBe('embedded');
      expect(readFileSync(join(dataDir, 'status.json'), 'utf8')).not.toContain(secret);
    });
  }

  it('refused, unresolvable and TLS failures keep the embedded snapshot, each error naming its host', async () => {
    const refused = `127.0.0.1:${await closedPort()}`;
    for (const [base, registry, host] of [
      [`http://${refused}`, refused, refused],
      [`http://${unresolvableHost}`, unresolvableHost, unresolvableHost],
      [`https://${server.host}`, `${unresolvableHost}:5000`, server.host],
    ] as const) {
      const { result, dataDir, elapsed } = await update(base, registry);
      expect(elapsed).toBeLessThan(budget);
      for (const source of result.sources) {
        expect(source.ok).toBe(false);
        expect(source.error).toContain(source.name === 'registry-tags' ? registry : host);
      }
      expect(existsSync(join(dataDir, 'snapshot.json'))).toBe(false);
    }
  });
});

// ------------------------------------------------------------------------------------------ the CLI

/** The error line and hint of a failed command: exit 2, one `pybase: error:` line naming the host. */
function expectCliError(r: { status: number | null; stderr: string }, host: string) {
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  expect(r.status).toBe(2);
  const lines = r.stderr.trimEnd().split('\n');
  const errorLines = lines.filter((l) => l.startsWith('pybase: error:'));
  expect(errorLines).toHaveLength(1);
  expect(errorLines[0]).toContain(host);
  expect(r.stderr).not.toContain(secret);
}

describe('the command line under network faults', () => {
  let server: FaultServer;
  let home: string;
  let project: string;
  beforeAll(async () => {
    server = await startFaultServer(() => ({ kind: 'hang' }));
    home = mkdtempSync(join(tmpdir(), 'pybase-hardening-home-'));
    project = mkdtempSync(join(tmpdir(), 'pybase-hardening-deps-'));
    // A plain pin names no files: deps must ask the index.
    writeFileSync(join(project, 'requirements.txt'), 'numpy==1.26.4\n');
  });
  afterAll(async () => {
    await server?.close();
  });
  const env = () => ({ HOME: home, XDG_CACHE_HOME: join(home, '.cache'), PIP_INDEX_URL: '' });
  // The CLI keeps its default limits (30 s per attempt, 120 s in all, 3 retries); these faults end well
  // inside them, within the backoff of the retries.
  const cliLimitMs = 15_000;

  const cliFaults: { name: string; fault: (hit: number) => Fault | undefined }[] = [
    { name: 'always 503', fault: () => ({ kind: 'answer', status: 503 }) },
    {
      name: '429 with a Retry-After beyond the deadline',
      fault: () => ({ kind: 'answer', status: 429, headers: { 'retry-after': '3600' } }),
    },
    {
      name: 'invalid JSON',
      fault: () => ({ kind: 'answer', headers: { 'content-type': 'application/json' }, body: '{"x": [' }),
    },
    { name: 'a redirect loop', fault: () => ({ kind: 'redirect-loop' }) },
    {
      name: 'a truncated body',
      fault: () => ({ kind: 'truncate', declared: 4000, sent: '{"schemaVersion": 2' }),
    },
    {
      name: 'an HTML page',
      fault: () => ({ kind: 'answer', headers: { 'content-type': 'text/html' }, body: '<html></html>' }),
    },
  ];

  for (const { name, fault } of cliFaults) {
    it(`pybase tag --online: ${name}`, async () => {
      server.script = registryScript('manifest', fault);
      const r = await runCliAsync(
        ['tag', `${server.host}/library/python:3.12-slim`, '--online', '--date', '2026-08-20'],
        { env: env() },
      );
      expect(r.elapsedMs).toBeLessThan(cliLimitMs);
      expectCliError(r, server.host);
    });

    it(`pybase deps --index-url: ${name}`, async () => {
      server.script = (_req, hit) => fault(hit) ?? { kind: 'answer', status: 404 };
      const r = await runCliAsync(
        ['deps', project, '--index-url', `${server.origin}/simple/`, '--date', '2026-08-20'],
        { env: env() },
      );
      expect(r.elapsedMs).toBeLessThan(cliLimitMs);
      expectCliError(r, server.host);
    });
  }

  it('pybase tag --online: refused and unresolvable registries', async () => {
    const refused = `127.0.0.1:${await closedPort()}`;
    for (const host of [refused, unresolvableHost]) {
      const r = await runCliAsync(['tag', `${host}/library/python:3.12-slim`, '--online'], { env: env() });
      expect(r.elapsedMs).toBeLessThan(cliLimitMs);
      expectCliError(r, host);
    }
  });

  it('pybase deps: refused, unresolvable and TLS-failing indexes', async () => {
    const refused = `127.0.0.1:${await closedPort()}`;
    for (const [url, host] of [
      [`http://${refused}/simple/`, refused],
      [`https://${unresolvableHost}/simple/`, unresolvableHost],
      [`https://${server.host}/simple/`, server.host],
    ] as const) {
      const r = await runCliAsync(['deps', project, '--index-url', url], { env: env() });
      expect(r.elapsedMs).toBeLessThan(cliLimitMs);
      expectCliError(r, host);
    }
  });

  it('pybase data update with faulty endpoints: exit 1, each source failed naming its host, embedded data kept', async () => {
    server.script = () => ({ kind: 'answer', status: 503 });
    const dataDir = join(home, 'data-update');
    const r = await runCliAsync(
      [
        'data',
        'update',
        '--data-dir',
        dataDir,
        '--endoflife-url',
        `${server.origin}/api`,
        '--library-url',
        `https://${server.host}/library/python`,
        '--registry',
        unresolvableHost,
      ],
      { env: env() },
    );
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(r.elapsedMs).toBeLessThan(cliLimitMs * 2);
    expect(r.status).toBe(1);
    const failed = r.stdout.split('\n').filter((l) => l.startsWith('failed'));
    expect(failed).toHaveLength(5);
    for (const line of failed) {
      expect(line).toMatch(new RegExp(`${server.host.replace(/\./g, '\\.')}|${unresolvableHost}`));
      expect(line).toContain('kept the previous data');
    }
    expect(existsSync(join(dataDir, 'snapshot.json'))).toBe(false);
    const status = await runCliAsync(['data', 'status', '--data-dir', dataDir, '--json'], { env: env() });
    expect(JSON.parse(status.stdout).active).toBe('embedded');
  });
});
