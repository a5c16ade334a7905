/**
 * The one way pybase talks HTTP.
 *
 * Every network access goes through an injected {@link Fetcher}: the default one is built on undici with
 * keep-alive, tests pass their own, and `--offline` passes {@link offlineFetcher}, which throws before any
 * socket is opened. On top of the fetcher, {@link createHttpClient} adds what every caller needs: a timeout per
 * attempt and a deadline for the whole operation, retries with exponential backoff and jitter, `429` with
 * `Retry-After`, redirects with a limit and loop detection, a body size cap, content-type checks, and errors
 * that are `PybaseError` diagnostics (code `PBE008`) which never carry credentials.
 */

import type { Dispatcher } from 'undici';
import { type Diagnostic, inputCodes, PybaseError } from '../model/diagnostic.js';

// ---------------------------------------------------------------------------------------------------------
// Fetcher: the injected transport
// ---------------------------------------------------------------------------------------------------------

export type HttpMethod = 'GET' | 'HEAD';

/** What the client hands to a fetcher. Redirects are always handled by the client, never by the fetcher. */
export interface FetcherInit {
  method: HttpMethod;
  headers: Record<string, string>;
  signal: AbortSignal;
  redirect: 'manual';
}

/** The part of a WHATWG `Response` the client uses; both undici's and Node's global `fetch` satisfy it. */
export interface FetcherResponse {
  readonly status: number;
  readonly statusText?: string;
  readonly headers: {
    get(name: string): string | null;
    forEach(callback: (value: string, key: string) => void): void;
  };
  readonly body: (AsyncIterable<Uint8Array> & { cancel?(reason?: unknown): Promise<void> }) | null;
}

/** A fetch-like function. `offline` marks the fetcher used by `--offline` (see {@link isOfflineFetcher}). */
export type Fetcher = ((url: string, init: FetcherInit) => Promise<FetcherResponse>) & {
  readonly offline?: boolean;
};

/** A fetcher owning a connection pool that should be closed when the program is done with it. */
export type ClosableFetcher = Fetcher & { close(): Promise<void> };

export interface DefaultFetcherOptions {
  /** Honour HTTP_PROXY / HTTPS_PROXY / NO_PROXY from the environment (default true). */
  proxyFromEnv?: boolean;
  /** How long an idle keep-alive connection stays open (default 10 s). */
  keepAliveTimeoutMs?: number;
  /** Time allowed to open a TCP/TLS connection (default 10 s). */
  connectTimeoutMs?: number;
  /** Connections per origin (default: unlimited, bounded by the callers' concurrency limit). */
  connectionsPerOrigin?: number;
}

// undici is about 1 MB of bundled JavaScript: it is loaded on the first request rather than when this
// module is, so commands that never open a connection (`pybase tag`, `deps --offline`) do not pay for
// it at start-up (about 30 ms of module loading measured on `pybase tag`).
let undiciModule: Promise<typeof import('undici')> | undefined;
const loadUndici = () => {
  // Node gives the CommonJS exports both as named exports and as `default`; the esbuild bundle of the
  // CLI (code splitting) only as `default`. Reading `default` first works in both.
  undiciModule ??= import('undici').then(
    (m) => (m as typeof m & { default?: typeof import('undici') }).default ?? m,
  );
  return undiciModule;
};

/** Null-body statuses (no body to decode, as fetch treats them). */
const nullBodyStatuses = new Set([101, 204, 205, 304]);

/**
 * Decoders for a `content-encoding` list, outermost last, as undici's fetch builds them: gzip,
 * deflate (zlib-wrapped, the form RFC 9110 names), br and, where Node has it, zstd. An unknown
 * coding means the body is passed on undecoded; more than five codings is refused.
 */
