/**
 * The registry client against a real registry (Debian's docker-registry on 127.0.0.1): anonymous, token
 * auth through a local token service, and htpasswd Basic auth.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PushedSet, pushPythonImages } from '../../test/support/python-images.js';
import {
  type RegistryHarness,
  requireRegistry,
  startPaginatingFront,
  startRegistry,
  testUser,
} from '../../test/support/registry.js';
import { PybaseError } from '../model/diagnostic.js';
import { parseDockerConfig } from './docker-config.js';
import type { Fetcher, FetcherInit, FetcherResponse } from './http.js';
import { createRegistryClient, lookupOnline, platformDigests } from './registry.js';

const available = requireRegistry();

/** Node's own fetch as the transport (it never reads proxy variables, so loopback stays loopback). */
const nodeFetcher: Fetcher = (url: string, init: FetcherInit) =>
  fetch(url, init) as unknown as Promise<FetcherResponse>;

/** A fetcher that rewrites matching response bodies: a man in the middle for the digest tests. */
function tamperingFetcher(
  match: (url: string) => boolean,
  change: (body: string) => string,
  dropDigestHeader = false,
): Fetcher {
  return async (url, init) => {
    const response = await fetch(url, init);
    if (!match(url) || init.method !== 'GET' || response.status !== 200) {
      return response as unknown as FetcherResponse;
    }
    const body = change(await response.text());
    const headers = new Headers(response.headers);
    headers.delete('content-length');
    if (dropDigestHeader) headers.delete('docker-content-digest');
    return new Response(body, { status: 200, headers }) as unknown as FetcherResponse;
  };
}

const quick = { retries: 0, timeoutMs: 10_000 };

async function failure(promise: Promise<unknown>): Promise<PybaseError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof PybaseError) return error;
    throw error;
  }
  throw new Error('expected a PybaseError');
}

