/**
 * A client for the Python "simple repository API": PEP 691 JSON, with the PEP 503 HTML page as fallback.
 *
 * Given a project name it answers which files the index holds (file name, URL, hashes, Requires-Python,
 * yanked state, upload time) and, where the index says so (PEP 700), the project's versions. A project the
 * index does not know is an ordinary `notFound` result. Extra indexes are asked, in order, only when the
 * ones before them do not know the project (the "first index that has it wins" strategy of uv, which
 * avoids mixing files of one name from unrelated indexes).
 */

import { type Diagnostic, inputCodes, PybaseError } from '../model/diagnostic.js';
import { type CachedResponse, type CacheSource, cacheKeyOf, type HttpCache } from './cache.js';
import { createLimiter, DEFAULT_CONCURRENCY } from './concurrency.js';
import {
  type BasicCredentials,
  createHttpClient,
  decodeBody,
  type Fetcher,
  type HttpClientOptions,
  type HttpRequest,
  mediaTypeOf,
  networkError,
  redact,
} from './http.js';
import { apiMajorOf, normalizeYanked, resolveFileUrl } from './index-page.js';
import { type Netrc, netrcCredentials } from './netrc.js';

export const PYPI_SIMPLE_URL = 'https://pypi.org/simple/';

/** Accept header of PEP 691: JSON preferred, HTML accepted as a last resort. */
export const SIMPLE_ACCEPT =
  'application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01';

const jsonTypes = [
  'application/vnd.pypi.simple.v1+json',
  'application/vnd.pypi.simple.latest+json',
  'application/json',
];
const htmlTypes = [
  'application/vnd.pypi.simple.v1+html',
  'application/vnd.pypi.simple.latest+html',
  'text/html',
];

export interface IndexFile {
  filename: string;
  /** Absolute download URL, without fragment or credentials. */
  url: string;
  /** Hash name (lower case, e.g. `sha256`) to hex digest. */
  hashes: Record<string, string>;
  /** The file's Requires-Python specifier, HTML-unescaped. */
  requiresPython?: string;
  /** false, true, or the yank reason. */
  yanked: boolean | string;
  /** ISO 8601 upload time (PEP 700, JSON only). */
  uploadTime?: string;
  /** Size in bytes (PEP 700, JSON only). */
  size?: number;
}

export interface ProjectFiles {
  status: 'found';
  /** Normalised project name (PEP 503). */
  name: string;
  files: IndexFile[];
  /** All versions of the project, when the index lists them (PEP 700). */
  versions?: string[];
  /** Index that answered (redacted). */
  indexUrl: string;
  format: 'json' | 'html';
  /** Where the page came from: network, fresh cache, revalidated cache, or cache in offline mode. */
  source: CacheSource;
  /** When the page was fetched or last confirmed (ms since the epoch). */
  fetchedAt: number;
  /** Parts of the page that could not be read and were left out, with the reason. */
  problems: string[];
}

export interface ProjectNotFound {
  status: 'notFound';
  name: string;
  /** Indexes asked (redacted). */
  searched: string[];
}

export type ProjectResult = ProjectFiles | ProjectNotFound;

export interface ProjectLookupFailure {
  status: 'error';
  name: string;
  diagnostic: Diagnostic;
}

export type ProjectLookup = ProjectResult | ProjectLookupFailure;

export interface IndexProgress {
  /** Look-ups finished so far, this one included. */
  done: number;
  total: number;
  /** The name as given. */
  name: string;
  result: ProjectLookup;
}

export interface IndexClientOptions {
  /** Main index, default {@link PYPI_SIMPLE_URL}. May carry `user:password@`. */
  indexUrl?: string;
  /** Asked in order when the indexes before do not know a project. */
  extraIndexUrls?: readonly string[];
  /** Transport; use `offlineFetcher` for `--offline`. */
  fetcher?: Fetcher;
  /** Disk cache; without one every look-up goes to the network (and fails offline). */
  cache?: HttpCache;
  /** Requests in flight at most (default 16). */
  concurrency?: number;
  /** Time allowed to each request, retries and redirects included. */
  deadlineMs?: number;
  /** Parsed netrc file: credentials for index hosts whose URL has none. */
  netrc?: Netrc;
  /** Further tuning of the HTTP layer (timeouts, retries, events). */
  http?: Omit<HttpClientOptions, 'fetcher' | 'deadlineMs'>;
}

