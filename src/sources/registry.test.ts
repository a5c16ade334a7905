import { describe, expect, it } from 'vitest';
import type { Fetcher, FetcherInit, FetcherResponse } from './http.js';
import {
  archOfPlatform,
  canonicalLocation,
  createRegistryClient,
  nextLink,
  parseImageConfig,
  utcDateOf,
} from './registry.js';

function response(status: number, headers: Record<string, string>, body = ''): FetcherResponse {
  return new Response(status === 204 || status === 307 ? null : body, {
    status,
    headers,
  }) as unknown as FetcherResponse;
}

describe('registry naming', () => {
  it('maps Docker Hub names to registry-1.docker.io and adds library/', () => {
    expect(canonicalLocation(undefined, 'python')).toEqual({
      host: 'registry-1.docker.io',
      repository: 'library/python',
    });
    expect(canonicalLocation('index.docker.io', 'arm64v8/python')).toEqual({
      host: 'registry-1.docker.io',
      repository: 'arm64v8/python',
    });
    expect(canonicalLocation('Mirror.GCR.io', 'library/python')).toEqual({
      host: 'mirror.gcr.io',
      repository: 'library/python',
    });
  });

  it('maps OCI platforms to pybase architectures', () => {
    expect(archOfPlatform({ os: 'linux', architecture: 'arm64', variant: 'v8' })).toBe('arm64v8');
    expect(archOfPlatform({ os: 'linux', architecture: 'arm64' })).toBe('arm64v8');
    expect(archOfPlatform({ os: 'linux', architecture: 'arm', variant: 'v5' })).toBe('arm32v5');
    expect(archOfPlatform({ os: 'linux', architecture: '386' })).toBe('i386');
    expect(archOfPlatform({ os: 'windows', architecture: 'amd64', osVersion: '10.0.20348.1' })).toBe(
      'windows-amd64',
    );
    expect(archOfPlatform({ os: 'linux', architecture: 'loong64' })).toBeUndefined();
  });
});

describe('Link headers', () => {
  it('finds rel="next" among several links and resolves it', () => {
    const header =
      '<https://r.example/v2/x/tags/list?n=2&last=b>; rel="prev", </v2/library/python/tags/list?last=3.12&n=100>; rel="next"';
    expect(nextLink(header, 'https://registry-1.docker.io/v2/library/python/tags/list?n=100')).toBe(
      'https://registry-1.docker.io/v2/library/python/tags/list?last=3.12&n=100',
    );
    expect(nextLink('<https://a/next>; rel=next; title="x"', 'https://a/')).toBe('https://a/next');
    expect(nextLink('<https://a/p>; rel="prev"', 'https://a/')).toBeUndefined();
    expect(nextLink(undefined, 'https://a/')).toBeUndefined();
  });
});

describe('image config', () => {
  it('reads created, platform, Env and PYTHON_VERSION; later Env entries win', () => {
    const body = new TextEncoder().encode(
      JSON.stringify({
        created: '2026-08-13T18:02:11.123456789Z',
        os: 'linux',
        architecture: 'amd64',
        config: {
          Env: ['PYTHON_VERSION=3.12.13', 'NOEQUALS', 'PYTHON_VERSION=3.12.14'],
          Labels: { a: 'b', n: 1 },
        },
      }),
    );
    const config = parseImageConfig(body, 'sha256:x');
    expect(config).toMatchObject({
      created: '2026-08-13T18:02:11.123456789Z',
      os: 'linux',
      pythonVersion: '3.12.14',
    });
    expect(config?.labels).toEqual({ a: 'b' });
    expect(parseImageConfig(new TextEncoder().encode('[1'), 'sha256:x')).toBeUndefined();
  });

  it('turns timestamps into UTC dates', () => {
    expect(utcDateOf('2026-08-12T23:30:00-02:00')).toBe('2026-08-13');
    expect(utcDateOf('2026-08-13')).toBe('2026-08-13');
    expect(utcDateOf('yesterday')).toBeUndefined();
  });
});

describe('credential safety', () => {
  it('never sends the bearer token along a redirect to another origin (blob storage)', async () => {
    const seen: { url: string; authorization?: string }[] = [];
    const body = JSON.stringify({
      created: '2026-01-01T00:00:00Z',
      config: { Env: ['PYTHON_VERSION=3.12.1'] },
    });
    const { createHash } = await import('node:crypto');
    const digest = `sha256:${createHash('sha256').update(body).digest('hex')}`;
    const fetcher: Fetcher = async (url: string, init: FetcherInit) => {
      const auth = init.headers.authorization;
      seen.push({ url, ...(auth ? { authorization: auth } : {}) });
      const u = new URL(url);
      if (u.host === 'auth.example')
        return response(200, { 'content-type': 'application/json' }, '{"token":"secret-token-1"}');
      if (u.host === 'storage.example')
        return response(200, { 'content-type': 'application/octet-stream' }, body);
      if (!auth) {
        return response(401, {
          'www-authenticate': 'Bearer realm="https://auth.example/token",service="reg.example"',
        });
      }
      return response(307, { location: `https://storage.example/blob?sig=abc` });
    };
    const client = createRegistryClient({ fetcher, http: { retries: 0 } });
    const config = await client.getImageConfig('reg.example', 'library/python', digest);
    expect(config.pythonVersion).toBe('3.12.1');
    expect(seen.map((s) => new URL(s.url).host)).toEqual([
      'reg.example',
      'auth.example',
      'reg.example',
      'storage.example',
    ]);
    expect(seen[2]?.authorization).toBe('Bearer secret-token-1');
    expect(seen[3]?.authorization).toBeUndefined();
    expect(seen[1]?.url).toBe(
      'https://auth.example/token?service=reg.example&scope=repository%3Alibrary%2Fpython%3Apull',
    );
  });

  it('asks for a new token when the cached one has expired', async () => {
    let now = 1_000_000;
    let issued = 0;
    const fetcher: Fetcher = async (url: string, init: FetcherInit) => {
      const u = new URL(url);
      if (u.host === 'auth.example') {
        issued++;
        return response(200, {}, JSON.stringify({ token: `t${issued}`, expires_in: 60 }));
      }
      if (init.headers.authorization !== `Bearer t${issued}`) {
        return response(401, { 'www-authenticate': 'Bearer realm="https://auth.example/token",service="s"' });
      }
      return response(200, { 'docker-content-digest': 'sha256:abc' });
    };
    const client = createRegistryClient({ fetcher, http: { retries: 0, clock: { now: () => now } } });
    await client.headManifest('reg.example', 'library/python', '3.12');
    await client.headManifest('reg.example', 'library/python', '3.13');
    expect(issued).toBe(1);
    now += 120_000;
    await client.headManifest('reg.example', 'library/python', '3.14');
    expect(issued).toBe(2);
  });

  it('rejects references that are neither tags nor sha256 digests before any request', async () => {
    const fetcher: Fetcher = async () => {
      throw new Error('no request expected');
    };
    const client = createRegistryClient({ fetcher });
    await expect(client.headManifest(undefined, 'python', 'sha256:short')).rejects.toMatchObject({
      diagnostic: { code: 'PBE002' },
    });
    await expect(client.listTags(undefined, 'Bad Name')).rejects.toMatchObject({
      diagnostic: { code: 'PBE002' },
    });
  });
});
