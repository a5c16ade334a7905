import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  closedPort,
  type IndexServer,
  manyProjects,
  projectPath,
  startIndexServer,
} from '../../test/support/index-server.js';
import { PybaseError } from '../model/diagnostic.js';
import { createHttpCache } from './cache.js';
import { type ClosableFetcher, createDefaultFetcher, networkErrorReason, offlineFetcher } from './http.js';
import { parseNetrc } from './netrc.js';
import {
  createIndexClient,
  type IndexClientOptions,
  type IndexProgress,
  type ProjectFiles,
  type ProjectLookup,
} from './package-index.js';

let fetcher: ClosableFetcher;
let cacheDir: string;

beforeAll(() => {
  fetcher = createDefaultFetcher({ proxyFromEnv: false });
});
afterAll(async () => {
  await fetcher.close();
});
beforeEach(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), 'pybase-index-cache-'));
});
afterEach(async () => {
  await rm(cacheDir, { recursive: true, force: true });
});

const fast = { backoffBaseMs: 5, backoffMaxMs: 20 };

function found(result: ProjectLookup): ProjectFiles {
  if (result.status !== 'found') throw new Error(`expected a found project, got ${JSON.stringify(result)}`);
  return result;
}

async function failure(promise: Promise<unknown>): Promise<PybaseError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof PybaseError) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

