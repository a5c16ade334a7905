import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClosableFetcher, createDefaultFetcher, createHttpClient } from './http.js';

// The default fetcher against a local server sending compressed bodies: what fetch did for pybase
// (ask for compression, decode it, keep the headers as sent) must still happen.
describe('default fetcher: content codings', () => {
  const text = JSON.stringify({ files: Array.from({ length: 200 }, (_, i) => `pkg-${i}-1.0.0.tar.gz`) });
  const plain = Buffer.from(text);
  const bodies: Record<string, [string | undefined, Buffer]> = {
    '/gzip': ['gzip', gzipSync(plain)],
    '/x-gzip': ['x-gzip', gzipSync(plain)],
    '/br': ['br', brotliCompressSync(plain)],
    '/deflate': ['deflate', deflateSync(plain)],
    // Listed in the order applied: gzip first, then br around it.
    '/gzip-br': ['gzip, br', brotliCompressSync(gzipSync(plain))],
    '/unknown': ['compress', plain],
    '/identity': [undefined, plain],
  };
  let server: Server;
  let origin: string;
  let fetcher: ClosableFetcher;
  let lastHeaders: IncomingHttpHeaders = {};

  beforeAll(async () => {
    server = createServer((req, res) => {
      lastHeaders = req.headers;
      const entry = bodies[req.url ?? ''];
      if (!entry) {
        res.writeHead(404).end();
        return;
      }
      const [coding, body] = entry;
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': String(body.byteLength),
        ...(coding ? { 'content-encoding': coding } : {}),
        'x-b': 'second',
        'x-a': 'first',
      });
      res.end(body);
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    fetcher = createDefaultFetcher({ proxyFromEnv: false });
  });
  afterAll(async () => {
    await fetcher.close();
    await new Promise((ok) => server.close(ok));
  });

  const client = () => createHttpClient({ fetcher, backoffBaseMs: 5, backoffMaxMs: 20 });

  it.each(['/gzip', '/x-gzip', '/br', '/deflate', '/gzip-br', '/identity'])(
    'decodes %s to the original bytes',
    async (path) => {
      const response = await client().request({ url: origin + path });
      expect(new TextDecoder().decode(response.body)).toBe(text);
      expect(response.headers['content-encoding']).toBe(bodies[path]?.[0]);
    },
  );

  it('passes a body with an unknown coding on as sent', async () => {
    const response = await client().request({ url: `${origin}/unknown` });
    expect(Buffer.from(response.body).equals(plain)).toBe(true);
  });

  it('asks for the codings fetch asks for over http, and accepts anything by default', async () => {
    await client().request({ url: `${origin}/identity` });
    expect(lastHeaders['accept-encoding']).toBe('gzip, deflate');
    expect(lastHeaders.accept).toBe('*/*');
    await client().request({ url: `${origin}/identity`, headers: { Accept: 'application/json' } });
    expect(lastHeaders.accept).toBe('application/json');
  });

  it('reads headers case-insensitively and lists them in name order', async () => {
    const response = await fetcher(`${origin}/identity`, {
      method: 'GET',
      headers: {},
      signal: new AbortController().signal,
      redirect: 'manual',
    });
    expect(response.headers.get('X-A')).toBe('first');
    const names: string[] = [];
    response.headers.forEach((_value, name) => {
      names.push(name);
    });
    expect(names).toEqual([...names].sort());
    expect(names).toContain('x-b');
    await response.body?.cancel?.();
  });
});