async function decodersFor(contentEncoding: string): Promise<NodeJS.ReadWriteStream[]> {
  const codings = contentEncoding.toLowerCase().split(',');
  if (codings.length > 5) {
    throw new Error(`too many content-encodings in response: ${codings.length}, maximum allowed is 5`);
  }
  const zlib = await import('node:zlib');
  const { constants } = zlib;
  const decoders: NodeJS.ReadWriteStream[] = [];
  for (let i = codings.length - 1; i >= 0; i--) {
    const coding = (codings[i] as string).trim();
    // Lenient flushing, as fetch (and cURL) decode slightly truncated streams.
    const sync = { flush: constants.Z_SYNC_FLUSH, finishFlush: constants.Z_SYNC_FLUSH };
    if (coding === 'gzip' || coding === 'x-gzip') decoders.push(zlib.createGunzip(sync));
    else if (coding === 'deflate') decoders.push(zlib.createInflate(sync));
    else if (coding === 'br') {
      decoders.push(
        zlib.createBrotliDecompress({
          flush: constants.BROTLI_OPERATION_FLUSH,
          finishFlush: constants.BROTLI_OPERATION_FLUSH,
        }),
      );
    } else if (coding === 'zstd' && 'createZstdDecompress' in zlib) {
      const create = (zlib as unknown as { createZstdDecompress: () => NodeJS.ReadWriteStream })
        .createZstdDecompress;
      decoders.push(create());
    } else return [];
  }
  return decoders;
}

/**
 * The real fetcher: undici's `request` over one keep-alive connection pool, shaped like a `fetch`
 * response.
 *
 * Not undici's `fetch`: its WHATWG layers (Request and Response objects, web streams, header
 * guards) cost about 0.4 ms of CPU per request, which on a cold look-up of 300 projects at
 * concurrency 16 added a third to the wall time (every round of 16 answers is processed on one
 * thread before the next round starts). What `fetch` did that pybase relies on is done here:
 * `accept-encoding` as fetch sends it and transparent decoding of the body (the headers stay as
 * sent, so `content-encoding` tells that `content-length` counted other bytes), a default
 * `accept`, headers read case-insensitively and listed in name order, and a body that can be
 * cancelled. Redirects are never followed (the client handles them).
 */
export function createDefaultFetcher(options: DefaultFetcherOptions = {}): ClosableFetcher {
  const agentOptions = {
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 10_000,
    connect: { timeout: options.connectTimeoutMs ?? 10_000 },
    ...(options.connectionsPerOrigin ? { connections: options.connectionsPerOrigin } : {}),
  };
  let dispatcher: Promise<Dispatcher> | undefined;
  const dispatcherOf = () => {
    dispatcher ??= loadUndici().then(({ Agent, EnvHttpProxyAgent }) =>
      options.proxyFromEnv === false ? new Agent(agentOptions) : new EnvHttpProxyAgent(agentOptions),
    );
    return dispatcher;
  };
  const fetcher = async (url: string, init: FetcherInit): Promise<FetcherResponse> => {
    const pool = await dispatcherOf();
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(init.headers)) headers[name.toLowerCase()] = value;
    headers.accept ??= '*/*';
    headers['accept-encoding'] ??= url.startsWith('https:') ? 'br, gzip, deflate' : 'gzip, deflate';
    const target = new URL(url);
    const answer = await pool.request({
      origin: target.origin,
      path: `${target.pathname}${target.search}`,
      method: init.method,
      headers,
      signal: init.signal,
    });
    const names = Object.keys(answer.headers).sort();
    const headerValue = (name: string): string | null => {
      const value = answer.headers[name];
      if (value === undefined) return null;
      return Array.isArray(value) ? value.join(', ') : value;
    };
    // Destroying a body that has not ended makes undici emit an abort error: expected here.
    answer.body.on('error', () => {});
    let body: NodeJS.ReadableStream & AsyncIterable<Uint8Array> = answer.body;
    const encoding = headerValue('content-encoding');
    if (encoding && init.method !== 'HEAD' && !nullBodyStatuses.has(answer.statusCode)) {
      const decoders = await decodersFor(encoding);
      if (decoders.length > 0) {
        const { pipeline } = await import('node:stream');
        body = pipeline(answer.body, ...(decoders as [NodeJS.ReadWriteStream]), () => {
          // Errors reach the reader through the last stream.
        }) as unknown as NodeJS.ReadableStream & AsyncIterable<Uint8Array>;
      }
    }
    const last = body as unknown as { destroy(): void };
    return {
      status: answer.statusCode,
      statusText: answer.statusText,
      headers: {
        get: (name) => headerValue(name.toLowerCase()),
        forEach: (callback) => {
          for (const name of names) callback(headerValue(name) as string, name);
        },
      },
      body: Object.assign(body, {
        // As cancelling a fetch body does: stop reading and drop the connection.
        cancel: async () => {
          last.destroy();
          answer.body.destroy();
        },
      }),
    };
  };
  const close = async () => {
    if (dispatcher) await (await dispatcher).close();
  };
  return Object.assign(fetcher, { close });
}

