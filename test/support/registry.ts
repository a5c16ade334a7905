/**
 * A real OCI registry for integration tests: Debian's `docker-registry` (docker/distribution) on 127.0.0.1
 * with temporary storage, anonymous, with token auth (a Node token service from token-server.ts), or with
 * htpasswd Basic auth. The harness fills it with tiny multi-platform images under python-like tags, using
 * its own upload code (blob POST + PUT, manifest PUT).
 *
 * When the binary is missing: CI fails, elsewhere the tests are skipped with a loud warning.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { startTokenServer, type TokenServer } from './token-server.js';

export const registryBinary = '/usr/bin/docker-registry';

/** True when the registry binary is installed; throws under CI when it is not, warns loudly otherwise. */
export function requireRegistry(): boolean {
  if (existsSync(registryBinary)) return true;
  const ci = Boolean(process.env.CI) && process.env.CI !== 'false' && process.env.CI !== '0';
  if (ci)
    throw new Error(
      `${registryBinary} is missing: install the docker-registry package (apt-get install docker-registry)`,
    );
  console.warn(
    `\n*** SKIPPING registry integration tests: ${registryBinary} is missing (apt-get install docker-registry skopeo) ***\n`,
  );
  return false;
}

/** Test user accepted by the token service and the htpasswd file. */
export const testUser = { username: 'pybase-tester', password: 'pybase-test-password' };
/**
 * bcrypt hash of `testUser.password` at cost 4 (registry's htpasswd accepts only bcrypt, which node:crypto
 * lacks). Made once with Python's crypt module: crypt.crypt(pw, crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16)).
 */
const testUserBcrypt = '$2b$04$TJv/W1FvRRCGaNVwZV6Cwuq0QqYf/NyrRqhpLiU0bsY8/vnY/e/O.';

export type RegistryAuth = 'none' | 'token' | 'basic';

export interface RegistryHarness {
  /** `127.0.0.1:PORT`, usable as the registry part of a reference. */
  host: string;
  url: string;
  auth: RegistryAuth;
  tokenServer?: TokenServer;
  service: string;
  /** Registry log so far (shown when a test fails). */
  log(): string;
  push(image: TestImage): Promise<PushedImage>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startRegistry(auth: RegistryAuth = 'none'): Promise<RegistryHarness> {
  // The free port is found by binding and releasing it, so another test's server can take it before
  // the registry binds it: the registry then exits at once, and it is started again on another port.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startRegistryOnce(auth);
    } catch (error) {
      if (!(error instanceof PortTaken) || attempt >= 5) throw error;
    }
  }
}

class PortTaken extends Error {}

