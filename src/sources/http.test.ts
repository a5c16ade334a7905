import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { closedPort, type IndexServer, startIndexServer } from '../../test/support/index-server.js';
import { PybaseError } from '../model/diagnostic.js';
import {
  type ClosableFetcher,
  createDefaultFetcher,
  createHttpClient,
  type Fetcher,
  type FetcherInit,
  type HttpEvent,
  type HttpRequest,
  isNetworkError,
  networkErrorReason,
  offlineFetcher,
  parseRetryAfter,
  redact,
  redactText,
} from './http.js';

async function failure(promise: Promise<unknown>): Promise<PybaseError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof PybaseError) return error;
    throw error;
  }
  throw new Error('expected the request to fail');
}

describe('redact', () => {
  it('removes user name and password from URLs', () => {
    expect(redact('https://alice:s3cr3t@example.org/simple/')).toBe('https://example.org/simple/');
    expect(redact('https://__token__@example.org/simple/')).toBe('https://example.org/simple/');
  });

  it('hides secret-looking query parameters and keeps the others', () => {
    const out = redact('https://example.org/x?token=abc123&page=2&X-Amz-Signature=deadbeef');
    expect(out).not.toContain('abc123');
    expect(out).not.toContain('deadbeef');
    expect(out).toContain('page=2');
  });

  it('cleans text that is not a URL', () => {
    expect(redact('ftp-ish://bob:pw@host and more')).not.toContain('pw@');
    expect(redactText('see https://u:p4ss@h.example/ now', ['p4ss'])).toBe('see https://h.example/ now');
    expect(redactText('token hunter2 leaked', ['hunter2'])).toBe('token REDACTED leaked');
  });
});