/**
 * The `--offline` fetcher: refuses every request with a typed error (reason `offline`) before touching the
 * network. Callers that have a cache (see cache.ts) recognise it with {@link isOfflineFetcher} and answer
 * from disk instead.
 */
export const offlineFetcher: Fetcher = Object.assign(
  async (url: string, _init: FetcherInit): Promise<FetcherResponse> => {
    throw networkError({
      reason: 'offline',
      url,
      message: `offline mode: not fetching ${redact(url)}`,
      hint: 'Run once without --offline to fill the cache, or drop --offline.',
    });
  },
  { offline: true as const },
);

export function isOfflineFetcher(fetcher: Fetcher): boolean {
  return fetcher.offline === true;
}

// ---------------------------------------------------------------------------------------------------------
// Redaction
// ---------------------------------------------------------------------------------------------------------

/** Query parameters whose values are treated as secrets when a URL is shown to a user. */
const secretQueryParam =
  /^(?:token|access_token|auth|authorization|key|api[-_]?key|secret|password|passwd|pwd|sig|signature|x-amz-signature|x-amz-credential|x-amz-security-token|credential|code)$/i;

/**
 * A URL fit to show a user or write to a log: user name and password removed, secret-looking query
 * parameters replaced by `REDACTED`. Text that is not a URL gets any `scheme://user:pass@` part removed.
 */
export function redact(url: string | URL): string {
  let parsed: URL;
  try {
    parsed = typeof url === 'string' ? new URL(url) : new URL(url.href);
  } catch {
    return String(url).replace(/([a-z][a-z0-9+.-]{0,31}:\/\/)[^/@\s]*@/gi, '$1');
  }
  parsed.username = '';
  parsed.password = '';
  for (const name of [...parsed.searchParams.keys()]) {
    if (secretQueryParam.test(name)) parsed.searchParams.set(name, 'REDACTED');
  }
  return parsed.href;
}

/**
 * Removes every occurrence of the given secrets (and of URL userinfo) from a free text, for example an
 * error message produced by a lower layer that might echo a URL.
 */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(/([a-z][a-z0-9+.-]{0,31}:\/\/)[^/@\s]*@/gi, '$1');
  for (const secret of secrets) {
    if (secret.length < 1) continue;
    out = out.split(secret).join('REDACTED');
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) out = out.split(encoded).join('REDACTED');
  }
  return out;
}

/** Host (with port when there is one) of a URL, for messages; never includes credentials. */
export function hostOf(url: string | URL): string {
  try {
    return (typeof url === 'string' ? new URL(url) : url).host;
  } catch {
    return '(invalid URL)';
  }
}

// ---------------------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------------------

export type NetworkErrorReason =
  | 'offline'
  | 'invalid-url'
  | 'timeout'
  | 'deadline'
  | 'cancelled'
  | 'connection'
  | 'truncated'
  | 'http-status'
  | 'rate-limited'
  | 'unauthorized'
  | 'too-many-redirects'
  | 'redirect-loop'
  | 'bad-redirect'
  | 'too-large'
  | 'content-type'
  | 'bad-response'
  | 'not-cached';

export interface NetworkErrorInit {
  reason: NetworkErrorReason;
  url: string;
  message: string;
  hint: string;
  status?: number;
  attempts?: number;
  /** Extra structured data; must not contain secrets. */
  data?: Record<string, unknown>;
}

/** A `PBE008` PybaseError. The URL is always passed through {@link redact}. */
export function networkError(init: NetworkErrorInit): PybaseError {
  const diagnostic: Diagnostic = {
    code: inputCodes.network,
    severity: 'error',
    message: redactText(init.message),
    hint: init.hint,
    data: {
      reason: init.reason,
      host: hostOf(init.url),
      url: redact(init.url),
      ...(init.status !== undefined ? { status: init.status } : {}),
      ...(init.attempts !== undefined ? { attempts: init.attempts } : {}),
      ...init.data,
    },
  };
  return new PybaseError(diagnostic);
}