async function startRegistryOnce(auth: RegistryAuth): Promise<RegistryHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'pybase-registry-'));
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const service = `pybase-test-registry-${port}`;
  let tokenServer: TokenServer | undefined;
  const lines = [
    'version: 0.1',
    'log:',
    '  level: warn',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${join(dir, 'data')}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: ${host}`,
    `  secret: ${createHash('sha256').update(dir).digest('hex')}`,
  ];
  if (auth === 'token') {
    tokenServer = await startTokenServer({ service, users: { [testUser.username]: testUser.password } });
    const bundle = join(dir, 'token-root.pem');
    tokenServer.writeCertificate(bundle);
    lines.push(
      'auth:',
      '  token:',
      `    realm: ${tokenServer.realm}`,
      `    service: ${service}`,
      `    issuer: ${tokenServer.issuer.issuer}`,
      `    rootcertbundle: ${bundle}`,
    );
  } else if (auth === 'basic') {
    const file = join(dir, 'htpasswd');
    writeFileSync(file, `${testUser.username}:${testUserBcrypt}\n`);
    lines.push('auth:', '  htpasswd:', '    realm: pybase-test', `    path: ${file}`);
  }
  const config = join(dir, 'config.yml');
  writeFileSync(config, `${lines.join('\n')}\n`);

  let output = '';
  const child: ChildProcess = spawn(registryBinary, ['serve', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (chunk) => {
    output += String(chunk);
  });
  child.stderr?.on('data', (chunk) => {
    output += String(chunk);
  });
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });

  const url = `http://${host}`;
  const started = Date.now();
  const failedToStart = () => {
    void tokenServer?.close();
    rmSync(dir, { recursive: true, force: true });
    const message = `docker-registry exited at start:\n${output}`;
    return /address already in use/.test(output) ? new PortTaken(message) : new Error(message);
  };
  for (;;) {
    if (exited) throw failedToStart();
    let answered = false;
    try {
      const response = await fetch(`${url}/v2/`);
      answered = response.status === 200 || response.status === 401;
    } catch {
      // not listening yet
    }
    if (answered) {
      // Whoever answered, the registry must still be running a moment later: one that lost the
      // port exits at once.
      await sleep(150);
      if (exited) throw failedToStart();
      break;
    }
    if (Date.now() - started > 15_000) {
      child.kill('SIGTERM');
      throw new Error(`docker-registry did not answer within 15 s:\n${output}`);
    }
    await sleep(50);
  }

  /** Authorization for the harness's own pushes. */
  const pushAuth = (repository: string): Record<string, string> => {
    if (auth === 'token' && tokenServer) {
      const token = tokenServer.issuer.mint(
        [{ type: 'repository', name: repository, actions: ['pull', 'push'] }],
        'harness',
      );
      return { authorization: `Bearer ${token}` };
    }
    if (auth === 'basic') {
      return {
        authorization: `Basic ${Buffer.from(`${testUser.username}:${testUser.password}`).toString('base64')}`,
      };
    }
    return {};
  };

  const harness: RegistryHarness = {
    host,
    url,
    auth,
    service,
    ...(tokenServer ? { tokenServer } : {}),
    log: () => output,
    push: (image) => pushImage(url, image, pushAuth(image.repository)),
    async stop() {
      if (!exited) {
        const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        await Promise.race([gone, sleep(5000)]);
      }
      await tokenServer?.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return harness;
}

// --------------------------------------------------------------------------------------------- images

export interface TestPlatform {
  architecture: string;
  os?: string;
  variant?: string;
}

export interface TestImage {
  repository: string;
  tags: string[];
  pythonVersion: string;
  /** RFC 3339 creation time written into every config (and the index annotation). */
  created: string;
  platforms: TestPlatform[];
  /** Base image name for the `org.opencontainers.image.base.name` annotation. */
  baseName?: string;
  /** Add a BuildKit-style attestation manifest (platform unknown/unknown). */
  attestation?: boolean;
  /** Push a single-platform manifest (no index); uses the first platform. */
  single?: boolean;
}

export interface PushedImage {
  /** Digest of what the tags name (the index, or the manifest of a single image). */
  digest: string;
  platforms: { platform: string; digest: string; configDigest: string; created: string }[];
}

const ociIndex = 'application/vnd.oci.image.index.v1+json';
const ociManifest = 'application/vnd.oci.image.manifest.v1+json';
const ociConfig = 'application/vnd.oci.image.config.v1+json';
const ociLayer = 'application/vnd.oci.image.layer.v1.tar+gzip';

const sha256 = (data: Buffer) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

/** A one-file ustar archive: header block, content padded to 512 bytes, two empty blocks. */
function tarOf(name: string, content: Buffer): Buffer {
  const header = Buffer.alloc(512);
  header.write(name, 0, 100, 'utf8');
  header.write('0000644\0', 100, 'ascii');
  header.write('0000000\0', 108, 'ascii');
  header.write('0000000\0', 116, 'ascii');
  header.write(`${content.length.toString(8).padStart(11, '0')}\0`, 124, 'ascii');
  header.write(`${'0'.padStart(11, '0')}\0`, 136, 'ascii');
  header.write('        ', 148, 'ascii');
  header.write('0', 156, 'ascii');
  header.write('ustar\0', 257, 'ascii');
  header.write('00', 263, 'ascii');
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  const padding = Buffer.alloc((512 - (content.length % 512)) % 512);
  return Buffer.concat([header, content, padding, Buffer.alloc(1024)]);
}

async function check(response: Response, what: string): Promise<Response> {
  if (response.status >= 300) throw new Error(`${what}: ${response.status} ${await response.text()}`);
  return response;
}

async function uploadBlob(
  base: string,
  repository: string,
  data: Buffer,
  auth: Record<string, string>,
): Promise<string> {
  const digest = sha256(data);
  const head = await fetch(`${base}/v2/${repository}/blobs/${digest}`, { method: 'HEAD', headers: auth });
  if (head.status === 200) return digest;
  const start = await check(
    await fetch(`${base}/v2/${repository}/blobs/uploads/`, { method: 'POST', headers: auth }),
    `start upload to ${repository}`,
  );
  const location = new URL(start.headers.get('location') ?? '', base);
  location.searchParams.set('digest', digest);
  await check(
    await fetch(location, {
      method: 'PUT',
      headers: { ...auth, 'content-type': 'application/octet-stream' },
      body: data,
    }),
    `upload ${digest}`,
  );
  return digest;
}

async function putManifest(
  base: string,
  repository: string,
  reference: string,
  mediaType: string,
  body: Buffer,
  auth: Record<string, string>,
): Promise<void> {
  await check(
    await fetch(`${base}/v2/${repository}/manifests/${reference}`, {
      method: 'PUT',
      headers: { ...auth, 'content-type': mediaType },
      body,
    }),
    `put manifest ${repository}:${reference}`,
  );
}

async function pushImage(base: string, image: TestImage, auth: Record<string, string>): Promise<PushedImage> {
  const pushed: PushedImage['platforms'] = [];
  const descriptors: Record<string, unknown>[] = [];
  const version = image.tags[0] ?? image.pythonVersion;
  const platforms = image.single ? image.platforms.slice(0, 1) : image.platforms;
  let singleManifest: Buffer | undefined;
  for (const platform of platforms) {
    const os = platform.os ?? 'linux';
    const layerTar = tarOf(
      'usr/local/lib/python-version.txt',
      Buffer.from(
        `${image.pythonVersion} ${os}/${platform.architecture}${platform.variant ? `/${platform.variant}` : ''}\n`,
      ),
    );
    const layer = gzipSync(layerTar);
    const config = Buffer.from(
      JSON.stringify({
        architecture: platform.architecture,
        os,
        ...(platform.variant ? { variant: platform.variant } : {}),
        created: image.created,
        config: {
          Env: [
            'PATH=/usr/local/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
            'LANG=C.UTF-8',
            `PYTHON_VERSION=${image.pythonVersion}`,
          ],
          Cmd: ['python3'],
        },
        rootfs: { type: 'layers', diff_ids: [sha256(layerTar)] },
        history: [{ created: image.created, created_by: 'pybase test harness' }],
      }),
    );
    const layerDigest = await uploadBlob(base, image.repository, layer, auth);
    const configDigest = await uploadBlob(base, image.repository, config, auth);
    const annotations = {
      'org.opencontainers.image.created': image.created,
      'org.opencontainers.image.version': version,
      ...(image.baseName ? { 'org.opencontainers.image.base.name': image.baseName } : {}),
    };
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: ociManifest,
        config: { mediaType: ociConfig, digest: configDigest, size: config.length },
        layers: [{ mediaType: ociLayer, digest: layerDigest, size: layer.length }],
        annotations,
      }),
    );
    const manifestDigest = sha256(manifest);
    if (image.single) {
      singleManifest = manifest;
    } else {
      await putManifest(base, image.repository, manifestDigest, ociManifest, manifest, auth);
    }
    const platformText = `${os}/${platform.architecture}${platform.variant ? `/${platform.variant}` : ''}`;
    pushed.push({ platform: platformText, digest: manifestDigest, configDigest, created: image.created });
    descriptors.push({
      mediaType: ociManifest,
      digest: manifestDigest,
      size: manifest.length,
      platform: {
        os,
        architecture: platform.architecture,
        ...(platform.variant ? { variant: platform.variant } : {}),
      },
      annotations,
    });
  }

  if (image.single && singleManifest) {
    for (const tag of image.tags)
      await putManifest(base, image.repository, tag, ociManifest, singleManifest, auth);
    return { digest: sha256(singleManifest), platforms: pushed };
  }

  if (image.attestation && pushed[0]) {
    const statement = Buffer.from(
      JSON.stringify({ _type: 'https://in-toto.io/Statement/v0.1', subject: [] }),
    );
    const statementDigest = await uploadBlob(base, image.repository, statement, auth);
    const emptyConfig = Buffer.from('{}');
    const emptyDigest = await uploadBlob(base, image.repository, emptyConfig, auth);
    const attestation = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: ociManifest,
        config: { mediaType: ociConfig, digest: emptyDigest, size: emptyConfig.length },
        layers: [
          { mediaType: 'application/vnd.in-toto+json', digest: statementDigest, size: statement.length },
        ],
      }),
    );
    const attestationDigest = sha256(attestation);
    await putManifest(base, image.repository, attestationDigest, ociManifest, attestation, auth);
    descriptors.push({
      mediaType: ociManifest,
      digest: attestationDigest,
      size: attestation.length,
      platform: { os: 'unknown', architecture: 'unknown' },
      annotations: {
        'vnd.docker.reference.digest': pushed[0].digest,
        'vnd.docker.reference.type': 'attestation-manifest',
      },
    });
  }

  const index = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: ociIndex,
      manifests: descriptors,
      annotations: {
        'org.opencontainers.image.created': image.created,
        'org.opencontainers.image.version': version,
        ...(image.baseName ? { 'org.opencontainers.image.base.name': image.baseName } : {}),
      },
    }),
  );
  for (const tag of image.tags) await putManifest(base, image.repository, tag, ociIndex, index, auth);
  return { digest: sha256(index), platforms: pushed };
}

