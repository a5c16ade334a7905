import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type IndexServer, startIndexServer } from '../../test/support/index-server.js';
import { PybaseError } from '../model/diagnostic.js';
import { cacheKeyOf, createHttpCache, resolveCacheDir } from './cache.js';
import {
  type ClosableFetcher,
  createDefaultFetcher,
  createHttpClient,
  type Fetcher,
  networkErrorReason,
  offlineFetcher,
} from './http.js';

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(join(entry.parentPath, entry.name));
  }
  return out;
}

describe('resolveCacheDir', () => {
  it('prefers an explicit directory', () => {
    expect(resolveCacheDir({ cacheDir: '/tmp/x', env: { XDG_CACHE_HOME: '/xdg' }, homedir: '/home/u' })).toBe(
      '/tmp/x',
    );
  });
  it('uses an absolute XDG_CACHE_HOME', () => {
    expect(resolveCacheDir({ env: { XDG_CACHE_HOME: '/xdg' }, homedir: '/home/u' })).toBe(
      join('/xdg', 'pybase'),
    );
  });
  it('falls back to ~/.cache/pybase, ignoring a relative XDG_CACHE_HOME', () => {
    expect(resolveCacheDir({ env: {}, homedir: '/home/u' })).toBe(join('/home/u', '.cache', 'pybase'));
    expect(resolveCacheDir({ env: { XDG_CACHE_HOME: 'rel' }, homedir: '/home/u' })).toBe(
      join('/home/u', '.cache', 'pybase'),
    );
  });
});

describe('cacheKeyOf', () => {
  it('differs by Accept header and user, not by password', () => {
    const a = cacheKeyOf({ url: 'https://h/simple/x/', headers: { Accept: 'text/html' } });
    const b = cacheKeyOf({ url: 'https://h/simple/x/', headers: { accept: 'application/json' } });
    const c = cacheKeyOf({ url: 'https://u:one@h/simple/x/', headers: { accept: 'text/html' } });
    const d = cacheKeyOf({ url: 'https://u:two@h/simple/x/', headers: { accept: 'text/html' } });
    expect(a).not.toBe(b);
    expect(a).not.toBe(c);
    expect(c).toBe(d);
    expect(c).not.toContain('one');
  });
});

describe('HTTP cache against a local server', () => {
  let server: IndexServer;
  let fetcher: ClosableFetcher;
  let dir: string;
  let now: number;
  const clock = { now: () => now };
  const path = '/simple/numpy/';
  const request = () => ({ url: server.origin + path, headers: { accept: 'text/html' } });

  beforeAll(async () => {
    server = await startIndexServer();
    fetcher = createDefaultFetcher({ proxyFromEnv: false });
  });
  afterAll(async () => {
    await fetcher.close();
    await server.close();
  });
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pybase-cache-test-'));
    now = Date.UTC(2024, 5, 1);
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const client = () => createHttpClient({ fetcher, clock, backoffBaseMs: 5 });

  it('answers a second request from disk within the TTL', async () => {
    const cache = createHttpCache({ cacheDir: dir, ttlMs: 60_000, clock });
    const before = server.hits(path);
    const first = await cache.fetch(client(), request());
    expect(first.source).toBe('network');
    now += 30_000;
    const second = await createHttpCache({ cacheDir: dir, ttlMs: 60_000, clock }).fetch(client(), request());
    expect(second.source).toBe('cache');
    expect(second.ageMs).toBe(30_000);
    expect(second.response.body).toEqual(first.response.body);
    expect(second.response.headers['content-type']).toBe(first.response.headers['content-type']);
    expect(server.hits(path) - before).toBe(1);
  });

  it('revalidates a stale entry and reuses the body on 304', async () => {
    const cache = createHttpCache({ cacheDir: dir, ttlMs: 1000, clock });
    const first = await cache.fetch(client(), request());
    const etag = first.response.headers.etag;
    expect(etag).toBeTruthy();
    now += 5000;
    const second = await cache.fetch(client(), request());
    expect(second.source).toBe('revalidated');
    expect(second.response.body).toEqual(first.response.body);
    const last = server.requests.at(-1);
    expect(last?.ifNoneMatch).toBe(etag);
    expect(last?.ifModifiedSince).toBe(first.response.headers['last-modified']);
    // The 304 refreshed the entry: it is fresh again.
    now += 500;
    const hits = server.hits(path);
    expect((await cache.fetch(client(), request())).source).toBe('cache');
    expect(server.hits(path)).toBe(hits);
  });

  it('refetches the body when the server no longer matches the validator', async () => {
    const cache = createHttpCache({ cacheDir: dir, ttlMs: 1000, clock });
    const first = await cache.fetch(client(), request());
    const entry = await cache.read(cacheKeyOf(request()));
    expect(entry).toBeDefined();
    if (!entry) return;
    await cache.write({ ...entry, etag: '"outdated"', lastModified: undefined });
    now += 5000;
    const second = await cache.fetch(client(), request());
    expect(second.source).toBe('network');
    expect(server.requests.at(-1)?.ifNoneMatch).toBe('"outdated"');
    expect(second.response.body).toEqual(first.response.body);
  });

  it('answers offline from the cache whatever its age, and says so', async () => {
    const cache = createHttpCache({ cacheDir: dir, ttlMs: 1000, clock });
    const first = await cache.fetch(client(), request());
    now += 400 * 24 * 3600 * 1000;
    const offline = createHttpClient({ fetcher: offlineFetcher, clock });
    const answer = await cache.fetch(offline, request());
    expect(answer.source).toBe('offline-cache');
    expect(answer.ageMs).toBe(400 * 24 * 3600 * 1000);
    expect(answer.response.body).toEqual(first.response.body);
  });

  it('fails offline with a clear diagnostic when nothing is cached', async () => {
    const cache = createHttpCache({ cacheDir: dir, clock });
    const offline = createHttpClient({ fetcher: offlineFetcher, clock });
    const error = await cache.fetch(offline, request()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PybaseError);
    expect(networkErrorReason(error)).toBe('not-cached');
    expect((error as PybaseError).diagnostic.hint).toMatch(/without --offline/);
  });

  it('ignores a corrupt entry and fetches again', async () => {
    const cache = createHttpCache({ cacheDir: dir, ttlMs: 60_000, clock });
    const first = await cache.fetch(client(), request());
    const [file] = await listFiles(dir);
    expect(file).toBeDefined();
    if (!file) return;
    const raw = await readFile(file);
    const broken = Buffer.from(raw);
    broken[broken.length - 1] = (broken[broken.length - 1] ?? 0) ^ 0xff;
    await writeFile(file, broken);
    const hits = server.hits(path);
    const second = await cache.fetch(client(), request());
    expect(second.source).toBe('network');
    expect(second.response.body).toEqual(first.response.body);
    expect(server.hits(path)).toBe(hits + 1);

    await writeFile(file, 'not a cache entry at all');
    expect(await cache.read(cacheKeyOf(request()))).toBeUndefined();
    await writeFile(file, Buffer.concat([raw.subarray(0, 30)]));
    expect(await cache.read(cacheKeyOf(request()))).toBeUndefined();
  });

  it('writes atomically, leaving no temporary files', async () => {
    const cache = createHttpCache({ cacheDir: dir, ttlMs: 0, clock });
    await Promise.all(Array.from({ length: 5 }, () => cache.fetch(client(), request())));
    const files = await listFiles(dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/\.entry$/);
    expect(await cache.read(cacheKeyOf(request()))).toBeDefined();
  });

  it('keeps JSON and HTML answers apart', async () => {
    const cache = createHttpCache({ cacheDir: dir, ttlMs: 60_000, clock });
    const html = await cache.fetch(client(), request());
    const json = await cache.fetch(client(), {
      url: server.origin + path,
      headers: { accept: 'application/vnd.pypi.simple.v1+json' },
    });
    expect(html.response.headers['content-type']).toMatch(/text\/html/);
    expect(json.response.headers['content-type']).toBe('application/vnd.pypi.simple.v1+json');
    expect(json.source).toBe('network');
  });
});