/** The reason of a network PybaseError, or undefined for anything else. */
export function networkErrorReason(error: unknown): NetworkErrorReason | undefined {
  if (!(error instanceof PybaseError) || error.diagnostic.code !== inputCodes.network) return undefined;
  const reason = error.diagnostic.data?.reason;
  return typeof reason === 'string' ? (reason as NetworkErrorReason) : undefined;
}

export function isNetworkError(error: unknown, reason?: NetworkErrorReason): error is PybaseError {
  const actual = networkErrorReason(error);
  return actual !== undefined && (reason === undefined || actual === reason);
}

// ---------------------------------------------------------------------------------------------------------
// Time
// ---------------------------------------------------------------------------------------------------------

/**
 * Wall-clock time for deadlines, `Retry-After` dates and cache ages. Injected so tests control it; the
 * default reads the system clock, which is the only place this layer looks at it.
 */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** Resolves after `ms`, or rejects with the signal's reason as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Parses a `Retry-After` header: delay-seconds or an HTTP date (RFC 9110 section 10.2.3).
 * Returns milliseconds to wait (never negative), or undefined when the value is unusable.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  if (!/[a-z]/i.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

// ---------------------------------------------------------------------------------------------------------
// The client
// ---------------------------------------------------------------------------------------------------------

/** Debug events; URLs are redacted, headers are never included. */
export type HttpEvent =
  | { type: 'attempt'; method: HttpMethod; url: string; attempt: number }
  | { type: 'retry'; url: string; attempt: number; delayMs: number; cause: string }
  | { type: 'redirect'; from: string; to: string; status: number }
  | { type: 'response'; url: string; status: number; bytes: number };

export interface HttpClientOptions {
  /** Transport; default {@link createDefaultFetcher}. */
  fetcher?: Fetcher;
  /** Time allowed to one attempt, headers and body (default 30 s). */
  timeoutMs?: number;
  /** Time allowed to a whole request: all attempts, waits and redirects (default 120 s). */
  deadlineMs?: number;
  /** Retries after the first attempt for 5xx, 408, 429 and network errors (default 3). */
  retries?: number;
  /** First backoff delay; doubles each retry, with jitter (default 250 ms). */
  backoffBaseMs?: number;
  /** Largest backoff delay (default 10 s). */
  backoffMaxMs?: number;
  /** Redirects followed before giving up (default 10). */
  maxRedirects?: number;
  /** Largest accepted body (default 64 MiB). */
  maxBodyBytes?: number;
  userAgent?: string;
  clock?: Clock;
  /** Source of jitter in [0, 1) (default Math.random). */
  random?: () => number;
  onEvent?: (event: HttpEvent) => void;
}

export interface BasicCredentials {
  username: string;
  password: string;
}

export interface HttpRequest {
  url: string;
  method?: HttpMethod;
  /** Extra request headers. Do not put credentials here; use `auth` or URL userinfo. */
  headers?: Record<string, string>;
  /**
   * Basic credentials, sent only to the origin of `url` (dropped when a redirect leaves it). Userinfo in
   * `url` is used the same way when `auth` is absent.
   */
  auth?: BasicCredentials;
  /**
   * Accepted media types of a 2xx body (`type/subtype`, or `type/*`); anything else fails with reason
   * `content-type`. Absent: no check.
   */
  contentTypes?: readonly string[];
  /** Non-2xx statuses returned to the caller instead of thrown (304 is always returned). */
  acceptStatus?: readonly number[];
  timeoutMs?: number;
  deadlineMs?: number;
  maxBodyBytes?: number;
  signal?: AbortSignal;
}

export interface HttpResponse {
  /** Final URL after redirects, without userinfo. */
  url: string;
  status: number;
  /** Response headers with lower-case names. */
  headers: Record<string, string>;
  body: Uint8Array;
  attempts: number;
  redirects: number;
}

export interface HttpClient {
  request(request: HttpRequest): Promise<HttpResponse>;
  readonly fetcher: Fetcher;
  readonly offline: boolean;
  readonly clock: Clock;
}

const redirectStatuses = new Set([301, 302, 303, 307, 308]);

export const defaultUserAgent = 'pybase (+https://github.com/pybase)';

/** The media type of a Content-Type header, lower-case, without parameters. */
export function mediaTypeOf(contentType: string | undefined | null): string | undefined {
  if (!contentType) return undefined;
  const type = contentType.split(';')[0]?.trim().toLowerCase();
  return type ? type : undefined;
}

/** The `charset` parameter of a Content-Type header, lower-case. */
export function charsetOf(contentType: string | undefined | null): string | undefined {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '');
  return match?.[1]?.toLowerCase();
}

