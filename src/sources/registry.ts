/**
 * A small client for the OCI distribution API (registry API v2): tag lists, manifests and image configs.
 *
 * Written by hand on top of pybase's HTTP layer (src/sources/http.ts) because there is no maintained npm
 * client for the distribution API: the known packages are unmaintained, tied to Docker Engine, or pull in
 * a large SDK. pybase needs a read-only subset: list tags, read a manifest or index (by HEAD for the digest,
 * by GET for the content), read the image config blob, and authenticate the way registries ask
 * (anonymous or credentialed Bearer tokens, or Basic).
 *
 * Security: credentials and tokens only ever travel in request headers, never in URLs; every message shown
 * to a user is built from redacted URLs; an `Authorization` header is only sent to the registry's own origin
 * and to the token realms the registry named (never along a redirect to blob storage elsewhere).
 */

import { createHash } from 'node:crypto';
import { formatReference, parseReference, type ReferenceOptions } from '../catalog/reference.js';
import { inputCodes, PybaseError } from '../model/diagnostic.js';
import type { ImageRef } from '../model/image-ref.js';
import { type Arch, normalizeArch } from '../model/platform.js';
import { mapLimit } from './concurrency.js';
import {
  type CredentialLookup,
  type DockerConfig,
  dockerConfigCredentials,
  normalizeRegistryHost,
  type RegistryCredentials,
} from './docker-config.js';
import {
  type BasicCredentials,
  type Clock,
  createDefaultFetcher,
  createHttpClient,
  decodeBody,
  type Fetcher,
  type HttpClient,
  type HttpClientOptions,
  type HttpResponse,
  type NetworkErrorReason,
  networkError,
  networkErrorReason,
  redact,
  redactText,
} from './http.js';
import {
  type AuthChallenge,
  findChallenge,
  parseTokenAnswer,
  parseWwwAuthenticate,
  tokenRequestUrl,
} from './registry-auth.js';

// ---------------------------------------------------------------------------------------------------------
// Media types and names
// ---------------------------------------------------------------------------------------------------------

export const mediaTypes = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
} as const;

/** The Accept header for manifests: indexes first, then single-image manifests. */
export const manifestAccept = [
  mediaTypes.ociIndex,
  mediaTypes.dockerManifestList,
  mediaTypes.ociManifest,
  mediaTypes.dockerManifest,
].join(', ');

const indexTypes = new Set<string>([mediaTypes.ociIndex, mediaTypes.dockerManifestList]);
const imageTypes = new Set<string>([mediaTypes.ociManifest, mediaTypes.dockerManifest]);

/** Where Docker Hub's registry API actually lives. */
export const dockerHubRegistry = 'registry-1.docker.io';

const dockerHubNames = new Set([
  'docker.io',
  'index.docker.io',
  'registry-1.docker.io',
  'registry.hub.docker.com',
]);

/** OCI annotation keys pybase reads from indexes and manifests. */
export const annotationKeys = {
  created: 'org.opencontainers.image.created',
  version: 'org.opencontainers.image.version',
  baseName: 'org.opencontainers.image.base.name',
  referenceType: 'vnd.docker.reference.type',
} as const;

const digestPattern = /^sha256:[a-f0-9]{64}$/;

/** True for Docker Hub under any of its names (and for no registry at all). */
export function isDockerHub(registry: string | undefined): boolean {
  return registry === undefined || dockerHubNames.has(registry.toLowerCase());
}

/**
 * The registry host and repository path a reference resolves to on the wire: Docker Hub's names become
 * `registry-1.docker.io`, and single-component Hub repositories get the `library/` prefix.
 */
export function canonicalLocation(
  registry: string | undefined,
  repository: string,
): { host: string; repository: string } {
  if (isDockerHub(registry)) {
    return {
      host: dockerHubRegistry,
      repository: repository.includes('/') ? repository : `library/${repository}`,
    };
  }
  return { host: (registry as string).toLowerCase(), repository };
}

// ---------------------------------------------------------------------------------------------------------
// Options and results
// ---------------------------------------------------------------------------------------------------------

export interface RegistryClientOptions {
  /** Transport for every request (default: a new undici-based fetcher, closed by `close()`). */
  fetcher?: Fetcher;
  /** Timeouts, retries, size caps and events of the HTTP layer. */
  http?: Omit<HttpClientOptions, 'fetcher'>;
  /** Explicit credentials per registry host (keys as in docker's config: `ghcr.io`, `docker.io`, `host:port`). */
  credentials?: Record<string, RegistryCredentials>;
  /** A parsed docker client configuration to take credentials from (see docker-config.ts). */
  dockerConfig?: DockerConfig;
  /**
   * Mirrors: registry host (as written or canonical; `docker.io` covers every Hub name) to the mirror to use
   * instead, as a host (`mirror.example.com`) or a base URL (`http://127.0.0.1:5000`).
   */
  mirrors?: Record<string, string>;
  /**
   * Hosts spoken to over plain HTTP. Loopback hosts (`localhost`, `127.0.0.1`, `[::1]`) always are, like
   * Docker's own insecure-registry default.
   */
  insecure?: readonly string[];
  /** Tags per page requested from the tag list (`n`; default 1000). */
  tagPageSize?: number;
  /** Most tags read before stopping (default 20000); the result says when it stopped early. */
  maxTags?: number;
  /** How long a tag list is reused by this client (default 10 minutes). */
  tagCacheTtlMs?: number;
  /** Parallel requests for per-platform look-ups (default 4). */
  concurrency?: number;
  /** Reference parsing options (configured mirrors of the python image). */
  reference?: ReferenceOptions;
}