export interface IndexClient {
  /** Files of one project; throws a PybaseError (PBE008) when an index cannot be read. */
  getProjectFiles(name: string): Promise<ProjectResult>;
  /** Many look-ups under the concurrency limit; failures become `status: 'error'` results, in input order. */
  lookupMany(
    names: readonly string[],
    onProgress?: (progress: IndexProgress) => void,
  ): Promise<ProjectLookup[]>;
  /** The indexes asked, in order (redacted). */
  readonly indexUrls: string[];
}

/** PEP 503 normalisation: runs of `-`, `_`, `.` become one `-`, lower case. */
export function normalizeProjectName(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase();
}

/** A valid distribution name (PEP 508 / core metadata). */
export function isValidProjectName(name: string): boolean {
  return /^([a-z0-9]|[a-z0-9][a-z0-9._-]*[a-z0-9])$/i.test(name);
}

function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

// ---------------------------------------------------------------------------------------------------------
// PEP 691 JSON
// ---------------------------------------------------------------------------------------------------------

export interface ParsedProjectPage {
  files: IndexFile[];
  versions?: string[];
  problems: string[];
  /** Major API version the page declares, when it declares one. */
  apiMajor?: number;
}

// ---------------------------------------------------------------------------------------------------------
// PEP 503 HTML
// ---------------------------------------------------------------------------------------------------------

const namedEntities: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
};

/** Decodes the character references an index page uses (`&gt;`, `&#62;`, `&#x3E;`, ...). */
export function unescapeHtml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref[0] === '#') {
      const code =
        ref[1] === 'x' || ref[1] === 'X' ? Number.parseInt(ref.slice(2), 16) : Number(ref.slice(1));
      return Number.isInteger(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return namedEntities[ref.toLowerCase()] ?? whole;
  });
}

interface HtmlTag {
  name: string;
  attributes: Map<string, string>;
  /** Offset just after the tag's `>`. */
  end: number;
}

/**
 * Reads the tag starting at `start` (which points at `<`). Attribute values may be quoted with either quote
 * and may contain `>` (some index generators do not escape `>=3.8`). A full HTML parser would be a heavy
 * dependency for machine-written pages that use only `<a>`, `<base>` and `<meta>`.
 */
function readTag(html: string, start: number): HtmlTag | undefined {
  const nameMatch = /^<([a-z][a-z0-9-]*)/i.exec(html.slice(start, start + 32));
  if (!nameMatch?.[1]) return undefined;
  const attributes = new Map<string, string>();
  let i = start + nameMatch[0].length;
  const n = html.length;
  while (i < n) {
    while (i < n && /[\s/]/.test(html[i] ?? '')) i++;
    if (html[i] === '>') return { name: nameMatch[1].toLowerCase(), attributes, end: i + 1 };
    let nameEnd = i;
    while (nameEnd < n && !/[\s=>/]/.test(html[nameEnd] ?? '')) nameEnd++;
    const attrName = html.slice(i, nameEnd).toLowerCase();
    i = nameEnd;
    while (i < n && /\s/.test(html[i] ?? '')) i++;
    let value = '';
    if (html[i] === '=') {
      i++;
      while (i < n && /\s/.test(html[i] ?? '')) i++;
      const quote = html[i];
      if (quote === '"' || quote === "'") {
        const close = html.indexOf(quote, i + 1);
        if (close < 0) return undefined;
        value = html.slice(i + 1, close);
        i = close + 1;
      } else {
        let valueEnd = i;
        while (valueEnd < n && !/[\s>]/.test(html[valueEnd] ?? '')) valueEnd++;
        value = html.slice(i, valueEnd);
        i = valueEnd;
      }
    }
    if (attrName && !attributes.has(attrName)) attributes.set(attrName, unescapeHtml(value));
    if (nameEnd === i && attrName === '') i++;
  }
  return undefined;
}