describe.skipIf(!available)('registry client against an anonymous registry', () => {
  let harness: RegistryHarness;
  let pushed: PushedSet;

  beforeAll(async () => {
    harness = await startRegistry('none');
    pushed = await pushPythonImages(harness);
  });
  afterAll(async () => {
    await harness?.stop();
  });

  it('lists every tag (docker-registry 2.8 ignores n and answers in one page), then answers from memory', async () => {
    const client = createRegistryClient({ fetcher: nodeFetcher, http: quick });
    const list = await client.listTags(harness.host, 'library/python', { pageSize: 3 });
    expect([...list.tags].sort()).toEqual([...pushed.allTags].sort());
    expect(list.truncated).toBe(false);
    expect(list.cached).toBe(false);
    const again = await client.listTags(harness.host, 'library/python', { pageSize: 3 });
    expect(again.cached).toBe(true);
    expect(again.tags).toEqual(list.tags);
    // Even a registry that ignores n is capped.
    const capped = await client.listTags(harness.host, 'library/python', { pageSize: 3, maxTags: 5 });
    expect(capped.tags).toHaveLength(5);
    expect(capped.truncated).toBe(true);
  });

  it('follows Link rel="next" pages (n, last) through a paginating front', async () => {
    const front = await startPaginatingFront(harness.url);
    try {
      const client = createRegistryClient({ fetcher: nodeFetcher, http: quick });
      const list = await client.listTags(front.host, 'library/python', { pageSize: 3 });
      expect(list.tags).toEqual([...pushed.allTags].sort());
      expect(list.pages).toBe(Math.ceil(pushed.allTags.length / 3));
      expect(front.pages).toBe(list.pages);
      expect(list.truncated).toBe(false);

      const capped = await client.listTags(front.host, 'library/python', { pageSize: 3, maxTags: 4 });
      expect(capped.tags).toEqual([...pushed.allTags].sort().slice(0, 4));
      expect(capped.truncated).toBe(true);
      expect(capped.pages).toBe(2);

      const exact = await client.listTags(front.host, 'library/python', {
        pageSize: 5,
        maxTags: pushed.allTags.length,
      });
      expect(exact.truncated).toBe(false);
      expect(exact.tags).toHaveLength(pushed.allTags.length);
    } finally {
      await front.close();
    }
  });

  it('HEAD gives the digest of the index without a body', async () => {
    const client = createRegistryClient({ fetcher: nodeFetcher, http: quick });
    const head = await client.headManifest(harness.host, 'library/python', '3.12-slim');
    expect(head.digest).toBe(pushed.slim.digest);
    expect(head.mediaType).toBe('application/vnd.oci.image.index.v1+json');
    expect(head.size).toBeGreaterThan(100);
  });

  it('GET verifies the index digest and reads per-platform digests without the attestation', async () => {
    const client = createRegistryClient({ fetcher: nodeFetcher, http: quick });
    const manifest = await client.getManifest(harness.host, 'library/python', '3.12.14-slim-trixie');
    expect(manifest.kind).toBe('index');
    expect(manifest.digest).toBe(pushed.slim.digest);
    expect(manifest.manifests).toHaveLength(4);
    const platforms = platformDigests(manifest);
    expect(platforms.map((p) => [p.arch, p.platform])).toEqual([
      ['amd64', 'linux/amd64'],
      ['arm64v8', 'linux/arm64/v8'],
      ['arm32v7', 'linux/arm/v7'],
    ]);
    expect(platforms.map((p) => p.digest)).toEqual(pushed.slim.platforms.map((p) => p.digest));
    expect(manifest.annotations['org.opencontainers.image.base.name']).toBe('debian:trixie-slim');
  });

  it('reads a platform manifest by digest and its config: created and PYTHON_VERSION', async () => {
    const client = createRegistryClient({ fetcher: nodeFetcher, http: quick });
    const arm = pushed.alpine.platforms[1];
    if (!arm) throw new Error('fixture has an arm64 platform');
    const image = await client.getManifest(harness.host, 'library/python', arm.digest);
    expect(image.kind).toBe('image');
    expect(image.digest).toBe(arm.digest);
    expect(image.config?.digest).toBe(arm.configDigest);
    const config = await client.getImageConfig(harness.host, 'library/python', arm.configDigest);
    expect(config.pythonVersion).toBe('3.13.15');
    expect(config.created).toBe('2026-08-12T23:30:00-02:00');
    expect(config.architecture).toBe('arm64');
    expect(config.variant).toBe('v8');
    expect(config.env.LANG).toBe('C.UTF-8');
  });

  it('resolves a reference: digest, platforms, created (UTC date), python version, annotations', async () => {
    const client = createRegistryClient({ fetcher: nodeFetcher, http: quick });
    const resolved = await client.resolveDigest(`${harness.host}/library/python:3.13-alpine`);
    expect(resolved.digest).toBe(pushed.alpine.digest);
    expect(resolved.platforms.map((p) => p.arch)).toEqual(['amd64', 'arm64v8', 's390x']);
    expect(resolved.pythonVersion).toBe('3.13.15');
    // 23:30 at UTC-2 is already the next day in UTC.
    expect(resolved.createdDate).toBe('2026-08-13');
    expect(resolved.annotations).toEqual({
      created: '2026-08-12T23:30:00-02:00',
      version: '3.13.15-alpine3.23',
      baseName: 'alpine:3.23',
    });
  });

  it('resolves a single-platform (non-index) image with its platform from the config', async () => {
    const client = createRegistryClient({ fetcher: nodeFetcher, http: quick });
    const resolved = await client.resolveDigest(
      `${harness.host}/library/python:3.11.16-windowsservercore-ltsc2022`,
    );
    expect(resolved.mediaType).toBe('application/vnd.oci.image.manifest.v1+json');
    expect(resolved.digest).toBe(pushed.windows.digest);
    expect(resolved.platforms).toEqual([
      {
        arch: 'windows-amd64',
        platform: 'windows/amd64',
        digest: pushed.windows.digest,
        created: '2026-07-01T10:00:00Z',
        pythonVersion: '3.11.16',
      },
    ]);
  });

  it('lookupOnline: live digest, pinned reference, per-platform created dates, stale pin detection', async () => {
    const stale = `sha256:${'0'.repeat(64)}`;
    const result = await lookupOnline(`${harness.host}/library/python:3.12-slim@${stale}`, {
      fetcher: nodeFetcher,
      http: quick,
    });
    expect(result.digest).toBe(pushed.slim.digest);
    expect(result.tag).toBe('3.12-slim');
    expect(result.pinnedDigestCurrent).toBe(false);
    expect(result.pinned).toBe(`${harness.host}/library/python:3.12-slim@${pushed.slim.digest}`);
    expect(result.platforms).toHaveLength(3);
    for (const platform of result.platforms) {
      expect(platform.created).toBe('2026-08-13T18:02:11Z');
      expect(platform.pythonVersion).toBe('3.12.14');
    }
    const current = await lookupOnline(result.pinned, { fetcher: nodeFetcher, http: quick });
    expect(current.pinnedDigestCurrent).toBe(true);
  });

  it('lookupOnline by digest alone', async () => {
    const result = await lookupOnline(`${harness.host}/library/python@${pushed.alpine.digest}`, {
      fetcher: nodeFetcher,
      http: quick,
      allPlatforms: false,
    });
    expect(result.tag).toBeUndefined();
    expect(result.digest).toBe(pushed.alpine.digest);
    expect(result.pythonVersion).toBe('3.13.15');
    expect(result.platforms.filter((p) => p.created !== undefined)).toHaveLength(1);
  });

  it('an unknown tag is a PBE008 error naming the registry and the tag', async () => {
    const client = createRegistryClient({ fetcher: nodeFetcher, http: quick });
    const error = await failure(client.getManifest(harness.host, 'library/python', '3.99-slim'));
    expect(error.diagnostic.code).toBe('PBE008');
    expect(error.diagnostic.message).toContain(`registry ${harness.host}`);
    expect(error.diagnostic.message).toContain('library/python:3.99-slim');
    expect(error.diagnostic.message).toContain('not found');
    expect(error.diagnostic.data?.notFound).toBe(true);
    expect(error.diagnostic.hint).toContain(harness.host);
    const head = await failure(client.headManifest(harness.host, 'library/python', '3.99-slim'));
    expect(head.diagnostic.data?.status).toBe(404);
  });

  it('a manifest body that does not match Docker-Content-Digest is rejected', async () => {
    const fetcher = tamperingFetcher(
      (url) => url.includes('/manifests/3.12-slim'),
      (body) => body.replace('debian:trixie-slim', 'debian:trixie-evil'),
    );
    const client = createRegistryClient({ fetcher, http: quick });
    const error = await failure(client.getManifest(harness.host, 'library/python', '3.12-slim'));
    expect(error.diagnostic.data?.digestMismatch).toBe(true);
    expect(error.diagnostic.message).toContain(pushed.slim.digest);
    expect(error.diagnostic.message).toContain('does not match its digest');
  });

  it('a manifest fetched by digest is checked against that digest even without the header', async () => {
    const digest = pushed.slim.platforms[0]?.digest as string;
    const fetcher = tamperingFetcher(
      (url) => url.endsWith(`/manifests/${digest}`),
      (body) => body.replace('3.12.14-slim-trixie', '3.12.15-slim-trixie'),
      true,
    );
    const client = createRegistryClient({ fetcher, http: quick });
    const error = await failure(client.getManifest(harness.host, 'library/python', digest));
    expect(error.diagnostic.data?.digestMismatch).toBe(true);
    expect(error.diagnostic.message).toContain(`asked for as ${digest}`);
  });

  it('a config blob that does not hash to its digest is rejected', async () => {
    const configDigest = pushed.slim.platforms[0]?.configDigest as string;
    const fetcher = tamperingFetcher(
      (url) => url.endsWith(`/blobs/${configDigest}`),
      (body) => body.replace('PYTHON_VERSION=3.12.14', 'PYTHON_VERSION=3.12.99'),
    );
    const client = createRegistryClient({ fetcher, http: quick });
    const error = await failure(client.getImageConfig(harness.host, 'library/python', configDigest));
    expect(error.diagnostic.data?.digestMismatch).toBe(true);
  });

  it('routes Docker Hub names to a configured mirror, adding library/', async () => {
    const client = createRegistryClient({
      fetcher: nodeFetcher,
      http: quick,
      mirrors: { 'docker.io': harness.url },
    });
    const head = await client.headManifest('index.docker.io', 'python', '3.12-slim');
    expect(head.digest).toBe(pushed.slim.digest);
    const result = await lookupOnline('python:3.13-alpine', { client, allPlatforms: false });
    expect(result.digest).toBe(pushed.alpine.digest);
    expect(result.host).toBe(harness.host);
    expect(result.pinned).toBe(`python:3.13-alpine@${pushed.alpine.digest}`);
    const error = await failure(client.getManifest(undefined, 'python', 'nope'));
    expect(error.diagnostic.message).toContain(`Docker Hub (docker.io) via mirror ${harness.host}`);
  });

  it('a registry that is not listening is an error naming it', async () => {
    const closed = await startRegistry('none');
    const host = closed.host;
    await closed.stop();
    const client = createRegistryClient({ fetcher: nodeFetcher, http: { retries: 0, timeoutMs: 2000 } });
    const error = await failure(client.headManifest(host, 'library/python', '3.12'));
    expect(error.diagnostic.code).toBe('PBE008');
    expect(error.diagnostic.message).toContain(`registry ${host}`);
    expect(error.diagnostic.data?.reason).toBe('connection');
    expect(error.diagnostic.hint).toContain(host);
  });
});