describe('index client: JSON and HTML pages', () => {
  let server: IndexServer;
  let htmlServer: IndexServer;

  beforeAll(async () => {
    server = await startIndexServer();
    htmlServer = await startIndexServer({ htmlOnly: true });
  });
  afterAll(async () => {
    await server.close();
    await htmlServer.close();
  });
  afterEach(() => {
    server.behave(projectPath('numpy'), []);
  });

  const client = (over: IndexClientOptions = {}) =>
    createIndexClient({ indexUrl: server.indexUrl, fetcher, http: fast, ...over });

  it('reads a PEP 691 JSON page', async () => {
    const result = found(await client().getProjectFiles('NumPy'));
    expect(result.format).toBe('json');
    expect(result.name).toBe('numpy');
    expect(result.versions).toEqual(['1.26.3', '1.26.4', '2.0.0']);
    const wheel = 'numpy-1.26.4-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl';
    const file = result.files.find((f) => f.filename === wheel);
    expect(file).toEqual({
      filename: wheel,
      url: `${server.origin}/files/${wheel}`,
      hashes: { sha256: server.sha256(wheel) },
      requiresPython: '>=3.9',
      yanked: false,
      uploadTime: '2024-02-05T23:51:51.000000Z',
      size: 0,
    });
    expect(result.files).toHaveLength(7);
    const request = server.requests.findLast((r) => r.path === '/simple/numpy/');
    expect(request?.accept).toMatch(/^application\/vnd\.pypi\.simple\.v1\+json/);
  });

  it('falls back to PEP 503 HTML and finds the same files', async () => {
    const fromJson = found(await client().getProjectFiles('typing-extensions'));
    const fromHtml = found(
      await createIndexClient({ indexUrl: htmlServer.indexUrl, fetcher }).getProjectFiles(
        'Typing_Extensions',
      ),
    );
    expect(fromHtml.format).toBe('html');
    expect(fromHtml.versions).toBeUndefined();
    const strip = (files: ProjectFiles['files'], origin: string) =>
      files.map((f) => ({
        filename: f.filename,
        url: f.url.replace(origin, ''),
        yanked: f.yanked,
        rp: f.requiresPython,
      }));
    expect(strip(fromHtml.files, htmlServer.origin)).toEqual(strip(fromJson.files, server.origin));
    // Hashes come from the fragment; each server generated its own file contents.
    for (const file of fromHtml.files) expect(file.hashes.sha256).toBe(htmlServer.sha256(file.filename));
  });

  it('reports yanked files with and without a reason, and requires-python, in both formats', async () => {
    for (const indexUrl of [server.indexUrl, htmlServer.indexUrl]) {
      const c = createIndexClient({ indexUrl, fetcher });
      const te = found(await c.getProjectFiles('typing_extensions'));
      expect(te.files.find((f) => f.filename.includes('4.11.0'))?.yanked).toBe(
        'broke Python 3.8 "<3.9" users',
      );
      expect(te.files.find((f) => f.filename.includes('4.10.0'))?.yanked).toBe(false);
      const crypto = found(await c.getProjectFiles('cryptography'));
      expect(crypto.files.find((f) => f.filename.includes('37.0.3'))?.yanked).toBe(true);
      const django = found(await c.getProjectFiles('django'));
      expect(django.files.find((f) => f.filename === 'Django-5.0.3-py3-none-any.whl')?.requiresPython).toBe(
        '>=3.10',
      );
    }
  });

  it('answers notFound for a project the index does not have', async () => {
    const result = await client().getProjectFiles('no-such-project');
    expect(result).toEqual({ status: 'notFound', name: 'no-such-project', searched: [server.indexUrl] });
  });

  it('searches extra indexes after the main one', async () => {
    const main = await startIndexServer({ projects: [] });
    try {
      const c = createIndexClient({ indexUrl: main.indexUrl, extraIndexUrls: [server.indexUrl], fetcher });
      const result = found(await c.getProjectFiles('django'));
      expect(result.indexUrl).toBe(server.indexUrl);
      expect(main.hits('/simple/django/')).toBe(1);
      const missing = await c.getProjectFiles('nope');
      expect(missing).toMatchObject({ status: 'notFound', searched: [main.indexUrl, server.indexUrl] });
      expect(c.indexUrls).toEqual([main.indexUrl, server.indexUrl]);
    } finally {
      await main.close();
    }
  });

  it('follows a redirected project page and resolves file URLs against the final URL', async () => {
    server.behave('/mirror/numpy/', [{ kind: 'redirect', to: '/simple/numpy/', status: 301 }]);
    const result = found(
      await createIndexClient({ indexUrl: `${server.origin}/mirror/`, fetcher }).getProjectFiles('numpy'),
    );
    expect(result.files[0]?.url.startsWith(`${server.origin}/files/`)).toBe(true);
  });

  it('fails on a redirect loop with a diagnostic', async () => {
    server.behave('/loop/numpy/', [{ kind: 'redirect', to: '/loop2/numpy/' }], { repeat: true });
    server.behave('/loop2/numpy/', [{ kind: 'redirect', to: '/loop/numpy/' }], { repeat: true });
    const error = await failure(
      createIndexClient({ indexUrl: `${server.origin}/loop/`, fetcher }).getProjectFiles('numpy'),
    );
    expect(networkErrorReason(error)).toBe('redirect-loop');
  });

  it('retries a 500 and then answers', async () => {
    server.behave(projectPath('numpy'), [{ kind: 'status', status: 500 }]);
    const before = server.hits(projectPath('numpy'));
    expect(found(await client().getProjectFiles('numpy')).files).toHaveLength(7);
    expect(server.hits(projectPath('numpy')) - before).toBe(2);
  });

  it('waits for Retry-After on 429', async () => {
    server.behave(projectPath('numpy'), [{ kind: 'status', status: 429, headers: { 'retry-after': '1' } }]);
    const started = performance.now();
    expect(found(await client().getProjectFiles('numpy')).name).toBe('numpy');
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('turns invalid JSON, a wrong content type and an oversized page into diagnostics', async () => {
    server.behave(projectPath('numpy'), [{ kind: 'invalid-json' }]);
    const invalid = await failure(client().getProjectFiles('numpy'));
    expect(networkErrorReason(invalid)).toBe('bad-response');
    expect(invalid.message).toMatch(/invalid JSON/);

    server.behave(projectPath('numpy'), [{ kind: 'content-type', type: 'application/octet-stream' }]);
    const wrongType = await failure(client().getProjectFiles('numpy'));
    expect(networkErrorReason(wrongType)).toBe('content-type');

    server.behave(projectPath('numpy'), [{ kind: 'oversize', bytes: 1024 * 1024 }]);
    const tooLarge = await failure(
      client({ http: { ...fast, maxBodyBytes: 64 * 1024 } }).getProjectFiles('numpy'),
    );
    expect(networkErrorReason(tooLarge)).toBe('too-large');
  });

  it('gives up on a slow index at the deadline', async () => {
    server.behave(projectPath('numpy'), [{ kind: 'delay', ms: 3000 }], { repeat: true });
    const started = performance.now();
    const error = await failure(client({ deadlineMs: 300 }).getProjectFiles('numpy'));
    expect(networkErrorReason(error)).toBe('deadline');
    expect(performance.now() - started).toBeLessThan(1500);
  });

  it('retries a truncated body', async () => {
    server.behave(projectPath('numpy'), [{ kind: 'truncate' }]);
    expect(found(await client().getProjectFiles('numpy')).files).toHaveLength(7);
    server.behave(projectPath('numpy'), [{ kind: 'truncate' }], { repeat: true });
    const error = await failure(client({ http: { ...fast, retries: 1 } }).getProjectFiles('numpy'));
    expect(networkErrorReason(error)).toBe('truncated');
  });

  it('reports a refused connection; lookupMany turns it into error results', async () => {
    const port = await closedPort();
    const c = createIndexClient({
      indexUrl: `http://127.0.0.1:${port}/simple/`,
      fetcher,
      http: { ...fast, retries: 1 },
    });
    const results = await c.lookupMany(['numpy', 'django']);
    expect(results.map((r) => r.status)).toEqual(['error', 'error']);
    const first = results[0];
    expect(first?.status === 'error' && first.diagnostic.code).toBe('PBE008');
    expect(first?.status === 'error' && first.diagnostic.message).toContain(`127.0.0.1:${port}`);
  });
});

describe('index client: concurrency and progress', () => {
  let server: IndexServer;
  const names = manyProjects(24).map((p) => p.name);

  beforeAll(async () => {
    server = await startIndexServer({ projects: manyProjects(24) });
    server.latencyMs = 40;
  });
  afterAll(async () => {
    await server.close();
  });

  it('keeps at most `concurrency` requests in flight at the server', async () => {
    server.maxInFlight = 0;
    const c = createIndexClient({ indexUrl: server.indexUrl, fetcher, concurrency: 4 });
    const results = await c.lookupMany(names);
    expect(results.every((r) => r.status === 'found')).toBe(true);
    expect(server.maxInFlight).toBeLessThanOrEqual(4);
    expect(server.maxInFlight).toBeGreaterThanOrEqual(2);
  });

  it('reports progress once per name, in completion order', async () => {
    const events: IndexProgress[] = [];
    const c = createIndexClient({ indexUrl: server.indexUrl, fetcher, concurrency: 8 });
    const results = await c.lookupMany([...names.slice(0, 10), 'not-there'], (p) => events.push(p));
    expect(events.map((e) => e.done)).toEqual(Array.from({ length: 11 }, (_, i) => i + 1));
    expect(events.every((e) => e.total === 11)).toBe(true);
    expect(new Set(events.map((e) => e.name))).toEqual(new Set([...names.slice(0, 10), 'not-there']));
    expect(events.find((e) => e.name === 'not-there')?.result.status).toBe('notFound');
    expect(results.map((r) => r.name)).toEqual([
      ...names.slice(0, 10).map((n) => n.replace('_', '-')),
      'not-there',
    ]);
  });
});

describe('index client: cache and offline', () => {
  let server: IndexServer;

  beforeAll(async () => {
    server = await startIndexServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('serves a second run from disk, then revalidates with 304 after the TTL', async () => {
    let now = Date.UTC(2024, 5, 1);
    const clock = { now: () => now };
    const make = () =>
      createIndexClient({
        indexUrl: server.indexUrl,
        fetcher,
        cache: createHttpCache({ cacheDir, ttlMs: 60_000, clock }),
        http: { clock },
      });
    const path = projectPath('django');
    const before = server.hits(path);
    const first = found(await make().getProjectFiles('Django'));
    expect(first.source).toBe('network');
    const second = found(await make().getProjectFiles('django'));
    expect(second.source).toBe('cache');
    expect(second.files).toEqual(first.files);
    expect(server.hits(path) - before).toBe(1);

    now += 120_000;
    const third = found(await make().getProjectFiles('django'));
    expect(third.source).toBe('revalidated');
    expect(third.files).toEqual(first.files);
    expect(third.fetchedAt).toBe(now);
    expect(server.hits(path) - before).toBe(2);
    expect(server.requests.findLast((r) => r.path === path)?.ifNoneMatch).toBeTruthy();
  });

  it('caches a missing project too', async () => {
    const cache = createHttpCache({ cacheDir });
    const before = server.hits('/simple/absent/');
    await createIndexClient({ indexUrl: server.indexUrl, fetcher, cache }).getProjectFiles('absent');
    const again = await createIndexClient({ indexUrl: server.indexUrl, fetcher, cache }).getProjectFiles(
      'absent',
    );
    expect(again.status).toBe('notFound');
    expect(server.hits('/simple/absent/') - before).toBe(1);
  });

  it('answers offline from the cache and opens no socket', async () => {
    const warm = createIndexClient({
      indexUrl: server.indexUrl,
      fetcher,
      cache: createHttpCache({ cacheDir }),
    });
    const online = found(await warm.getProjectFiles('numpy'));

    const connect = vi.spyOn(net.Socket.prototype, 'connect').mockImplementation(() => {
      throw new Error('offline mode opened a socket');
    });
    try {
      const offline = createIndexClient({
        indexUrl: server.indexUrl,
        fetcher: offlineFetcher,
        cache: createHttpCache({ cacheDir, ttlMs: 0 }),
      });
      const results = await offline.lookupMany(['numpy', 'django']);
      const numpy = found(results[0] as ProjectLookup);
      expect(numpy.source).toBe('offline-cache');
      expect(numpy.files).toEqual(online.files);
      const django = results[1];
      expect(django?.status).toBe('error');
      expect(django?.status === 'error' && django.diagnostic.data?.reason).toBe('not-cached');
      const noCache = await failure(
        createIndexClient({ indexUrl: server.indexUrl, fetcher: offlineFetcher }).getProjectFiles('numpy'),
      );
      expect(networkErrorReason(noCache)).toBe('offline');
      expect(connect).not.toHaveBeenCalled();
    } finally {
      connect.mockRestore();
    }
  });
});

describe('index client: credentials', () => {
  let server: IndexServer;
  const username = 'ci-bot';
  const password = 'Zx9!netrc-PASS';
  const urlPassword = 'url/pa:ss@word';

  beforeAll(async () => {
    server = await startIndexServer();
  });
  afterAll(async () => {
    await server.close();
  });
  afterEach(() => {
    server.requireAuth = undefined;
    server.behave(projectPath('numpy'), []);
  });

  const host = () => new URL(server.origin).host;
  const secrets = () => [
    password,
    urlPassword,
    encodeURIComponent(urlPassword),
    Buffer.from(`${username}:${password}`).toString('base64'),
    Buffer.from(`${username}:${urlPassword}`).toString('base64'),
  ];
  const expectNoSecret = (value: unknown) => {
    const text = JSON.stringify(value, (_key, v) =>
      v instanceof Error ? { message: v.message, stack: v.stack } : v,
    );
    for (const secret of secrets()) expect(text).not.toContain(secret);
  };

  it('sends netrc credentials as Basic auth', async () => {
    server.requireAuth = { username, password };
    const netrc = parseNetrc(`machine 127.0.0.1 login ${username} password ${password}\n`);
    const result = found(
      await createIndexClient({ indexUrl: server.indexUrl, fetcher, netrc }).getProjectFiles('numpy'),
    );
    expect(result.files).toHaveLength(7);
    expect(server.requests.at(-1)?.authorization).toBe(
      `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`,
    );
    expectNoSecret(result);
  });

  it('sends URL credentials and keeps them out of results', async () => {
    server.requireAuth = { username, password: urlPassword };
    const indexUrl = `http://${username}:${encodeURIComponent(urlPassword)}@${host()}/simple/`;
    const c = createIndexClient({ indexUrl, fetcher });
    const result = found(await c.getProjectFiles('numpy'));
    expect(result.indexUrl).toBe(server.indexUrl);
    expect(c.indexUrls).toEqual([server.indexUrl]);
    expectNoSecret(result);
    expectNoSecret(c.indexUrls);
  });

  it('never shows a credential in any error', async () => {
    server.requireAuth = { username, password: 'something-else' };
    const withUrl = createIndexClient({
      indexUrl: `http://${username}:${encodeURIComponent(urlPassword)}@${host()}/simple/`,
      fetcher,
      http: fast,
    });
    const withNetrc = createIndexClient({
      indexUrl: server.indexUrl,
      fetcher,
      netrc: parseNetrc(`machine 127.0.0.1 login ${username} password ${password}`),
      http: fast,
    });
    const errors: unknown[] = [];
    for (const c of [withUrl, withNetrc]) {
      const refused = await failure(c.getProjectFiles('numpy'));
      expect(networkErrorReason(refused)).toBe('unauthorized');
      expect(refused.diagnostic.hint).toMatch(/rejected/);
      errors.push(refused, refused.diagnostic);
      errors.push(...(await c.lookupMany(['django'])));
    }
    server.requireAuth = undefined;
    for (const kind of ['invalid-json', 'truncate'] as const) {
      server.behave(projectPath('numpy'), [{ kind }], { repeat: true });
      for (const c of [
        createIndexClient({
          indexUrl: `http://${username}:${encodeURIComponent(urlPassword)}@${host()}/simple/`,
          fetcher,
          http: { ...fast, retries: 0 },
        }),
        createIndexClient({
          indexUrl: server.indexUrl,
          fetcher,
          netrc: parseNetrc(`default login ${username} password ${password}`),
          http: { ...fast, retries: 0 },
        }),
      ]) {
        errors.push(await failure(c.getProjectFiles('numpy')));
      }
    }
    const port = await closedPort();
    errors.push(
      await failure(
        createIndexClient({
          indexUrl: `http://${username}:${encodeURIComponent(urlPassword)}@127.0.0.1:${port}/simple/`,
          fetcher,
          http: { ...fast, retries: 0 },
        }).getProjectFiles('numpy'),
      ),
    );
    expect(errors.length).toBeGreaterThanOrEqual(9);
    for (const error of errors) expectNoSecret(error);
    for (const error of errors.filter((e): e is PybaseError => e instanceof PybaseError)) {
      expect(error.message).toContain('127.0.0.1');
    }
  });

  it('asks for credentials when the index needs them and none are given', async () => {
    server.requireAuth = { username, password };
    const error = await failure(
      createIndexClient({ indexUrl: server.indexUrl, fetcher }).getProjectFiles('numpy'),
    );
    expect(networkErrorReason(error)).toBe('unauthorized');
    expect(error.diagnostic.hint).toMatch(/netrc/);
  });
});