describe('parseRetryAfter', () => {
  const now = Date.UTC(2024, 1, 6, 12, 0, 0);
  it('reads delay-seconds', () => {
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
  });
  it('reads an HTTP date relative to now', () => {
    expect(parseRetryAfter(new Date(now + 5000).toUTCString(), now)).toBe(5000);
    expect(parseRetryAfter(new Date(now - 5000).toUTCString(), now)).toBe(0);
  });
  it('ignores garbage', () => {
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-1', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});

describe('HTTP client against a local server', () => {
  let server: IndexServer;
  let fetcher: ClosableFetcher;
  const numpy = '/simple/numpy/';

  beforeAll(async () => {
    server = await startIndexServer();
    fetcher = createDefaultFetcher({ proxyFromEnv: false });
  });
  afterAll(async () => {
    await fetcher.close();
    await server.close();
  });
  afterEach(() => {
    server.behave(numpy, []);
    server.latencyMs = 0;
    server.requireAuth = undefined;
  });

  const client = (extra: Parameters<typeof createHttpClient>[0] = {}) =>
    createHttpClient({ fetcher, backoffBaseMs: 5, backoffMaxMs: 20, ...extra });
  const get = (path: string, extra: Partial<HttpRequest> = {}): HttpRequest => ({
    url: server.origin + path,
    ...extra,
  });

  it('fetches a page with headers and body', async () => {
    const response = await client().request(get(numpy, { headers: { accept: 'text/html' } }));
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(new TextDecoder().decode(response.body)).toContain('numpy-1.26.4.tar.gz');
    expect(response.attempts).toBe(1);
  });

  it('retries a 500 and then succeeds', async () => {
    server.behave(numpy, [{ kind: 'status', status: 500 }]);
    const before = server.hits(numpy);
    const events: HttpEvent[] = [];
    const response = await client({ onEvent: (e) => events.push(e) }).request(get(numpy));
    expect(response.status).toBe(200);
    expect(response.attempts).toBe(2);
    expect(server.hits(numpy) - before).toBe(2);
    expect(events.filter((e) => e.type === 'retry')).toHaveLength(1);
  });

  it('gives up after the configured retries with a diagnostic naming the host', async () => {
    server.behave(numpy, [{ kind: 'status', status: 503 }], { repeat: true });
    const before = server.hits(numpy);
    const error = await failure(client({ retries: 2 }).request(get(numpy)));
    expect(server.hits(numpy) - before).toBe(3);
    expect(error.diagnostic.code).toBe('PBE008');
    expect(networkErrorReason(error)).toBe('http-status');
    expect(error.diagnostic.message).toContain('503');
    expect(error.diagnostic.message).toContain('127.0.0.1');
    expect(error.diagnostic.hint).toMatch(/try again later/);
    expect(error.diagnostic.data?.attempts).toBe(3);
  });

  it('does not retry a 404 and returns it when the caller accepts it', async () => {
    const before = server.hits('/simple/nothing-here/');
    const response = await client().request(get('/simple/nothing-here/', { acceptStatus: [404] }));
    expect(response.status).toBe(404);
    const error = await failure(client().request(get('/simple/nothing-here/')));
    expect(networkErrorReason(error)).toBe('http-status');
    expect(server.hits('/simple/nothing-here/') - before).toBe(2);
  });

  it('honours Retry-After in seconds on 429', async () => {
    server.behave(numpy, [{ kind: 'status', status: 429, headers: { 'retry-after': '1' } }]);
    const events: HttpEvent[] = [];
    const started = performance.now();
    const response = await client({ onEvent: (e) => events.push(e) }).request(get(numpy));
    const elapsed = performance.now() - started;
    expect(response.status).toBe(200);
    expect(elapsed).toBeGreaterThanOrEqual(950);
    expect(events.find((e) => e.type === 'retry')).toMatchObject({ delayMs: 1000 });
  });

  it('honours Retry-After as an HTTP date', async () => {
    const fixedNow = Math.floor(Date.now() / 1000) * 1000;
    const retryAt = new Date(fixedNow + 1000).toUTCString();
    server.behave(numpy, [{ kind: 'status', status: 429, headers: { 'retry-after': retryAt } }]);
    const events: HttpEvent[] = [];
    const response = await client({ clock: { now: () => fixedNow }, onEvent: (e) => events.push(e) }).request(
      get(numpy),
    );
    expect(response.status).toBe(200);
    expect(events.find((e) => e.type === 'retry')).toMatchObject({ delayMs: 1000 });
  });

  it('fails at once when Retry-After lies beyond the deadline', async () => {
    server.behave(numpy, [{ kind: 'status', status: 429, headers: { 'retry-after': '3600' } }]);
    const started = performance.now();
    const error = await failure(client({ deadlineMs: 2000 }).request(get(numpy)));
    expect(performance.now() - started).toBeLessThan(1000);
    expect(networkErrorReason(error)).toBe('rate-limited');
    expect(error.diagnostic.message).toMatch(/3600 s/);
  });

  it('follows redirects, relative and absolute', async () => {
    server.behave('/old/numpy/', [{ kind: 'redirect', to: '/mid/numpy/', status: 301 }]);
    server.behave('/mid/numpy/', [{ kind: 'redirect', to: `${server.origin}${numpy}`, status: 308 }]);
    const response = await client().request(get('/old/numpy/'));
    expect(response.status).toBe(200);
    expect(response.url).toBe(server.origin + numpy);
    expect(response.redirects).toBe(2);
  });

  it('detects a redirect loop', async () => {
    server.behave('/loop/a/', [{ kind: 'redirect', to: '/loop/b/' }], { repeat: true });
    server.behave('/loop/b/', [{ kind: 'redirect', to: '/loop/a/' }], { repeat: true });
    const error = await failure(client().request(get('/loop/a/')));
    expect(networkErrorReason(error)).toBe('redirect-loop');
    expect(server.hits('/loop/a/')).toBe(1);
    expect(server.hits('/loop/b/')).toBe(1);
  });

  it('stops after the redirect limit', async () => {
    for (let i = 0; i < 5; i++) server.behave(`/hop/${i}/`, [{ kind: 'redirect', to: `/hop/${i + 1}/` }]);
    const error = await failure(client({ maxRedirects: 3 }).request(get('/hop/0/')));
    expect(networkErrorReason(error)).toBe('too-many-redirects');
    expect(server.hits('/hop/4/')).toBe(0);
  });

  it('times out a slow attempt and reports a timeout after retries', async () => {
    server.behave(numpy, [{ kind: 'delay', ms: 1500 }], { repeat: true });
    const started = performance.now();
    const error = await failure(client({ timeoutMs: 150, retries: 1 }).request(get(numpy)));
    expect(performance.now() - started).toBeLessThan(1200);
    expect(networkErrorReason(error)).toBe('timeout');
    expect(error.diagnostic.data?.attempts).toBe(2);
  });

  it('stops a slow response at the total deadline', async () => {
    server.behave(numpy, [{ kind: 'delay', ms: 3000 }], { repeat: true });
    const started = performance.now();
    const error = await failure(client({ deadlineMs: 300 }).request(get(numpy)));
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(1500);
    expect(networkErrorReason(error)).toBe('deadline');
    expect(error.diagnostic.message).toMatch(/300 ms/);
  });

  it('adds per-request latency without failing inside the timeout', async () => {
    server.latencyMs = 100;
    const started = performance.now();
    const response = await client({ timeoutMs: 2000 }).request(get(numpy));
    expect(response.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(90);
  });

  it('reports a truncated body, and retries it when allowed', async () => {
    server.behave(numpy, [{ kind: 'truncate' }]);
    const error = await failure(client({ retries: 0 }).request(get(numpy)));
    expect(networkErrorReason(error)).toBe('truncated');

    server.behave(numpy, [{ kind: 'truncate' }]);
    const response = await client({ retries: 1 }).request(get(numpy));
    expect(response.status).toBe(200);
    expect(response.attempts).toBe(2);
  });

  it('refuses a body over the size limit without retrying', async () => {
    server.behave(numpy, [{ kind: 'oversize', bytes: 2 * 1024 * 1024 }], { repeat: true });
    const before = server.hits(numpy);
    const error = await failure(client({ maxBodyBytes: 100_000 }).request(get(numpy)));
    expect(networkErrorReason(error)).toBe('too-large');
    expect(server.hits(numpy) - before).toBe(1);
  });

  it('checks the content type when asked', async () => {
    server.behave(numpy, [{ kind: 'content-type', type: 'text/plain' }]);
    const error = await failure(
      client().request(get(numpy, { contentTypes: ['application/json', 'text/html'] })),
    );
    expect(networkErrorReason(error)).toBe('content-type');
    expect(error.diagnostic.message).toContain('text/plain');
  });

  it('reports a refused connection after retrying', async () => {
    const port = await closedPort();
    const events: HttpEvent[] = [];
    const error = await failure(
      client({ retries: 2, onEvent: (e) => events.push(e) }).request({
        url: `http://127.0.0.1:${port}/simple/`,
      }),
    );
    expect(networkErrorReason(error)).toBe('connection');
    expect(error.diagnostic.message).toContain(`127.0.0.1:${port}`);
    expect(error.diagnostic.data?.errorCode).toBe('ECONNREFUSED');
    expect(events.filter((e) => e.type === 'attempt')).toHaveLength(3);
  });

  it('sends URL credentials as Basic auth and never shows them', async () => {
    server.requireAuth = { username: 'alice', password: 'pa$$word-123' };
    const ok = await client().request({
      url: `http://alice:pa%24%24word-123@127.0.0.1:${new URL(server.origin).port}${numpy}`,
    });
    expect(ok.status).toBe(200);
    expect(ok.url).not.toContain('alice');

    const wrong = `http://alice:WRONG-secret@127.0.0.1:${new URL(server.origin).port}${numpy}`;
    const error = await failure(client().request({ url: wrong }));
    expect(networkErrorReason(error)).toBe('unauthorized');
    expect(JSON.stringify(error.diagnostic)).not.toContain('WRONG-secret');
    expect(error.message).not.toContain('WRONG-secret');
    expect(JSON.stringify(error.diagnostic)).not.toContain(
      Buffer.from('alice:WRONG-secret').toString('base64'),
    );
    expect(error.diagnostic.hint).toMatch(/rejected/);

    const anonymous = await failure(client().request(get(numpy)));
    expect(anonymous.diagnostic.hint).toMatch(/netrc/);
  });

  it('can be cancelled by the caller', async () => {
    server.behave(numpy, [{ kind: 'delay', ms: 2000 }]);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const error = await failure(client().request(get(numpy, { signal: controller.signal })));
    expect(networkErrorReason(error)).toBe('cancelled');
  });
});

describe('HTTP client with a scripted fetcher', () => {
  const respond = (status: number, headers: Record<string, string> = {}, body = '') =>
    new Response(status === 304 || (status >= 300 && status < 400) ? null : body, { status, headers });

  it('drops credentials when a redirect leaves the origin', async () => {
    const seen: Array<{ url: string; init: FetcherInit }> = [];
    const fetcher: Fetcher = async (url, init) => {
      seen.push({ url, init });
      if (url.startsWith('https://index.example/')) {
        return respond(302, { location: 'https://files.example/simple/numpy/' });
      }
      return respond(200, { 'content-type': 'text/html' }, '<html></html>');
    };
    const events: HttpEvent[] = [];
    const client = createHttpClient({ fetcher, onEvent: (e) => events.push(e) });
    const response = await client.request({ url: 'https://bob:hunter2@index.example/simple/numpy/' });
    expect(events.map((e) => e.type)).toEqual(['attempt', 'redirect', 'attempt', 'response']);
    expect(JSON.stringify(events)).not.toMatch(/hunter2|bob|Basic/);
    expect(response.url).toBe('https://files.example/simple/numpy/');
    expect(seen[0]?.url).toBe('https://index.example/simple/numpy/');
    expect(seen[0]?.init.headers.authorization).toBe(
      `Basic ${Buffer.from('bob:hunter2').toString('base64')}`,
    );
    expect(seen[1]?.init.headers.authorization).toBeUndefined();
    expect(seen.every((s) => s.init.redirect === 'manual')).toBe(true);
  });

  it('gives up at once on a host that does not resolve or a certificate that does not verify, and retries a resolver hiccup', async () => {
    const failing = (code: string) => {
      let calls = 0;
      const fetcher: Fetcher = async () => {
        calls++;
        throw Object.assign(new TypeError('fetch failed'), {
          cause: Object.assign(new Error(`${code}: simulated`), { code }),
        });
      };
      return { fetcher, calls: () => calls };
    };
    for (const [code, attempts] of [
      ['ENOTFOUND', 1],
      ['CERT_HAS_EXPIRED', 1],
      ['DEPTH_ZERO_SELF_SIGNED_CERT', 1],
      ['ERR_SSL_WRONG_VERSION_NUMBER', 1],
      ['EAI_AGAIN', 3],
      ['ECONNREFUSED', 3],
    ] as const) {
      const f = failing(code);
      const client = createHttpClient({ fetcher: f.fetcher, retries: 2, backoffBaseMs: 1 });
      const error = await failure(client.request({ url: 'https://index.example/simple/' }));
      expect(networkErrorReason(error), code).toBe('connection');
      expect(f.calls(), code).toBe(attempts);
      if (code === 'ENOTFOUND') expect(error.diagnostic.hint).toContain('index.example does not resolve');
    }
  });

  it('rejects a redirect without Location and a non-http scheme', async () => {
    const client = createHttpClient({ fetcher: async () => respond(302) });
    const error = await failure(client.request({ url: 'https://index.example/a' }));
    expect(networkErrorReason(error)).toBe('bad-redirect');
    const fileRedirect = createHttpClient({
      fetcher: async () => respond(302, { location: 'file:///etc/passwd' }),
    });
    expect(networkErrorReason(await failure(fileRedirect.request({ url: 'https://index.example/a' })))).toBe(
      'bad-redirect',
    );
  });

  it('rejects invalid and unsupported URLs before fetching', async () => {
    const fetcher = vi.fn<Fetcher>();
    const client = createHttpClient({ fetcher });
    expect(networkErrorReason(await failure(client.request({ url: 'not a url' })))).toBe('invalid-url');
    expect(networkErrorReason(await failure(client.request({ url: 'ftp://example.org/' })))).toBe(
      'invalid-url',
    );
    expect(fetcher).not.toHaveBeenCalled();
  });

  it('uses jittered exponential backoff between retries', async () => {
    let calls = 0;
    const fetcher: Fetcher = async () => {
      calls++;
      return calls < 4 ? respond(502) : respond(200, {}, 'ok');
    };
    const events: HttpEvent[] = [];
    const client = createHttpClient({
      fetcher,
      backoffBaseMs: 10,
      backoffMaxMs: 1000,
      random: () => 1,
      onEvent: (e) => events.push(e),
    });
    await client.request({ url: 'https://index.example/' });
    const delays = events.flatMap((e) => (e.type === 'retry' ? [e.delayMs] : []));
    expect(delays).toEqual([10, 20, 40]);
    const lowEvents: HttpEvent[] = [];
    const low = createHttpClient({
      fetcher: async () => respond(500),
      retries: 1,
      backoffBaseMs: 10,
      random: () => 0,
      onEvent: (e) => lowEvents.push(e),
    });
    await failure(low.request({ url: 'https://index.example/' }));
    expect(lowEvents.find((e) => e.type === 'retry')).toMatchObject({ delayMs: 5 });
  });

  it('scrubs credentials from lower-level error messages', async () => {
    const fetcher: Fetcher = async (url) => {
      throw new TypeError(`fetch failed for https://carol:opensesame@${new URL(url).host}/ (opensesame)`);
    };
    const client = createHttpClient({ fetcher, retries: 0 });
    const error = await failure(client.request({ url: 'https://carol:opensesame@index.example/simple/' }));
    expect(networkErrorReason(error)).toBe('connection');
    expect(JSON.stringify(error.diagnostic)).not.toContain('opensesame');
    expect(error.message).not.toContain('opensesame');
  });
});

describe('offline fetcher', () => {
  it('throws a typed error and opens no socket', async () => {
    const connect = vi.spyOn(net.Socket.prototype, 'connect').mockImplementation(() => {
      throw new Error('a socket was opened');
    });
    try {
      const client = createHttpClient({ fetcher: offlineFetcher });
      expect(client.offline).toBe(true);
      const error = await failure(client.request({ url: 'https://user:pw@pypi.org/simple/numpy/' }));
      expect(isNetworkError(error, 'offline')).toBe(true);
      expect(error.diagnostic.message).toContain('https://pypi.org/simple/numpy/');
      expect(error.diagnostic.message).not.toContain('pw');
      expect(connect).not.toHaveBeenCalled();
    } finally {
      connect.mockRestore();
    }
  });
});