/** Decodes a body as text, honouring a `charset` parameter when the runtime knows it (UTF-8 otherwise). */
export function decodeBody(body: Uint8Array, contentType?: string): string {
  const charset = charsetOf(contentType) ?? 'utf-8';
  try {
    return new TextDecoder(charset).decode(body);
  } catch {
    return new TextDecoder('utf-8').decode(body);
  }
}

function mediaTypeMatches(actual: string | undefined, accepted: readonly string[]): boolean {
  if (!actual) return false;
  return accepted.some((want) => {
    const w = want.toLowerCase();
    return w.endsWith('/*') ? actual.startsWith(w.slice(0, -1)) : actual === w;
  });
}

function basicAuthorization(credentials: BasicCredentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`, 'utf8').toString('base64')}`;
}

function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

async function discardBody(response: FetcherResponse): Promise<void> {
  try {
    await response.body?.cancel?.();
  } catch {
    // The body is unwanted; failing to release it early only costs a connection.
  }
}

class AttemptTimeout extends Error {}
class BodyTooLarge extends Error {
  constructor(readonly received: number) {
    super('body too large');
  }
}
class BodyTruncated extends Error {}

/** Creates the client every pybase data source uses. */
export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  const fetcher = options.fetcher ?? createDefaultFetcher();
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const retries = Math.max(0, options.retries ?? 3);
  const backoffBase = options.backoffBaseMs ?? 250;
  const backoffMax = options.backoffMaxMs ?? 10_000;
  const maxRedirects = options.maxRedirects ?? 10;
  const emit = options.onEvent ?? (() => {});

  const backoff = (retry: number): number => {
    const ceiling = Math.min(backoffMax, backoffBase * 2 ** retry);
    // "Equal jitter": half fixed, half random, so parallel clients spread out but still back off.
    return Math.round(ceiling / 2 + (ceiling / 2) * random());
  };

  async function request(req: HttpRequest): Promise<HttpResponse> {
    const method = req.method ?? 'GET';
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      throw networkError({
        reason: 'invalid-url',
        url: req.url,
        message: `not a valid URL: ${redact(req.url)}`,
        hint: 'Check the index or registry URL in your options or configuration.',
      });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw networkError({
        reason: 'invalid-url',
        url: url.href,
        message: `unsupported URL scheme ${url.protocol} in ${redact(url)}`,
        hint: 'Use an http:// or https:// URL.',
      });
    }

    let credentials = req.auth;
    if (!credentials && (url.username || url.password)) {
      credentials = {
        username: decodeURIComponent(url.username),
        password: decodeURIComponent(url.password),
      };
    }
    url.username = '';
    url.password = '';
    const secrets = credentials ? [credentials.password, basicAuthorization(credentials)] : [];
    const authOrigin = url.origin;

    const timeoutMs = req.timeoutMs ?? options.timeoutMs ?? 30_000;
    const deadlineMs = req.deadlineMs ?? options.deadlineMs ?? 120_000;
    const maxBody = req.maxBodyBytes ?? options.maxBodyBytes ?? 64 * 1024 * 1024;
    const started = clock.now();
    const remaining = () => deadlineMs - (clock.now() - started);

    // One controller for the whole request: fires at the deadline or when the caller cancels.
    const overall = new AbortController();
    const deadlineTimer = setTimeout(() => overall.abort(new Error('deadline')), deadlineMs);
    const onCallerAbort = () => overall.abort(new Error('cancelled'));
    if (req.signal?.aborted) onCallerAbort();
    req.signal?.addEventListener('abort', onCallerAbort, { once: true });

    const baseHeaders: Record<string, string> = {
      'user-agent': options.userAgent ?? defaultUserAgent,
      ...lowerCaseKeys(req.headers ?? {}),
    };

    const fail = (init: Omit<NetworkErrorInit, 'message'> & { message: string }): PybaseError =>
      networkError({ ...init, message: redactText(init.message, secrets) });

    const describeTarget = (target: URL) => `${method} ${redact(target)}`;

    const deadlineError = (target: URL, attempts: number, last?: string) =>
      fail({
        reason: req.signal?.aborted ? 'cancelled' : 'deadline',
        url: target.href,
        attempts,
        message: req.signal?.aborted
          ? `${describeTarget(target)} was cancelled`
          : `${describeTarget(target)} did not complete within ${deadlineMs} ms` + (last ? ` (${last})` : ''),
        hint: `The server at ${target.host} is slow or unreachable; try again later or raise the deadline.`,
      });

    let totalAttempts = 0;
    try {
      const visited = new Set<string>();
      let current = url;
      let redirects = 0;
      for (;;) {
        visited.add(current.href);
        const headers = { ...baseHeaders };
        if (credentials && current.origin === authOrigin)
          headers.authorization = basicAuthorization(credentials);

        const outcome = await sendWithRetries(current, headers);
        totalAttempts += outcome.attempts;
        const { response } = outcome;

        if (redirectStatuses.has(response.status)) {
          await discardBody(response);
          clearTimeout(outcome.timer);
          const location = response.headers.get('location');
          let next: URL | undefined;
          try {
            next = location ? new URL(location, current) : undefined;
          } catch {
            next = undefined;
          }
          if (!next || (next.protocol !== 'http:' && next.protocol !== 'https:')) {
            throw fail({
              reason: 'bad-redirect',
              url: current.href,
              status: response.status,
              message: `${describeTarget(current)} answered ${response.status} without a usable Location`,
              hint: `The server at ${current.host} sent a broken redirect; check the URL.`,
            });
          }
          // Credentials in a Location header are not ours to send; drop them.
          next.username = '';
          next.password = '';
          if (visited.has(next.href)) {
            throw fail({
              reason: 'redirect-loop',
              url: url.href,
              status: response.status,
              message: `${describeTarget(url)} redirects in a loop (back to ${redact(next)})`,
              hint: `The server at ${next.host} is misconfigured; check the URL or report it to its operator.`,
            });
          }
          redirects++;
          if (redirects > maxRedirects) {
            throw fail({
              reason: 'too-many-redirects',
              url: url.href,
              status: response.status,
              message: `${describeTarget(url)} was redirected more than ${maxRedirects} times`,
              hint: `Use the final URL directly, or check the server at ${next.host}.`,
            });
          }
          emit({ type: 'redirect', from: redact(current), to: redact(next), status: response.status });
          current = next;
          continue;
        }

        const ok = response.status >= 200 && response.status < 300;
        if (!ok && response.status !== 304 && !req.acceptStatus?.includes(response.status)) {
          await discardBody(response);
          clearTimeout(outcome.timer);
          throw statusError(current, response.status, response.statusText, outcome.attempts);
        }

        const responseHeaders = collectHeaders(response);
        if (ok && req.contentTypes && method !== 'HEAD') {
          const type = mediaTypeOf(responseHeaders['content-type']);
          if (!mediaTypeMatches(type, req.contentTypes)) {
            await discardBody(response);
            clearTimeout(outcome.timer);
            throw fail({
              reason: 'content-type',
              url: current.href,
              status: response.status,
              message:
                `${describeTarget(current)} answered with content type ${type ?? '(none)'}` +
                `, expected ${req.contentTypes.join(' or ')}`,
              hint: `Check that ${current.host} serves the expected API at this URL.`,
            });
          }
        }

        const body = outcome.body ?? new Uint8Array();
        clearTimeout(outcome.timer);
        emit({ type: 'response', url: redact(current), status: response.status, bytes: body.byteLength });
        return {
          url: current.href,
          status: response.status,
          headers: responseHeaders,
          body,
          attempts: totalAttempts,
          redirects,
        };
      }
    } finally {
      clearTimeout(deadlineTimer);
      req.signal?.removeEventListener('abort', onCallerAbort);
    }

    function statusError(target: URL, status: number, statusText: string | undefined, attempts: number) {
      const label = `${status}${statusText ? ` ${statusText}` : ''}`;
      if (status === 401 || status === 403) {
        return fail({
          reason: 'unauthorized',
          url: target.href,
          status,
          attempts,
          message: `${describeTarget(target)} was refused: ${label}`,
          hint: credentials
            ? `The credentials for ${target.host} were rejected; check them in your netrc file or index URL.`
            : `${target.host} requires credentials; put them in ~/.netrc (or NETRC) or in the index URL.`,
        });
      }
      if (status === 429) {
        return fail({
          reason: 'rate-limited',
          url: target.href,
          status,
          attempts,
          message: `${describeTarget(target)} was rate limited (429) after ${attempts} attempt(s)`,
          hint: `${target.host} limits request rates; wait a while, lower the concurrency, or use the cache.`,
        });
      }
      return fail({
        reason: 'http-status',
        url: target.href,
        status,
        attempts,
        message:
          `${describeTarget(target)} failed: server answered ${label}` +
          (attempts > 1 ? ` after ${attempts} attempts` : ''),
        hint:
          status >= 500
            ? `The server at ${target.host} is having problems; try again later.`
            : `Check the URL; the server at ${target.host} does not serve it.`,
      });
    }

    /**
     * Sends one hop, retrying transient failures. For a final (non-redirect) 2xx response the body has
     * been read under the attempt's timeout; the caller clears `timer`.
     */
    async function sendWithRetries(
      target: URL,
      headers: Record<string, string>,
    ): Promise<{ response: FetcherResponse; body?: Uint8Array; attempts: number; timer?: NodeJS.Timeout }> {
      let lastCause = '';
      for (let attempt = 1; ; attempt++) {
        if (overall.signal.aborted || remaining() <= 0) throw deadlineError(target, attempt - 1, lastCause);

        const attemptController = new AbortController();
        const attemptTimeout = Math.max(1, Math.min(timeoutMs, remaining()));
        const timer = setTimeout(() => attemptController.abort(new AttemptTimeout()), attemptTimeout);
        const signal = AbortSignal.any([overall.signal, attemptController.signal]);
        emit({ type: 'attempt', method, url: redact(target), attempt });

        let retryDelay: number | undefined;
        let retryCause = '';
        let gotHeaders = false;
        try {
          const response = await fetcher(target.href, { method, headers, signal, redirect: 'manual' });
          gotHeaders = true;
          const status = response.status;
          const retryable =
            status === 408 || status === 429 || (status >= 500 && status !== 501 && status !== 505);
          if (retryable) {
            const statusLabel = `${status}${response.statusText ? ` ${response.statusText}` : ''}`;
            const retryAfter = parseRetryAfter(response.headers.get('retry-after'), clock.now());
            await discardBody(response);
            clearTimeout(timer);
            if (attempt > retries) throw statusError(target, status, response.statusText, attempt);
            if (retryAfter !== undefined && retryAfter > remaining()) {
              throw fail({
                reason: status === 429 ? 'rate-limited' : 'http-status',
                url: target.href,
                status,
                attempts: attempt,
                message:
                  `${describeTarget(target)} answered ${statusLabel} and asked to retry after ` +
                  `${Math.ceil(retryAfter / 1000)} s, beyond the ${deadlineMs} ms deadline`,
                hint: `${target.host} limits request rates; wait a while, lower the concurrency, or use the cache.`,
                data: { retryAfterMs: retryAfter },
              });
            }
            retryDelay = retryAfter ?? backoff(attempt - 1);
            retryCause = `server answered ${statusLabel}`;
          } else {
            const final =
              !redirectStatuses.has(status) &&
              method !== 'HEAD' &&
              ((status >= 200 && status < 300) || req.acceptStatus?.includes(status));
            if (!final) return { response, attempts: attempt, timer };
            const body = await readBody(response, maxBody, signal);
            return { response, body, attempts: attempt, timer };
          }
        } catch (error) {
          clearTimeout(timer);
          if (error instanceof PybaseError) throw error;
          if (error instanceof BodyTooLarge) {
            throw fail({
              reason: 'too-large',
              url: target.href,
              attempts: attempt,
              message: `${describeTarget(target)} sent more than ${maxBody} bytes`,
              hint: `The answer from ${target.host} is larger than allowed; check the URL or raise the size limit.`,
              data: { limitBytes: maxBody },
            });
          }
          const timedOut = attemptController.signal.aborted;
          // An attempt cut short because the deadline was nearer than the timeout is a deadline failure.
          if (overall.signal.aborted || (timedOut && attemptTimeout < timeoutMs)) {
            throw deadlineError(
              target,
              attempt,
              timedOut ? `no complete answer within ${attemptTimeout} ms` : lastCause,
            );
          }
          const code = errorCode(error);
          if (timedOut) lastCause = `no complete answer within ${attemptTimeout} ms`;
          else if (
            error instanceof BodyTruncated ||
            (gotHeaders && (code === 'UND_ERR_SOCKET' || isTermination(error)))
          )
            lastCause = 'connection closed before the whole body arrived';
          else lastCause = `${code ?? 'network error'}: ${redactText(errorMessage(error), secrets)}`;

          // A name that does not resolve, or a certificate that does not verify, stays so on a retry.
          if (attempt > retries || (!timedOut && isPermanentFailure(code))) {
            const reason: NetworkErrorReason = timedOut
              ? 'timeout'
              : lastCause.startsWith('connection closed')
                ? 'truncated'
                : 'connection';
            throw fail({
              reason,
              url: target.href,
              attempts: attempt,
              message: `${describeTarget(target)} failed after ${attempt} attempt(s): ${lastCause}`,
              hint:
                code === 'ENOTFOUND'
                  ? `The host name ${target.hostname} does not resolve; check the URL, your DNS and proxy settings, or use --offline.`
                  : reason === 'connection'
                    ? `Could not reach ${target.host}; check the URL, your network and proxy settings, or use --offline.`
                    : `The server at ${target.host} is slow or unreliable; try again later or raise the timeout.`,
              data: code ? { errorCode: code } : {},
            });
          }
          retryDelay = backoff(attempt - 1);
          retryCause = lastCause;
        }

        lastCause = retryCause;
        if (retryDelay >= remaining()) throw deadlineError(target, attempt, lastCause);
        emit({ type: 'retry', url: redact(target), attempt, delayMs: retryDelay, cause: retryCause });
        try {
          await sleep(retryDelay, overall.signal);
        } catch {
          throw deadlineError(target, attempt, lastCause);
        }
      }
    }
  }

  return { request, fetcher, offline: isOfflineFetcher(fetcher), clock };
}