// ------------------------------------------------------------------------------------ paginating front

export interface PaginatingFront {
  host: string;
  url: string;
  /** Tag-list pages served so far. */
  pages: number;
  close(): Promise<void>;
}

/**
 * A loopback front for a registry that paginates tag lists the way the distribution spec describes (`n`,
 * `last`, `Link: <...>; rel="next"`, as Docker Hub does). Debian's docker-registry 2.8 ignores `n` and
 * always returns every tag, so pagination needs this front; every other request passes through unchanged.
 */
export async function startPaginatingFront(upstream: string): Promise<PaginatingFront> {
  const { createServer: createHttpServer } = await import('node:http');
  const state = { pages: 0 };
  const server = createHttpServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://front');
      const headers: Record<string, string> = {};
      for (const name of ['authorization', 'accept']) {
        const value = req.headers[name];
        if (typeof value === 'string') headers[name] = value;
      }
      const answer = await fetch(`${upstream}${url.pathname}`, { method: req.method ?? 'GET', headers });
      const match = /^\/v2\/(.+)\/tags\/list$/.exec(url.pathname);
      if (match && answer.status === 200) {
        const all = ((await answer.json()) as { tags: string[] }).tags.sort();
        const n = Number(url.searchParams.get('n') ?? all.length);
        const last = url.searchParams.get('last');
        const rest = last ? all.filter((t) => t > last) : all;
        const page = rest.slice(0, n);
        state.pages++;
        const out: Record<string, string> = { 'content-type': 'application/json' };
        if (rest.length > page.length) {
          out.link = `</v2/${match[1]}/tags/list?n=${n}&last=${encodeURIComponent(page[page.length - 1] as string)}>; rel="next"`;
        }
        res.writeHead(200, out).end(JSON.stringify({ name: match[1], tags: page }));
        return;
      }
      const out: Record<string, string> = {};
      answer.headers.forEach((value, key) => {
        if (key !== 'content-length' && key !== 'transfer-encoding' && key !== 'connection') out[key] = value;
      });
      const body = req.method === 'HEAD' ? undefined : Buffer.from(await answer.arrayBuffer());
      if (req.method === 'HEAD' && answer.headers.get('content-length')) {
        out['content-length'] = answer.headers.get('content-length') as string;
      }
      res.writeHead(answer.status, out).end(body);
    } catch (error) {
      res.writeHead(502).end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    host: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}`,
    get pages() {
      return state.pages;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