describe('HTTP cache with a scripted fetcher', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pybase-cache-test-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('does not store a no-store answer, but stores an accepted 404', async () => {
    let calls = 0;
    const fetcher: Fetcher = async (url) => {
      calls++;
      if (url.endsWith('/private/')) {
        return new Response('secret', { status: 200, headers: { 'cache-control': 'no-store' } });
      }
      return new Response('missing', { status: 404 });
    };
    const client = createHttpClient({ fetcher });
    const cache = createHttpCache({ cacheDir: dir, ttlMs: 60_000 });
    await cache.fetch(client, { url: 'https://h.example/private/' });
    await cache.fetch(client, { url: 'https://h.example/private/' });
    expect(calls).toBe(2);
    const missing = await cache.fetch(client, { url: 'https://h.example/gone/', acceptStatus: [404] });
    expect(missing.response.status).toBe(404);
    const again = await cache.fetch(client, { url: 'https://h.example/gone/', acceptStatus: [404] });
    expect(again.source).toBe('cache');
    expect(again.response.status).toBe(404);
    expect(calls).toBe(3);
  });

  it('treats an entry fetched "in the future" as stale', async () => {
    let now = 10_000_000;
    let calls = 0;
    const fetcher: Fetcher = async () => {
      calls++;
      return new Response('body', { status: 200 });
    };
    const clock = { now: () => now };
    const cache = createHttpCache({ cacheDir: dir, ttlMs: 60_000, clock });
    await cache.fetch(createHttpClient({ fetcher, clock }), { url: 'https://h.example/x' });
    now -= 1000;
    const second = await cache.fetch(createHttpClient({ fetcher, clock }), { url: 'https://h.example/x' });
    expect(second.source).toBe('network');
    expect(calls).toBe(2);
  });

  it('does not fail the request when the cache cannot be written', async () => {
    const blocker = join(dir, 'file');
    await writeFile(blocker, 'x');
    const cache = createHttpCache({ cacheDir: join(blocker, 'sub') });
    const fetcher: Fetcher = async () => new Response('body', { status: 200 });
    const answer = await cache.fetch(createHttpClient({ fetcher }), { url: 'https://h.example/x' });
    expect(answer.source).toBe('network');
    expect(new TextDecoder().decode(answer.response.body)).toBe('body');
  });
});