/**
 * Parses a PEP 503 project page: every anchor is a file; `data-requires-python` and `data-yanked` are read and
 * unescaped, a `#<hash>=<digest>` fragment becomes a hash, and relative URLs are resolved against `<base href>`
 * or the page URL.
 */
export function parseHtmlProjectPage(html: string, pageUrl: string): ParsedProjectPage {
  let base = pageUrl;
  const files: IndexFile[] = [];
  const problems: string[] = [];
  let apiMajor: number | undefined;
  let position = 0;
  for (;;) {
    const open = html.indexOf('<', position);
    if (open < 0) break;
    if (html.startsWith('<!--', open)) {
      const close = html.indexOf('-->', open + 4);
      position = close < 0 ? html.length : close + 3;
      continue;
    }
    const tag = readTag(html, open);
    if (!tag) {
      position = open + 1;
      continue;
    }
    position = tag.end;
    if (tag.name === 'base') {
      const href = tag.attributes.get('href');
      if (href) {
        try {
          base = new URL(href, pageUrl).href;
        } catch {
          problems.push(`<base href=${JSON.stringify(href)}> is not a valid URL`);
        }
      }
      continue;
    }
    if (tag.name === 'meta' && tag.attributes.get('name') === 'pypi:repository-version') {
      apiMajor = apiMajorOf(tag.attributes.get('content') ?? '');
      if (apiMajor !== 1) {
        throw networkError({
          reason: 'bad-response',
          url: pageUrl,
          message: `${redact(pageUrl)} uses simple API version ${tag.attributes.get('content') ?? '?'}, which pybase does not support`,
          hint: 'Only version 1.x of the simple repository API is supported.',
        });
      }
      continue;
    }
    if (tag.name !== 'a') continue;

    const closeMatch = /<\/a\s*>/i.exec(html.slice(tag.end));
    const textEnd = closeMatch ? tag.end + closeMatch.index : tag.end;
    if (closeMatch) position = textEnd + closeMatch[0].length;
    const text = unescapeHtml(html.slice(tag.end, textEnd).replace(/<[^<>]*>/g, '')).trim();

    const href = tag.attributes.get('href');
    if (!href) {
      problems.push(`anchor ${JSON.stringify(text)} has no href`);
      continue;
    }
    const location = resolveFileUrl(href, base);
    if (!location) {
      problems.push(`anchor ${JSON.stringify(text)}: URL ${JSON.stringify(redact(href))} cannot be resolved`);
      continue;
    }
    const lastSegment = decodeURIComponent(new URL(location.url).pathname.split('/').pop() ?? '');
    const filename = text || lastSegment;
    if (!filename) {
      problems.push(`anchor to ${redact(location.url)} names no file`);
      continue;
    }
    const requiresPython = tag.attributes.get('data-requires-python')?.trim();
    const yanked = tag.attributes.has('data-yanked')
      ? normalizeYanked(tag.attributes.get('data-yanked') ?? '')
      : false;
    files.push({
      filename,
      url: location.url,
      hashes: location.hashes,
      ...(requiresPython ? { requiresPython } : {}),
      yanked,
    });
  }
  return { files, problems, ...(apiMajor !== undefined ? { apiMajor } : {}) };
}

// ---------------------------------------------------------------------------------------------------------
// The client
// ---------------------------------------------------------------------------------------------------------

interface IndexTarget {
  /** Base URL with credentials, ending in `/`. */
  url: string;
  redacted: string;
  auth?: BasicCredentials;
}