export interface TagList {
  /** The registry as named by the caller, and the host actually asked. */
  registry: string;
  host: string;
  repository: string;
  tags: string[];
  /** Pages read. */
  pages: number;
  /** True when `maxTags` stopped the listing before the registry's last page. */
  truncated: boolean;
  /** True when answered from this client's memory. */
  cached: boolean;
}

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
  osVersion?: string;
}

export interface Descriptor {
  mediaType?: string;
  digest: string;
  size?: number;
  platform?: Platform;
  annotations: Record<string, string>;
}

export interface ManifestHead {
  registry: string;
  repository: string;
  reference: string;
  /** The digest the registry reports (`Docker-Content-Digest`), when it does. */
  digest?: string;
  mediaType?: string;
  size?: number;
}

export interface Manifest {
  registry: string;
  /** The host that answered (a mirror's when one is configured). */
  host: string;
  repository: string;
  reference: string;
  kind: 'index' | 'image';
  mediaType: string;
  /** sha256 of the body; equal to the registry's header and to a requested digest (both are checked). */
  digest: string;
  size: number;
  annotations: Record<string, string>;
  /** Entries of an index (empty for a single image). */
  manifests: Descriptor[];
  /** Config and layers of a single image. */
  config?: Descriptor;
  layers: Descriptor[];
}

export interface PlatformDigest {
  /** pybase's architecture, when the platform is one pybase knows. */
  arch?: Arch;
  /** `os/architecture[/variant]` as the index names it. */
  platform: string;
  digest: string;
}

export interface ImageConfig {
  digest: string;
  /** The `created` timestamp exactly as written. */
  created?: string;
  os?: string;
  architecture?: string;
  variant?: string;
  /** `config.Env` as a map (later entries win). */
  env: Record<string, string>;
  labels: Record<string, string>;
  /** `PYTHON_VERSION` from the environment, as the official image sets it. */
  pythonVersion?: string;
}

export interface ResolvedPlatform extends PlatformDigest {
  created?: string;
  pythonVersion?: string;
}

export interface ResolvedDigest {
  /** The host that answered (a mirror's when one is configured). */
  host: string;
  /** Digest of what the reference names: the index for multi-platform images. */
  digest: string;
  mediaType: string;
  platforms: ResolvedPlatform[];
  /** Creation time: the index annotation when present, else the image config's `created`. */
  created?: string;
  /** UTC calendar date of `created`. */
  createdDate?: string;
  pythonVersion?: string;
  annotations: { created?: string; version?: string; baseName?: string };
}

export interface ResolveOptions {
  /** Read every platform's config (created date, PYTHON_VERSION per platform); default only one. */
  allPlatforms?: boolean;
  /** Platform whose config answers `created` / `pythonVersion` (default amd64, else the first). */
  arch?: Arch;
}

export interface RegistryClient {
  listTags(
    registry: string | undefined,
    repository: string,
    options?: { pageSize?: number; maxTags?: number },
  ): Promise<TagList>;
  headManifest(registry: string | undefined, repository: string, reference: string): Promise<ManifestHead>;
  getManifest(registry: string | undefined, repository: string, reference: string): Promise<Manifest>;
  getImageConfig(registry: string | undefined, repository: string, digest: string): Promise<ImageConfig>;
  resolveDigest(ref: ImageRef | string, options?: ResolveOptions): Promise<ResolvedDigest>;
  /** Releases the connection pool when the client created its own fetcher. */
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------------------

function stringRecord(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>))
      if (typeof v === 'string') out[k] = v;
  }
  return out;
}

function parseDescriptor(value: unknown): Descriptor | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const d = value as Record<string, unknown>;
  if (typeof d.digest !== 'string') return undefined;
  const out: Descriptor = { digest: d.digest, annotations: stringRecord(d.annotations) };
  if (typeof d.mediaType === 'string') out.mediaType = d.mediaType;
  if (typeof d.size === 'number') out.size = d.size;
  if (d.platform && typeof d.platform === 'object') {
    const p = d.platform as Record<string, unknown>;
    if (typeof p.os === 'string' && typeof p.architecture === 'string') {
      out.platform = { os: p.os, architecture: p.architecture };
      if (typeof p.variant === 'string' && p.variant) out.platform.variant = p.variant;
      if (typeof p['os.version'] === 'string') out.platform.osVersion = p['os.version'];
    }
  }
  return out;
}

/** `os/architecture[/variant]`. */
export function platformString(platform: Platform): string {
  return `${platform.os}/${platform.architecture}${platform.variant ? `/${platform.variant}` : ''}`;
}

/** The pybase architecture of an OCI platform, when it is one pybase knows. */
export function archOfPlatform(platform: Platform): Arch | undefined {
  if (platform.os === 'windows') return normalizeArch(`windows/${platform.architecture}`);
  return normalizeArch(platformString(platform)) ?? normalizeArch(`${platform.os}/${platform.architecture}`);
}

/**
 * Per-platform digests of an index, without attestation manifests (BuildKit adds those with platform
 * `unknown/unknown` and a `vnd.docker.reference.type` annotation). A single-image manifest has none.
 */
