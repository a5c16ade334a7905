/**
 * An on-disk HTTP cache for GET requests.
 *
 * Each entry keeps the body, its ETag and Last-Modified validators and the time it was fetched. Within the
 * time-to-live an entry is answered from disk without any request; after it, the entry is revalidated with
 * `If-None-Match` / `If-Modified-Since` and a `304` reuses the stored body. With the offline fetcher the cache
 * answers whatever the entry's age (and says so through `source: 'offline-cache'`), and a miss is an error.
 *
 * One file per entry: a first line of JSON metadata, then the raw body. Writes go to a temporary file that
 * is renamed into place, so a reader sees either the old or the new entry, never half of one. An entry whose
 * metadata does not parse, or whose body length or SHA-256 does not match, is ignored and fetched again.
 */

import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type CacheDirOptions, resolveCacheDir } from './cache-dir.js';
import {
  type Clock,
  type HttpClient,
  type HttpRequest,
  type HttpResponse,
  networkError,
  redact,
  systemClock,
} from './http.js';

export const DEFAULT_CACHE_TTL_MS = 60 * 60 * 1000;

const formatLine = 'pybase-http-cache 1';

/** Where an answer came from. */
export type CacheSource = 'network' | 'cache' | 'revalidated' | 'offline-cache';

export { type CacheDirOptions, resolveCacheDir } from './cache-dir.js';

export interface CacheEntry {
  /** The request key the entry answers. */
  key: string;
  /** Redacted final URL. */
  url: string;
  status: number;
  contentType?: string;
  etag?: string;
  lastModified?: string;
  /** Milliseconds since the epoch, from the cache's clock. */
  fetchedAt: number;
  body: Uint8Array;
}

interface StoredMeta {
  key: string;
  url: string;
  status: number;
  contentType?: string;
  etag?: string;
  lastModified?: string;
  fetchedAt: number;
  bodyBytes: number;
  bodySha256: string;
}

export interface HttpCacheOptions extends CacheDirOptions {
  /** How long an entry is used without asking the server (default 1 hour). */
  ttlMs?: number;
  clock?: Clock;
}

export interface CachedResponse {
  response: HttpResponse;
  source: CacheSource;
  /** When the body was fetched or last confirmed by the server (ms since the epoch). */
  fetchedAt: number;
  ageMs: number;
}

export interface CachedRequest extends HttpRequest {
  /** Key override; by default method, redacted URL, Accept header and user name. */
  cacheKey?: string;
}

export interface HttpCache {
  readonly dir: string;
  readonly ttlMs: number;
  read(key: string): Promise<CacheEntry | undefined>;
  write(entry: CacheEntry): Promise<void>;
  /**
   * GET through the cache. Statuses in `request.acceptStatus` (for example 404) are cached like 200, so a
   * missing project is not asked for again within the TTL.
   */
  fetch(client: HttpClient, request: CachedRequest): Promise<CachedResponse>;
}