describe.skipIf(!available)('registry client with token authentication', () => {
  let harness: RegistryHarness;
  let pushed: PushedSet;
  const seen: unknown[] = [];

  beforeAll(async () => {
    harness = await startRegistry('token');
    pushed = await pushPythonImages(harness);
    await pushPythonImages(harness, 'private/python');
  });
  afterAll(async () => {
    await harness?.stop();
  });

  const dockerConfigText = (password: string) =>
    JSON.stringify({
      auths: {
        [`http://${'127.0.0.1'}:${harness.host.split(':')[1]}`]: {
          auth: Buffer.from(`${testUser.username}:${password}`).toString('base64'),
        },
      },
    });

  it('pulls anonymously with a token from the realm, reusing it', async () => {
    const before = harness.tokenServer?.requests.length ?? 0;
    const client = createRegistryClient({ fetcher: nodeFetcher, http: quick });
    const list = await client.listTags(harness.host, 'library/python', { pageSize: 4 });
    expect(list.tags).toHaveLength(pushed.allTags.length);
    const resolved = await client.resolveDigest(`${harness.host}/library/python:3.12-slim`, {
      allPlatforms: true,
    });
    seen.push(list, resolved);
    expect(resolved.digest).toBe(pushed.slim.digest);
    expect(resolved.platforms.every((p) => p.pythonVersion === '3.12.14')).toBe(true);
    const requests = harness.tokenServer?.requests.slice(before) ?? [];
    // One token for the repository's pull scope serves every page, manifest and blob.
    expect(requests).toEqual([
      { user: '', scopes: ['repository:library/python:pull'], service: harness.service, status: 200 },
    ]);
  });

  it('a repository that needs credentials: refused anonymously, read with docker config credentials', async () => {
    const anonymous = createRegistryClient({ fetcher: nodeFetcher, http: quick });
    const refused = await failure(anonymous.headManifest(harness.host, 'private/python', '3.12-slim'));
    seen.push(refused.diagnostic);
    expect(refused.diagnostic.data?.reason).toBe('unauthorized');
    expect(refused.diagnostic.message).toContain(`registry ${harness.host}`);
    expect(refused.diagnostic.hint).toContain('docker login');

    const dockerConfig = parseDockerConfig(
      dockerConfigText(testUser.password),
      '/home/u/.docker/config.json',
    );
    const before = harness.tokenServer?.requests.length ?? 0;
    const client = createRegistryClient({ fetcher: nodeFetcher, http: quick, dockerConfig });
    const result = await lookupOnline(`${harness.host}/private/python:3.12-slim`, { client });
    seen.push(result);
    expect(result.digest).toBe(pushed.slim.digest);
    const requests = harness.tokenServer?.requests.slice(before) ?? [];
    expect(requests[0]).toMatchObject({
      user: testUser.username,
      scopes: ['repository:private/python:pull'],
      status: 200,
    });
  });

  it('wrong credentials: the token service refusal is reported without the password', async () => {
    const dockerConfig = parseDockerConfig(
      dockerConfigText('wrong-password-123'),
      '/home/u/.docker/config.json',
    );
    const client = createRegistryClient({ fetcher: nodeFetcher, http: quick, dockerConfig });
    const error = await failure(client.getManifest(harness.host, 'library/python', '3.12-slim'));
    seen.push(error.diagnostic);
    expect(error.diagnostic.data?.reason).toBe('unauthorized');
    expect(error.diagnostic.message).toContain('refused the credentials');
    expect(error.diagnostic.message).toContain(`registry ${harness.host}`);
    expect(JSON.stringify(error.diagnostic)).not.toContain('wrong-password-123');
  });

  it('a configured credential helper is named in the hint, since pybase cannot run it', async () => {
    const dockerConfig = parseDockerConfig(
      JSON.stringify({ auths: { [harness.host]: {} }, credsStore: 'desktop' }),
      'config.json',
    );
    const client = createRegistryClient({ fetcher: nodeFetcher, http: quick, dockerConfig });
    const error = await failure(client.headManifest(harness.host, 'private/python', '3.12-slim'));
    seen.push(error.diagnostic);
    expect(error.diagnostic.hint).toContain('docker-credential-desktop');
    expect(error.diagnostic.hint).toContain('cannot run');
    // Public repositories still work anonymously.
    const head = await client.headManifest(harness.host, 'library/python', '3.12-slim');
    expect(head.digest).toBe(pushed.slim.digest);
  });

  it('no credential or token appears in any result or error', () => {
    const text = JSON.stringify(seen);
    expect(seen.length).toBeGreaterThanOrEqual(5);
    const secrets = [
      testUser.password,
      Buffer.from(`${testUser.username}:${testUser.password}`).toString('base64'),
      ...(harness.tokenServer?.issued ?? []),
    ];
    expect(harness.tokenServer?.issued.length).toBeGreaterThanOrEqual(3);
    for (const secret of secrets) expect(text).not.toContain(secret);
    // Token fragments too: a JWT's signature part is the secret-bearing bit.
    for (const token of harness.tokenServer?.issued ?? [])
      expect(text).not.toContain(token.split('.')[2] as string);
  });
});