export function platformDigests(manifest: Manifest): PlatformDigest[] {
  const out: PlatformDigest[] = [];
  for (const entry of manifest.manifests) {
    if (!entry.platform) continue;
    if (entry.annotations[annotationKeys.referenceType]) continue;
    if (entry.platform.os === 'unknown') continue;
    const arch = archOfPlatform(entry.platform);
    out.push({ ...(arch ? { arch } : {}), platform: platformString(entry.platform), digest: entry.digest });
  }
  return out;
}

/** Reads an image config blob. */
export function parseImageConfig(body: Uint8Array, digest: string): ImageConfig | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(decodeBody(body));
  } catch {
    return undefined;
  }
  if (!raw || typeof raw !== 'object') return undefined;
  const c = raw as Record<string, unknown>;
  const inner = (c.config && typeof c.config === 'object' ? c.config : {}) as Record<string, unknown>;
  const env: Record<string, string> = {};
  if (Array.isArray(inner.Env)) {
    for (const item of inner.Env) {
      if (typeof item !== 'string') continue;
      const eq = item.indexOf('=');
      if (eq > 0) env[item.slice(0, eq)] = item.slice(eq + 1);
    }
  }
  const out: ImageConfig = { digest, env, labels: stringRecord(inner.Labels) };
  if (typeof c.created === 'string') out.created = c.created;
  if (typeof c.os === 'string') out.os = c.os;
  if (typeof c.architecture === 'string') out.architecture = c.architecture;
  if (typeof c.variant === 'string') out.variant = c.variant;
  if (env.PYTHON_VERSION) out.pythonVersion = env.PYTHON_VERSION;
  return out;
}

/**
 * The `rel="next"` target of a `Link` header (RFC 8288), resolved against `base`. Handles several links
 * in one header, quoted or bare `rel` values and extra parameters.
 */