function sha256(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The default cache key of a request: it must differ whenever the server could answer differently. */
export function cacheKeyOf(request: HttpRequest): string {
  const accept = Object.entries(request.headers ?? {}).find(([name]) => name.toLowerCase() === 'accept')?.[1];
  let user = request.auth?.username ?? '';
  try {
    user ||= decodeURIComponent(new URL(request.url).username);
  } catch {
    // An invalid URL fails later, in the client, with a proper diagnostic.
  }
  return JSON.stringify([request.method ?? 'GET', redact(request.url), accept ?? '', user]);
}

export function createHttpCache(options: HttpCacheOptions = {}): HttpCache {
  const dir = resolveCacheDir(options);
  const ttlMs = options.ttlMs ?? DEFAULT_CACHE_TTL_MS;
  const clock = options.clock ?? systemClock;

  const pathOf = (key: string) => {
    const hash = sha256(key);
    return join(dir, 'http', hash.slice(0, 2), `${hash}.entry`);
  };

  async function read(key: string): Promise<CacheEntry | undefined> {
    let raw: Buffer;
    try {
      raw = await readFile(pathOf(key));
    } catch {
      return undefined;
    }
    return decodeEntry(raw, key);
  }

  async function write(entry: CacheEntry): Promise<void> {
    const file = pathOf(entry.key);
    const meta: StoredMeta = {
      key: entry.key,
      url: redact(entry.url),
      status: entry.status,
      ...(entry.contentType ? { contentType: entry.contentType } : {}),
      ...(entry.etag ? { etag: entry.etag } : {}),
      ...(entry.lastModified ? { lastModified: entry.lastModified } : {}),
      fetchedAt: entry.fetchedAt,
      bodyBytes: entry.body.byteLength,
      bodySha256: sha256(entry.body),
    };
    const header = Buffer.from(`${formatLine}\n${JSON.stringify(meta)}\n`, 'utf8');
    await mkdir(dirname(file), { recursive: true });
    const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await writeFile(temp, Buffer.concat([header, entry.body]));
      await rename(temp, file);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  async function fetchThrough(client: HttpClient, request: CachedRequest): Promise<CachedResponse> {
    const { cacheKey, ...plain } = request;
    const key = cacheKey ?? cacheKeyOf(plain);
    const entry = await read(key);
    const now = clock.now();

    // A fetch time in the future (clock changed) counts as stale rather than fresh forever.
    if (entry && now >= entry.fetchedAt && now - entry.fetchedAt < ttlMs) {
      return {
        response: toResponse(entry),
        source: 'cache',
        fetchedAt: entry.fetchedAt,
        ageMs: now - entry.fetchedAt,
      };
    }
    if (client.offline) {
      if (entry) {
        return {
          response: toResponse(entry),
          source: 'offline-cache',
          fetchedAt: entry.fetchedAt,
          ageMs: Math.max(0, now - entry.fetchedAt),
        };
      }
      throw networkError({
        reason: 'not-cached',
        url: plain.url,
        message: `offline mode: no cached copy of ${redact(plain.url)}`,
        hint: 'Run once without --offline to fill the cache, or drop --offline.',
      });
    }

    const headers: Record<string, string> = { ...(plain.headers ?? {}) };
    if (entry?.etag) headers['if-none-match'] = entry.etag;
    if (entry?.lastModified) headers['if-modified-since'] = entry.lastModified;
    const response = await client.request({ ...plain, method: 'GET', headers });
    const fetchedAt = clock.now();

    if (response.status === 304) {
      if (!entry) {
        throw networkError({
          reason: 'bad-response',
          url: response.url,
          status: 304,
          message: `GET ${redact(response.url)} answered 304 Not Modified to an unconditional request`,
          hint: `The server at ${new URL(response.url).host} is misbehaving; try again later.`,
        });
      }
      const refreshed: CacheEntry = {
        ...entry,
        fetchedAt,
        ...(response.headers.etag ? { etag: response.headers.etag } : {}),
        ...(response.headers['last-modified'] ? { lastModified: response.headers['last-modified'] } : {}),
      };
      await writeQuietly(refreshed);
      return { response: toResponse(refreshed), source: 'revalidated', fetchedAt, ageMs: 0 };
    }

    const cacheControl = (response.headers['cache-control'] ?? '').toLowerCase();
    if (!/\bno-store\b/.test(cacheControl)) {
      await writeQuietly({
        key,
        url: response.url,
        status: response.status,
        ...(response.headers['content-type'] ? { contentType: response.headers['content-type'] } : {}),
        ...(response.headers.etag ? { etag: response.headers.etag } : {}),
        ...(response.headers['last-modified'] ? { lastModified: response.headers['last-modified'] } : {}),
        fetchedAt,
        body: response.body,
      });
    }
    return { response, source: 'network', fetchedAt, ageMs: 0 };
  }

  /** A cache that cannot be written (read-only home, full disk) must not fail the look-up itself. */
  async function writeQuietly(entry: CacheEntry): Promise<void> {
    try {
      await write(entry);
    } catch {
      // Served from the network this time; the next run simply fetches again.
    }
  }

  return { dir, ttlMs, read, write, fetch: fetchThrough };
}

function toResponse(entry: CacheEntry): HttpResponse {
  const headers: Record<string, string> = {};
  if (entry.contentType) headers['content-type'] = entry.contentType;
  if (entry.etag) headers.etag = entry.etag;
  if (entry.lastModified) headers['last-modified'] = entry.lastModified;
  return { url: entry.url, status: entry.status, headers, body: entry.body, attempts: 0, redirects: 0 };
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** Parses a stored entry; anything unexpected means "not cached". */
function decodeEntry(raw: Buffer, key: string): CacheEntry | undefined {
  const first = raw.indexOf(0x0a);
  if (first < 0 || raw.subarray(0, first).toString('utf8') !== formatLine) return undefined;
  const second = raw.indexOf(0x0a, first + 1);
  if (second < 0) return undefined;
  let meta: unknown;
  try {
    meta = JSON.parse(raw.subarray(first + 1, second).toString('utf8'));
  } catch {
    return undefined;
  }
  if (!meta || typeof meta !== 'object') return undefined;
  const m = meta as Record<string, unknown>;
  if (
    m.key !== key ||
    typeof m.url !== 'string' ||
    typeof m.status !== 'number' ||
    typeof m.fetchedAt !== 'number' ||
    !Number.isFinite(m.fetchedAt) ||
    typeof m.bodyBytes !== 'number' ||
    typeof m.bodySha256 !== 'string'
  ) {
    return undefined;
  }
  const body = new Uint8Array(raw.subarray(second + 1));
  if (body.byteLength !== m.bodyBytes || sha256(body) !== m.bodySha256) return undefined;
  const contentType = optionalString(m.contentType);
  const etag = optionalString(m.etag);
  const lastModified = optionalString(m.lastModified);
  return {
    key,
    url: m.url,
    status: m.status,
    ...(contentType ? { contentType } : {}),
    ...(etag ? { etag } : {}),
    ...(lastModified ? { lastModified } : {}),
    fetchedAt: m.fetchedAt,
    body,
  };
}