/**
 * Error codes that another attempt cannot change: the host name does not exist (ENOTFOUND; a
 * temporary resolver failure is EAI_AGAIN, which is retried) or TLS cannot be established with
 * this server as it is (its certificate, or no TLS on that port).
 */
function isPermanentFailure(code: string | undefined): boolean {
  if (code === undefined) return false;
  return (
    code === 'ENOTFOUND' ||
    code.startsWith('CERT_') ||
    code.startsWith('ERR_TLS_CERT') ||
    code === 'ERR_SSL_WRONG_VERSION_NUMBER' ||
    code === 'DEPTH_ZERO_SELF_SIGNED_CERT' ||
    code === 'SELF_SIGNED_CERT_IN_CHAIN' ||
    code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' ||
    code === 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY'
  );
}

function isTermination(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const message = (current as { message?: unknown }).message;
    if (typeof message === 'string' && /terminated|other side closed|premature close/i.test(message))
      return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

function errorMessage(error: unknown): string {
  const cause = (error as { cause?: { message?: unknown } })?.cause?.message;
  const message = (error as { message?: unknown })?.message;
  if (typeof cause === 'string' && cause) return cause;
  return typeof message === 'string' ? message : String(error);
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) out[key.toLowerCase()] = value;
  return out;
}

function collectHeaders(response: FetcherResponse): Record<string, string> {
  const out: Record<string, string> = {};
  response.headers.forEach((value, key) => {
    out[key.toLowerCase()] = value;
  });
  return out;
}

async function readBody(response: FetcherResponse, limit: number, signal: AbortSignal): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limit) {
    await discardBody(response);
    throw new BodyTooLarge(declared);
  }
  if (!response.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let received = 0;
  for await (const chunk of response.body) {
    if (signal.aborted) throw signal.reason;
    received += chunk.byteLength;
    if (received > limit) {
      await discardBody(response);
      throw new BodyTooLarge(received);
    }
    chunks.push(chunk);
  }
  // A compressed body is decoded by the fetcher, so Content-Length then counts other bytes.
  const encoded = (response.headers.get('content-encoding') ?? 'identity').toLowerCase() !== 'identity';
  if (!encoded && Number.isFinite(declared) && received < declared) throw new BodyTruncated();
  const body = new Uint8Array(received);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}