describe.skipIf(!available)('registry client with Basic authentication', () => {
  let harness: RegistryHarness;
  let pushed: PushedSet;

  beforeAll(async () => {
    harness = await startRegistry('basic');
    pushed = await pushPythonImages(harness);
  });
  afterAll(async () => {
    await harness?.stop();
  });

  it('reads with explicit credentials after the Basic challenge', async () => {
    const client = createRegistryClient({
      fetcher: nodeFetcher,
      http: quick,
      credentials: { [harness.host]: testUser },
    });
    const list = await client.listTags(harness.host, 'library/python', { pageSize: 5 });
    expect(list.tags).toHaveLength(pushed.allTags.length);
    const resolved = await client.resolveDigest(`${harness.host}/library/python:3.12-slim`);
    expect(resolved.digest).toBe(pushed.slim.digest);
    expect(resolved.pythonVersion).toBe('3.12.14');
  });

  it('without credentials: unauthorized, with a hint to log in', async () => {
    const client = createRegistryClient({ fetcher: nodeFetcher, http: quick });
    const error = await failure(client.headManifest(harness.host, 'library/python', '3.12-slim'));
    expect(error.diagnostic.data?.reason).toBe('unauthorized');
    expect(error.diagnostic.message).toContain('without credentials');
    expect(error.diagnostic.hint).toContain(`docker login ${harness.host}`);
  });

  it('with a wrong password: unauthorized, password never shown', async () => {
    const client = createRegistryClient({
      fetcher: nodeFetcher,
      http: quick,
      credentials: { [harness.host]: { username: testUser.username, password: 'not-the-password-42' } },
    });
    const error = await failure(client.getManifest(harness.host, 'library/python', '3.12-slim'));
    expect(error.diagnostic.data?.reason).toBe('unauthorized');
    expect(error.diagnostic.message).toContain('with the credentials from options');
    expect(JSON.stringify(error.diagnostic)).not.toContain('not-the-password-42');
    expect(JSON.stringify(error.diagnostic)).not.toContain(
      Buffer.from(`${testUser.username}:not-the-password-42`).toString('base64'),
    );
  });
});