export function createIndexClient(options: IndexClientOptions = {}): IndexClient {
  const http = createHttpClient({
    ...options.http,
    ...(options.fetcher ? { fetcher: options.fetcher } : {}),
    ...(options.deadlineMs !== undefined ? { deadlineMs: options.deadlineMs } : {}),
  });
  const limiter = createLimiter(options.concurrency ?? DEFAULT_CONCURRENCY);
  const cache = options.cache;

  const targets: IndexTarget[] = [options.indexUrl ?? PYPI_SIMPLE_URL, ...(options.extraIndexUrls ?? [])].map(
    (raw) => {
      let parsed: URL;
      try {
        parsed = new URL(withTrailingSlash(raw));
      } catch {
        throw new PybaseError({
          code: inputCodes.config,
          severity: 'error',
          message: `index URL ${JSON.stringify(redact(raw))} is not a valid URL`,
          hint: 'Give the index as an absolute URL, e.g. https://pypi.org/simple/.',
        });
      }
      const fromUrl = parsed.username || parsed.password;
      const auth = fromUrl ? undefined : netrcCredentials(options.netrc, parsed.host);
      return { url: parsed.href, redacted: redact(parsed), ...(auth ? { auth } : {}) };
    },
  );

  const memo = new Map<string, Promise<ProjectResult>>();

  async function fetchPage(target: IndexTarget, normalized: string): Promise<CachedResponse> {
    const request: HttpRequest = {
      url: new URL(`${encodeURIComponent(normalized)}/`, target.url).href,
      headers: { accept: SIMPLE_ACCEPT },
      contentTypes: [...jsonTypes, ...htmlTypes],
      acceptStatus: [404],
      ...(target.auth ? { auth: target.auth } : {}),
    };
    if (cache) return cache.fetch(http, { ...request, cacheKey: cacheKeyOf(request) });
    const response = await http.request(request);
    return { response, source: 'network', fetchedAt: http.clock.now(), ageMs: 0 };
  }

  async function lookup(name: string): Promise<ProjectResult> {
    const normalized = normalizeProjectName(name);
    for (const target of targets) {
      const { response, source, fetchedAt } = await limiter.run(() => fetchPage(target, normalized));
      if (response.status === 404) continue;
      const contentType = response.headers['content-type'];
      const type = mediaTypeOf(contentType) ?? '';
      const text = decodeBody(response.body, contentType);
      const format = jsonTypes.includes(type) ? 'json' : 'html';
      const page =
        format === 'json'
          ? (await import('./index-json.js')).parseJsonProjectPage(text, response.url)
          : parseHtmlProjectPage(text, response.url);
      return {
        status: 'found',
        name: normalized,
        files: page.files,
        ...(page.versions ? { versions: page.versions } : {}),
        indexUrl: target.redacted,
        format,
        source,
        fetchedAt,
        problems: page.problems,
      };
    }
    return { status: 'notFound', name: normalized, searched: targets.map((t) => t.redacted) };
  }

  function getProjectFiles(name: string): Promise<ProjectResult> {
    if (!isValidProjectName(name)) {
      return Promise.reject(
        new PybaseError({
          code: inputCodes.usage,
          severity: 'error',
          message: `${JSON.stringify(name)} is not a valid Python project name`,
          hint: 'Project names use letters, digits, "-", "_" and "." and start and end with a letter or digit.',
        }),
      );
    }
    const normalized = normalizeProjectName(name);
    let pending = memo.get(normalized);
    if (!pending) {
      pending = lookup(name);
      memo.set(normalized, pending);
      // A failure is not remembered: the next call tries again.
      pending.catch(() => memo.delete(normalized));
    }
    return pending;
  }

  async function lookupMany(
    names: readonly string[],
    onProgress?: (progress: IndexProgress) => void,
  ): Promise<ProjectLookup[]> {
    let done = 0;
    return Promise.all(
      names.map(async (name): Promise<ProjectLookup> => {
        let result: ProjectLookup;
        try {
          result = await getProjectFiles(name);
        } catch (error) {
          if (!(error instanceof PybaseError)) throw error;
          result = { status: 'error', name, diagnostic: error.diagnostic };
        }
        done++;
        onProgress?.({ done, total: names.length, name, result });
        return result;
      }),
    );
  }

  return { getProjectFiles, lookupMany, indexUrls: targets.map((t) => t.redacted) };
}