export function nextLink(header: string | undefined, base: string): string | undefined {
  if (!header) return undefined;
  const linkPattern = /<([^<>]*)>((?:\s*;\s*[^;,]+(?:=(?:"[^"]*"|[^;,]*))?)*)/g;
  for (const match of header.matchAll(linkPattern)) {
    const params = match[2] ?? '';
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^;,\s]+))/i.exec(params);
    const rels = (rel?.[1] ?? rel?.[2] ?? '').toLowerCase().split(/\s+/);
    if (rels.includes('next')) {
      try {
        return new URL(match[1] ?? '', base).href;
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** The UTC calendar date of an RFC 3339 timestamp, or undefined when it is not one. */
export function utcDateOf(timestamp: string | undefined): string | undefined {
  if (!timestamp) return undefined;
  if (/^\d{4}-\d{2}-\d{2}$/.test(timestamp)) return timestamp;
  if (!/^\d{4}-\d{2}-\d{2}T/.test(timestamp)) return undefined;
  const ms = Date.parse(timestamp);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString().slice(0, 10);
}

function sha256Digest(body: Uint8Array): string {
  return `sha256:${createHash('sha256').update(body).digest('hex')}`;
}

// ---------------------------------------------------------------------------------------------------------
// The client
// ---------------------------------------------------------------------------------------------------------

interface Endpoint {
  /** How the caller named the registry (for messages). */
  name: string;
  /** Host actually asked (the mirror's when one is configured). */
  host: string;
  /** `https://host` or `http://host`. */
  base: string;
}

interface CachedToken {
  header: string;
  expiresAt: number;
}

const loopbackHosts = /^(?:localhost|127\.\d+\.\d+\.\d+|\[::1\])(?::\d+)?$/i;

function registryErrorHint(
  reason: NetworkErrorReason | undefined,
  endpoint: Endpoint,
  helper?: string,
): string {
  switch (reason) {
    case 'unauthorized':
      return helper
        ? `${endpoint.name} needs credentials, and your docker configuration keeps them in ${helper}, which pybase cannot run; put an "auth" entry for ${endpoint.host} under "auths" in the docker config, or pass credentials explicitly.`
        : `${endpoint.name} refused the request; run \`docker login ${endpoint.host}\` (pybase reads "auths" in ~/.docker/config.json) or check the image name.`;
    case 'rate-limited':
      return `${endpoint.name} limits pull rates; log in (docker login) for a higher limit, wait, or configure a mirror.`;
    case 'connection':
    case 'timeout':
    case 'deadline':
      return `Could not reach ${endpoint.host}; check your network or proxy, configure a mirror, or use --offline.`;
    case 'offline':
      return 'Drop --offline to ask the registry.';
    default:
      return `Check the image name and that ${endpoint.host} is a registry (it must serve /v2/).`;
  }
}

export function createRegistryClient(options: RegistryClientOptions = {}): RegistryClient {
  const ownFetcher = options.fetcher ? undefined : createDefaultFetcher();
  const inner: Fetcher = options.fetcher ?? (ownFetcher as Fetcher);
  /** Origins an Authorization header may be sent to: registries asked and the token realms they named. */
  const trustedOrigins = new Set<string>();
  const guarded = Object.assign(
    (url: string, init: Parameters<Fetcher>[1]) => {
      let origin = '';
      try {
        origin = new URL(url).origin;
      } catch {
        // the HTTP layer rejects invalid URLs before calling the fetcher
      }
      if (init.headers.authorization !== undefined && !trustedOrigins.has(origin)) {
        const { authorization: _dropped, ...rest } = init.headers;
        return inner(url, { ...init, headers: rest });
      }
      return inner(url, init);
    },
    inner.offline ? { offline: true as const } : {},
  ) as Fetcher;
  const http: HttpClient = createHttpClient({ ...options.http, fetcher: guarded });
  const clock: Clock = http.clock;
  const tokens = new Map<string, CachedToken>();
  const basicOrigins = new Set<string>();
  const challenges = new Map<string, AuthChallenge>();
  const tagCache = new Map<string, { list: TagList; at: number }>();
  const tagTtl = options.tagCacheTtlMs ?? 10 * 60 * 1000;
  const concurrency = options.concurrency ?? 4;
  /** Every secret this client has held, removed from any text it produces. */
  const secrets: string[] = [];

  const explicitCredentials = new Map<string, RegistryCredentials>();
  for (const [key, value] of Object.entries(options.credentials ?? {})) {
    explicitCredentials.set(normalizeRegistryHost(key), value);
  }
  const insecure = new Set((options.insecure ?? []).map((h) => h.toLowerCase()));
  const mirrors = new Map<string, string>();
  for (const [key, value] of Object.entries(options.mirrors ?? {})) mirrors.set(key.toLowerCase(), value);

  function endpointOf(registry: string | undefined): Endpoint {
    const hub = isDockerHub(registry);
    const written = (registry ?? 'docker.io').toLowerCase();
    const canonical = hub ? dockerHubRegistry : written;
    const mirror =
      mirrors.get(written) ??
      mirrors.get(canonical) ??
      (hub ? (mirrors.get('docker.io') ?? mirrors.get('index.docker.io')) : undefined);
    const name = hub ? 'Docker Hub (docker.io)' : `registry ${written}`;
    if (mirror) {
      const withScheme = /^[a-z]+:\/\//i.test(mirror) ? mirror : `${schemeOf(mirror)}://${mirror}`;
      const url = new URL(withScheme);
      return { name: `${name} via mirror ${url.host}`, host: url.host, base: `${url.protocol}//${url.host}` };
    }
    return { name, host: canonical, base: `${schemeOf(canonical)}://${canonical}` };
  }

  function schemeOf(host: string): 'http' | 'https' {
    const h = host.toLowerCase();
    return loopbackHosts.test(h) || insecure.has(h) ? 'http' : 'https';
  }

  function credentialsFor(endpoint: Endpoint): CredentialLookup {
    const host = endpoint.host;
    const explicit = explicitCredentials.get(normalizeRegistryHost(host));
    if (explicit) return { kind: 'credentials', credentials: explicit, source: 'options' };
    return dockerConfigCredentials(options.dockerConfig, host);
  }

  function remember(secret: string | undefined): void {
    if (secret && !secrets.includes(secret)) secrets.push(secret);
  }

  function fail(
    endpoint: Endpoint,
    reason: NetworkErrorReason,
    url: string,
    message: string,
    extra: { status?: number; hint?: string; data?: Record<string, unknown> } = {},
  ): PybaseError {
    const lookup = credentialsFor(endpoint);
    return networkError({
      reason,
      url,
      message: redactText(`${endpoint.name}: ${message}`, secrets),
      hint:
        extra.hint ??
        registryErrorHint(reason, endpoint, lookup.kind === 'helper' ? lookup.helper : undefined),
      ...(extra.status !== undefined ? { status: extra.status } : {}),
      data: { registry: endpoint.host, ...extra.data },
    });
  }

  /** Re-labels an error of the HTTP layer with the registry's name and a registry-specific hint. */
  function relabel(endpoint: Endpoint, error: unknown): unknown {
    if (!(error instanceof PybaseError) || error.diagnostic.code !== inputCodes.network) return error;
    const d = error.diagnostic;
    const reason = networkErrorReason(error) ?? 'bad-response';
    const url = typeof d.data?.url === 'string' ? d.data.url : endpoint.base;
    const status = typeof d.data?.status === 'number' ? d.data.status : undefined;
    const code = typeof d.data?.errorCode === 'string' ? d.data.errorCode : undefined;
    return fail(endpoint, reason, url, d.message, {
      ...(status !== undefined ? { status } : {}),
      // A name that does not resolve is said as the HTTP layer says it: no mirror helps a typo.
      ...(reason === 'offline' || code === 'ENOTFOUND'
        ? { hint: d.hint ?? registryErrorHint(reason, endpoint) }
        : {}),
      data: {
        ...(code !== undefined ? { errorCode: code } : {}),
        ...(typeof d.data?.attempts === 'number' ? { attempts: d.data.attempts } : {}),
      },
    });
  }

  function tokenKey(endpoint: Endpoint, scope: string): string {
    return `${endpoint.base} ${scope}`;
  }

  async function fetchToken(endpoint: Endpoint, challenge: AuthChallenge, scope: string): Promise<string> {
    let url: URL;
    try {
      url = tokenRequestUrl(challenge, [scope]);
    } catch {
      throw fail(
        endpoint,
        'bad-response',
        endpoint.base,
        'asked for a Bearer token but named no usable realm',
        {
          hint: `${endpoint.host} sent a malformed WWW-Authenticate header; report it to its operator.`,
        },
      );
    }
    trustedOrigins.add(url.origin);
    const lookup = credentialsFor(endpoint);
    let auth: BasicCredentials | undefined;
    if (lookup.kind === 'credentials') {
      auth = { username: lookup.credentials.username, password: lookup.credentials.password };
      remember(lookup.credentials.password);
      remember(lookup.credentials.identityToken);
    }
    let response: HttpResponse;
    try {
      response = await http.request({
        url: url.href,
        headers: { accept: 'application/json' },
        ...(auth?.password ? { auth } : {}),
        acceptStatus: [401, 403],
        maxBodyBytes: 1024 * 1024,
      });
    } catch (error) {
      throw relabel(endpoint, error);
    }
    if (response.status === 401 || response.status === 403) {
      throw fail(
        endpoint,
        'unauthorized',
        url.href,
        `the token service at ${url.host} refused ${auth ? 'the credentials' : 'an anonymous token'} (${response.status})`,
        { status: response.status },
      );
    }
    const answer = parseTokenAnswer(decodeBody(response.body, response.headers['content-type']));
    if (!answer) {
      throw fail(
        endpoint,
        'bad-response',
        url.href,
        `the token service at ${url.host} answered without a token`,
        {
          hint: `Check that ${url.host} is the registry's token service.`,
        },
      );
    }
    remember(answer.token);
    const header = `Bearer ${answer.token}`;
    // Renew a little early so a token does not expire between the check and the request.
    tokens.set(tokenKey(endpoint, scope), {
      header,
      expiresAt: clock.now() + Math.max(1, answer.expiresIn - 5) * 1000,
    });
    return header;
  }

  /**
   * One registry request with authentication: a cached token or Basic credentials first, then, on a 401,
   * whatever the challenge asks for, once.
   */
  async function registryRequest(
    endpoint: Endpoint,
    path: string,
    request: { method?: 'GET' | 'HEAD'; accept?: string; scope: string; maxBodyBytes?: number; url?: string },
  ): Promise<HttpResponse> {
    const url = request.url ?? `${endpoint.base}${path}`;
    trustedOrigins.add(new URL(endpoint.base).origin);
    const lookup = credentialsFor(endpoint);
    const basic =
      lookup.kind === 'credentials' && basicOrigins.has(endpoint.base)
        ? { username: lookup.credentials.username, password: lookup.credentials.password }
        : undefined;
    let authorization: string | undefined;
    const cached = tokens.get(tokenKey(endpoint, request.scope));
    if (cached && cached.expiresAt > clock.now()) authorization = cached.header;

    for (let round = 0; ; round++) {
      let response: HttpResponse;
      try {
        response = await http.request({
          url,
          method: request.method ?? 'GET',
          headers: {
            ...(request.accept ? { accept: request.accept } : {}),
            ...(authorization ? { authorization } : {}),
          },
          ...(basic && !authorization ? { auth: basic } : {}),
          acceptStatus: [401, 403, 404],
          ...(request.maxBodyBytes ? { maxBodyBytes: request.maxBodyBytes } : {}),
        });
      } catch (error) {
        throw relabel(endpoint, error);
      }
      if (response.status !== 401) return response;

      const challengeHeader = response.headers['www-authenticate'] ?? '';
      const parsed = parseWwwAuthenticate(challengeHeader);
      const bearer = findChallenge(parsed, 'bearer');
      const basicChallenge = findChallenge(parsed, 'basic');
      if (round === 0 && bearer) {
        challenges.set(endpoint.base, bearer);
        authorization = await fetchToken(endpoint, bearer, request.scope);
        continue;
      }
      if (
        round === 0 &&
        basicChallenge &&
        lookup.kind === 'credentials' &&
        !basicOrigins.has(endpoint.base)
      ) {
        basicOrigins.add(endpoint.base);
        remember(lookup.credentials.password);
        return registryRequest(endpoint, path, request);
      }
      const who =
        lookup.kind === 'credentials' ? `with the credentials from ${lookup.source}` : 'without credentials';
      const insufficient = bearer?.params.error === 'insufficient_scope';
      throw fail(
        endpoint,
        'unauthorized',
        url,
        `${request.method ?? 'GET'} ${redact(url)} was refused ${who} (401${insufficient ? ', insufficient scope' : ''})`,
        {
          status: 401,
          ...(insufficient && lookup.kind !== 'helper'
            ? {
                hint: `${endpoint.name} denies ${request.scope}: the repository may not exist, or needs credentials (docker login ${endpoint.host}).`,
              }
            : {}),
        },
      );
    }
  }

  function checkName(endpoint: Endpoint, repository: string): void {
    if (
      !/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/.test(repository)
    ) {
      throw new PybaseError({
        code: inputCodes.badReference,
        severity: 'error',
        message: `'${repository}' is not a repository name ${endpoint.name} could serve`,
        hint: 'repository names are lower-case path components: library/python',
      });
    }
  }

  function notFound(endpoint: Endpoint, url: string, what: string, status: number): PybaseError {
    return fail(endpoint, 'http-status', url, `${what} was not found (${status})`, {
      status,
      hint: `Check the image name and tag; ${endpoint.host} does not have it.`,
      data: { notFound: true },
    });
  }

  async function listTags(
    registry: string | undefined,
    repository: string,
    listOptions: { pageSize?: number; maxTags?: number } = {},
  ): Promise<TagList> {
    const location = canonicalLocation(registry, repository);
    const endpoint = endpointOf(registry);
    checkName(endpoint, location.repository);
    const pageSize = Math.max(1, Math.floor(listOptions.pageSize ?? options.tagPageSize ?? 1000));
    const maxTags = Math.max(1, Math.floor(listOptions.maxTags ?? options.maxTags ?? 20_000));
    const key = `${endpoint.base} ${location.repository} ${pageSize} ${maxTags}`;
    const known = tagCache.get(key);
    if (known && clock.now() - known.at < tagTtl)
      return { ...known.list, tags: [...known.list.tags], cached: true };

    const tags: string[] = [];
    const seen = new Set<string>();
    const visited = new Set<string>();
    let next: string | undefined = `${endpoint.base}/v2/${location.repository}/tags/list?n=${pageSize}`;
    let pages = 0;
    let truncated = false;
    while (next) {
      if (visited.has(next)) {
        throw fail(
          endpoint,
          'bad-response',
          next,
          `the tag list of ${location.repository} links back to a page already read`,
          {
            hint: `${endpoint.host} paginates in a loop; report it to its operator.`,
          },
        );
      }
      visited.add(next);
      const pageUrl = new URL(next);
      if (pageUrl.origin !== new URL(endpoint.base).origin) {
        throw fail(endpoint, 'bad-response', next, `the tag list links to another server (${pageUrl.host})`, {
          hint: `${endpoint.host} sent a Link header pointing elsewhere; pybase does not follow it with credentials.`,
        });
      }
      const response = await registryRequest(endpoint, '', {
        url: next,
        accept: 'application/json',
        scope: `repository:${location.repository}:pull`,
        maxBodyBytes: 16 * 1024 * 1024,
      });
      if (response.status === 404 || response.status === 403) {
        throw notFound(endpoint, next, `repository ${location.repository}`, response.status);
      }
      pages++;
      let body: unknown;
      try {
        body = JSON.parse(decodeBody(response.body, response.headers['content-type']));
      } catch {
        body = undefined;
      }
      const pageTags = (body as { tags?: unknown } | undefined)?.tags;
      if (
        !body ||
        typeof body !== 'object' ||
        (pageTags !== null && pageTags !== undefined && !Array.isArray(pageTags))
      ) {
        throw fail(
          endpoint,
          'bad-response',
          next,
          `the tag list of ${location.repository} is not the expected JSON`,
          {
            hint: `Check that ${endpoint.host} is a registry.`,
          },
        );
      }
      for (const tag of (pageTags ?? []) as unknown[]) {
        if (typeof tag !== 'string' || seen.has(tag)) continue;
        if (tags.length >= maxTags) {
          truncated = true;
          break;
        }
        seen.add(tag);
        tags.push(tag);
      }
      next = nextLink(response.headers.link, response.url);
      if (truncated || (next && tags.length >= maxTags)) {
        truncated = truncated || next !== undefined;
        break;
      }
    }
    const list: TagList = {
      registry: registry ?? 'docker.io',
      host: endpoint.host,
      repository: location.repository,
      tags,
      pages,
      truncated,
      cached: false,
    };
    tagCache.set(key, { list: { ...list, tags: [...tags] }, at: clock.now() });
    return list;
  }

  function checkReference(endpoint: Endpoint, reference: string): void {
    if (
      reference.startsWith('sha256:')
        ? !digestPattern.test(reference)
        : !/^[\w][\w.-]{0,127}$/.test(reference)
    ) {
      throw new PybaseError({
        code: inputCodes.badReference,
        severity: 'error',
        message: `'${reference}' is neither a tag nor a sha256 digest ${endpoint.name} could serve`,
        hint: 'use a tag (3.12-slim) or sha256: followed by 64 hex digits',
      });
    }
  }

  /** Where a manifest lives, after checking the repository name and the tag or digest. */
  function manifestTarget(registry: string | undefined, repository: string, reference: string) {
    const location = canonicalLocation(registry, repository);
    const endpoint = endpointOf(registry);
    checkName(endpoint, location.repository);
    checkReference(endpoint, reference);
    return { location, endpoint, path: `/v2/${location.repository}/manifests/${reference}` };
  }

  async function headManifest(
    registry: string | undefined,
    repository: string,
    reference: string,
  ): Promise<ManifestHead> {
    const { location, endpoint, path } = manifestTarget(registry, repository, reference);
    const response = await registryRequest(endpoint, path, {
      method: 'HEAD',
      accept: manifestAccept,
      scope: `repository:${location.repository}:pull`,
    });
    if (response.status === 404 || response.status === 403) {
      throw notFound(endpoint, response.url, `${location.repository}:${reference}`, response.status);
    }
    const digest = response.headers['docker-content-digest'];
    const size = Number(response.headers['content-length']);
    const mediaType = response.headers['content-type']?.split(';')[0]?.trim();
    return {
      registry: registry ?? 'docker.io',
      repository: location.repository,
      reference,
      ...(digest ? { digest } : {}),
      ...(mediaType ? { mediaType } : {}),
      ...(Number.isFinite(size) && response.headers['content-length'] ? { size } : {}),
    };
  }

  async function getManifest(
    registry: string | undefined,
    repository: string,
    reference: string,
  ): Promise<Manifest> {
    const { location, endpoint, path } = manifestTarget(registry, repository, reference);
    const response = await registryRequest(endpoint, path, {
      accept: manifestAccept,
      scope: `repository:${location.repository}:pull`,
      maxBodyBytes: 4 * 1024 * 1024,
    });
    const shown = `${location.repository}${reference.startsWith('sha256:') ? '@' : ':'}${reference}`;
    if (response.status === 404 || response.status === 403)
      throw notFound(endpoint, response.url, shown, response.status);

    const computed = sha256Digest(response.body);
    const header = response.headers['docker-content-digest'];
    if (header?.startsWith('sha256:') && header !== computed) {
      throw fail(
        endpoint,
        'bad-response',
        response.url,
        `the manifest of ${shown} does not match its digest: the registry says ${header}, the body hashes to ${computed}`,
        {
          hint: `The answer from ${endpoint.host} was altered or corrupted (a proxy?); retry, or use another registry or mirror.`,
          data: { digestMismatch: true },
        },
      );
    }
    if (reference.startsWith('sha256:') && reference !== computed) {
      throw fail(
        endpoint,
        'bad-response',
        response.url,
        `the manifest asked for as ${reference} hashes to ${computed}`,
        {
          hint: `The answer from ${endpoint.host} was altered or corrupted; retry, or use another registry or mirror.`,
          data: { digestMismatch: true },
        },
      );
    }
    let raw: unknown;
    try {
      raw = JSON.parse(decodeBody(response.body));
    } catch {
      raw = undefined;
    }
    if (!raw || typeof raw !== 'object') {
      throw fail(endpoint, 'bad-response', response.url, `the manifest of ${shown} is not JSON`, {
        hint: `Check that ${endpoint.host} is a registry.`,
      });
    }
    const m = raw as Record<string, unknown>;
    const headerType = response.headers['content-type']?.split(';')[0]?.trim();
    const mediaType =
      (typeof m.mediaType === 'string' ? m.mediaType : undefined) ??
      headerType ??
      (Array.isArray(m.manifests) ? mediaTypes.ociIndex : mediaTypes.ociManifest);
    const isIndex = indexTypes.has(mediaType) || (!imageTypes.has(mediaType) && Array.isArray(m.manifests));
    if (!isIndex && !imageTypes.has(mediaType) && !m.config) {
      throw fail(
        endpoint,
        'bad-response',
        response.url,
        `the manifest of ${shown} has media type ${mediaType}, which pybase does not read`,
        {
          hint: 'pybase reads OCI and Docker v2 manifests and indexes; schema 1 manifests are not supported.',
        },
      );
    }
    const descriptors = (value: unknown) =>
      Array.isArray(value) ? value.map(parseDescriptor).filter((d): d is Descriptor => d !== undefined) : [];
    const config = isIndex ? undefined : parseDescriptor(m.config);
    return {
      registry: registry ?? 'docker.io',
      host: endpoint.host,
      repository: location.repository,
      reference,
      kind: isIndex ? 'index' : 'image',
      mediaType,
      digest: computed,
      size: response.body.byteLength,
      annotations: stringRecord(m.annotations),
      manifests: isIndex ? descriptors(m.manifests) : [],
      ...(config ? { config } : {}),
      layers: isIndex ? [] : descriptors(m.layers),
    };
  }

  async function getImageConfig(
    registry: string | undefined,
    repository: string,
    digest: string,
  ): Promise<ImageConfig> {
    const location = canonicalLocation(registry, repository);
    const endpoint = endpointOf(registry);
    checkName(endpoint, location.repository);
    if (!digestPattern.test(digest)) checkReference(endpoint, digest);
    const path = `/v2/${location.repository}/blobs/${digest}`;
    const response = await registryRequest(endpoint, path, {
      accept: `${mediaTypes.ociConfig}, ${mediaTypes.dockerConfig}, application/json, */*`,
      scope: `repository:${location.repository}:pull`,
      maxBodyBytes: 8 * 1024 * 1024,
    });
    if (response.status === 404 || response.status === 403) {
      throw notFound(
        endpoint,
        response.url,
        `config blob ${digest} of ${location.repository}`,
        response.status,
      );
    }
    const computed = sha256Digest(response.body);
    if (computed !== digest) {
      throw fail(endpoint, 'bad-response', response.url, `the config blob ${digest} hashes to ${computed}`, {
        hint: `The answer from ${endpoint.host} was altered or corrupted; retry, or use another registry or mirror.`,
        data: { digestMismatch: true },
      });
    }
    const config = parseImageConfig(response.body, digest);
    if (!config) {
      throw fail(
        endpoint,
        'bad-response',
        response.url,
        `the config blob ${digest} is not an image configuration`,
        {
          hint: `Check that ${location.repository} is a container image.`,
        },
      );
    }
    return config;
  }

  async function resolveDigest(
    refInput: ImageRef | string,
    resolveOptions: ResolveOptions = {},
  ): Promise<ResolvedDigest> {
    const ref = typeof refInput === 'string' ? parseReference(refInput, options.reference) : refInput;
    const reference = ref.digest ?? ref.tag ?? 'latest';
    const manifest = await getManifest(ref.registry, ref.repository, reference);
    const annotations = manifestAnnotations(manifest.annotations);
    const platforms: ResolvedPlatform[] = [];
    let primary: ImageConfig | undefined;

    if (manifest.kind === 'index') {
      const digests = platformDigests(manifest);
      const wanted = resolveOptions.arch ?? 'amd64';
      const primaryIndex = Math.max(
        0,
        digests.findIndex((p) => p.arch === wanted),
      );
      const chosen = resolveOptions.allPlatforms
        ? digests.map((_, i) => i)
        : digests.length > 0
          ? [primaryIndex]
          : [];
      const configs = new Map<number, ImageConfig>();
      await mapLimit(chosen, concurrency, async (i) => {
        const entry = digests[i] as PlatformDigest;
        const image = await getManifest(ref.registry, ref.repository, entry.digest);
        if (image.kind !== 'image' || !image.config) return;
        configs.set(i, await getImageConfig(ref.registry, ref.repository, image.config.digest));
      });
      digests.forEach((entry, i) => {
        const config = configs.get(i);
        platforms.push({
          ...entry,
          ...(config?.created ? { created: config.created } : {}),
          ...(config?.pythonVersion ? { pythonVersion: config.pythonVersion } : {}),
        });
      });
      primary = configs.get(primaryIndex);
    } else if (manifest.config) {
      primary = await getImageConfig(ref.registry, ref.repository, manifest.config.digest);
      const platform: Platform | undefined =
        primary.os && primary.architecture
          ? {
              os: primary.os,
              architecture: primary.architecture,
              ...(primary.variant ? { variant: primary.variant } : {}),
            }
          : undefined;
      if (platform) {
        const arch = archOfPlatform(platform);
        platforms.push({
          ...(arch ? { arch } : {}),
          platform: platformString(platform),
          digest: manifest.digest,
          ...(primary.created ? { created: primary.created } : {}),
          ...(primary.pythonVersion ? { pythonVersion: primary.pythonVersion } : {}),
        });
      }
    }
    const created = annotations.created ?? primary?.created;
    const createdDate = utcDateOf(created);
    return {
      host: manifest.host,
      digest: manifest.digest,
      mediaType: manifest.mediaType,
      platforms,
      ...(created ? { created } : {}),
      ...(createdDate ? { createdDate } : {}),
      ...(primary?.pythonVersion ? { pythonVersion: primary.pythonVersion } : {}),
      annotations,
    };
  }

  return {
    listTags,
    headManifest,
    getManifest,
    getImageConfig,
    resolveDigest,
    close: async () => {
      await ownFetcher?.close();
    },
  };
}

function manifestAnnotations(annotations: Record<string, string>): ResolvedDigest['annotations'] {
  const out: ResolvedDigest['annotations'] = {};
  if (annotations[annotationKeys.created]) out.created = annotations[annotationKeys.created];
  if (annotations[annotationKeys.version]) out.version = annotations[annotationKeys.version];
  if (annotations[annotationKeys.baseName]) out.baseName = annotations[annotationKeys.baseName];
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// `pybase tag REF --online`
// ---------------------------------------------------------------------------------------------------------

export interface OnlineLookup {
  /** The reference as given. */
  reference: string;
  /** Registry host as written (`docker.io` when none), and the host that answered. */
  registry: string;
  host: string;
  /** Repository path on the wire (`library/python`). */
  repository: string;
  /** Tag looked up (absent when the reference was a bare digest). */
  tag?: string;
  /** The live digest of the tag (the index digest for multi-platform images). */
  digest: string;
  mediaType: string;
  /** True when the reference carried a digest and it equals the live one; undefined when it carried none. */
  pinnedDigestCurrent?: boolean;
  /** The reference pinned to the live digest, keeping registry and repository as written. */
  pinned: string;
  platforms: ResolvedPlatform[];
  created?: string;
  createdDate?: string;
  pythonVersion?: string;
  annotations: ResolvedDigest['annotations'];
}

export interface LookupOnlineOptions extends RegistryClientOptions {
  /** Reuse a client (its token and tag caches) instead of making one per call. */
  client?: RegistryClient;
  /** Read every platform's config for per-platform created dates (default true). */
  allPlatforms?: boolean;
}

/**
 * What the registry says about a reference right now: the live digest of its tag, the digest and creation
 * date of every platform, `PYTHON_VERSION`, and the index annotations. For a reference written with both a
 * tag and a digest, the tag is looked up and `pinnedDigestCurrent` tells whether the written digest is
 * still the live one.
 */
export async function lookupOnline(
  refInput: ImageRef | string,
  options: LookupOnlineOptions = {},
): Promise<OnlineLookup> {
  const ref = typeof refInput === 'string' ? parseReference(refInput, options.reference) : refInput;
  const client = options.client ?? createRegistryClient(options);
  try {
    const byTag = ref.tag !== undefined || ref.digest === undefined;
    const target: ImageRef = byTag ? { ...ref, tag: ref.tag ?? 'latest' } : ref;
    const { digest: _written, ...withoutDigest } = target;
    const resolved = await client.resolveDigest(byTag ? (withoutDigest as ImageRef) : target, {
      allPlatforms: options.allPlatforms ?? true,
    });
    const location = canonicalLocation(ref.registry, ref.repository);
    return {
      reference: ref.raw,
      registry: ref.registry ?? 'docker.io',
      host: resolved.host,
      repository: location.repository,
      ...(byTag ? { tag: target.tag as string } : {}),
      digest: resolved.digest,
      mediaType: resolved.mediaType,
      ...(ref.digest !== undefined && byTag ? { pinnedDigestCurrent: ref.digest === resolved.digest } : {}),
      pinned: formatReference({
        ...(ref.registry !== undefined ? { registry: ref.registry } : {}),
        repository: ref.repository,
        ...(byTag ? { tag: target.tag as string } : {}),
        digest: resolved.digest,
      }),
      platforms: resolved.platforms,
      ...(resolved.created ? { created: resolved.created } : {}),
      ...(resolved.createdDate ? { createdDate: resolved.createdDate } : {}),
      ...(resolved.pythonVersion ? { pythonVersion: resolved.pythonVersion } : {}),
      annotations: resolved.annotations,
    };
  } finally {
    if (!options.client) await client.close();
  }
}
