/**
 * A Python package index on 127.0.0.1 for tests: Node's own `http` server serving a simple repository in both
 * PEP 691 JSON and PEP 503 HTML (chosen by the Accept header) from a temporary directory of generated
 * distribution files, plus knobs to make it misbehave in the ways real indexes do.
 */

import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ServedFile {
  filename: string;
  requiresPython?: string;
  /** true, or a yank reason. */
  yanked?: boolean | string;
  uploadTime?: string;
}

export interface ServedProject {
  /** Display name, e.g. `Django`; served under its normalised name. */
  name: string;
  versions: string[];
  files: ServedFile[];
}

/** One way to answer a request, instead of the normal page. */
export type Behaviour =
  | { kind: 'status'; status: number; headers?: Record<string, string>; body?: string }
  | { kind: 'redirect'; to: string; status?: number }
  | { kind: 'delay'; ms: number }
  | { kind: 'truncate' }
  | { kind: 'invalid-json' }
  | { kind: 'content-type'; type: string }
  | { kind: 'oversize'; bytes: number };

export interface RecordedRequest {
  method: string;
  path: string;
  accept: string;
  authorization?: string;
  ifNoneMatch?: string;
  ifModifiedSince?: string;
}

export interface IndexServerOptions {
  projects?: ServedProject[];
  /** Serve only HTML whatever the Accept header (an old PEP 503-only index). */
  htmlOnly?: boolean;
  /** Send ETag / Last-Modified and answer conditional requests with 304 (default true). */
  validators?: boolean;
}

export interface IndexServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** `<origin>/simple/` */
  indexUrl: string;
  /** The temporary directory holding the distribution files. */
  dir: string;
  projects: ServedProject[];
  requests: RecordedRequest[];
  /** Largest number of requests handled at the same time so far. */
  maxInFlight: number;
  /** Added to every response. */
  latencyMs: number;
  /** When set, every request needs this Basic user and password, or gets 401. */
  requireAuth?: { username: string; password: string };
  /**
   * Queues behaviours for a path (`/simple/numpy/`): each request takes the next one; once the queue is empty
   * the normal answer is sent, unless `repeat` keeps the last behaviour forever.
   */
  behave(path: string, behaviours: Behaviour[], options?: { repeat?: boolean }): void;
  /** Requests seen for a path. */
  hits(path: string): number;
  /** The sha256 of a served file. */
  sha256(filename: string): string;
  close(): Promise<void>;
}

export function normalizeName(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase();
}

export function projectPath(name: string): string {
  return `/simple/${normalizeName(name)}/`;
}

/** File names in the shapes real indexes hold (wheels with compressed tag sets, sdists, yanked releases). */
export function defaultProjects(): ServedProject[] {
  return [
    {
      name: 'numpy',
      versions: ['1.26.3', '1.26.4', '2.0.0'],
      files: [
        {
          filename: 'numpy-1.26.3.tar.gz',
          requiresPython: '>=3.9',
          uploadTime: '2024-01-02T19:45:39.000000Z',
        },
        {
          filename: 'numpy-1.26.4-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl',
          requiresPython: '>=3.9',
          uploadTime: '2024-02-05T23:51:51.000000Z',
        },
        {
          filename: 'numpy-1.26.4-cp312-cp312-manylinux_2_17_aarch64.manylinux2014_aarch64.whl',
          requiresPython: '>=3.9',
          uploadTime: '2024-02-05T23:52:10.000000Z',
        },
        {
          filename: 'numpy-1.26.4-cp312-cp312-musllinux_1_1_x86_64.whl',
          requiresPython: '>=3.9',
          uploadTime: '2024-02-05T23:52:31.000000Z',
        },
        {
          filename: 'numpy-1.26.4-cp312-cp312-win_amd64.whl',
          requiresPython: '>=3.9',
          uploadTime: '2024-02-05T23:53:02.000000Z',
        },
        {
          filename: 'numpy-1.26.4.tar.gz',
          requiresPython: '>=3.9',
          uploadTime: '2024-02-06T00:26:44.000000Z',
        },
        {
          filename: 'numpy-2.0.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl',
          requiresPython: '>=3.9',
          uploadTime: '2024-06-16T18:00:01.000000Z',
        },
      ],
    },
    {
      name: 'Django',
      versions: ['4.2.11', '5.0.3'],
      files: [
        {
          filename: 'Django-4.2.11-py3-none-any.whl',
          requiresPython: '>=3.8',
          uploadTime: '2024-03-04T08:59:10Z',
        },
        { filename: 'Django-4.2.11.tar.gz', requiresPython: '>=3.8', uploadTime: '2024-03-04T08:59:20Z' },
        {
          filename: 'Django-5.0.3-py3-none-any.whl',
          requiresPython: '>=3.10',
          uploadTime: '2024-03-04T09:00:05Z',
        },
      ],
    },
    {
      name: 'typing_extensions',
      versions: ['4.10.0', '4.11.0'],
      files: [
        { filename: 'typing_extensions-4.10.0-py3-none-any.whl', requiresPython: '>=3.8' },
        {
          filename: 'typing_extensions-4.11.0-py3-none-any.whl',
          requiresPython: '>=3.8',
          yanked: 'broke Python 3.8 "<3.9" users',
        },
      ],
    },
    {
      name: 'cryptography',
      versions: ['37.0.3', '42.0.5'],
      files: [
        {
          filename: 'cryptography-37.0.3-cp36-abi3-manylinux_2_24_x86_64.whl',
          requiresPython: '>=3.6',
          yanked: true,
        },
        { filename: 'cryptography-42.0.5-cp39-abi3-manylinux_2_28_aarch64.whl', requiresPython: '>=3.7' },
        { filename: 'cryptography-42.0.5-cp39-abi3-musllinux_1_2_x86_64.whl', requiresPython: '>=3.7' },
      ],
    },
  ];
}

/** Many small projects, for concurrency and progress tests. */
export function manyProjects(count: number): ServedProject[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `pkg_${i}`,
    versions: ['1.0.0'],
    files: [{ filename: `pkg_${i}-1.0.0-py3-none-any.whl`, requiresPython: '>=3.8' }],
  }));
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const lastModified = 'Tue, 06 Feb 2024 00:26:44 GMT';

/** Starts the server on a free port of 127.0.0.1. */
export async function startIndexServer(options: IndexServerOptions = {}): Promise<IndexServer> {
  const projects = options.projects ?? defaultProjects();
  const validators = options.validators ?? true;
  const dir = await mkdtemp(join(tmpdir(), 'pybase-index-'));
  const hashes = new Map<string, string>();
  for (const project of projects) {
    for (const file of project.files) {
      const content = randomBytes(256 + Math.floor(Math.random() * 256));
      await writeFile(join(dir, file.filename), content);
      hashes.set(file.filename, createHash('sha256').update(content).digest('hex'));
    }
  }
  const byName = new Map(projects.map((p) => [normalizeName(p.name), p]));

  const queues = new Map<string, { list: Behaviour[]; repeat: boolean }>();
  let inFlight = 0;

  const jsonPage = (project: ServedProject) =>
    JSON.stringify({
      meta: { 'api-version': '1.1' },
      name: normalizeName(project.name),
      versions: project.versions,
      files: project.files.map((file) => ({
        filename: file.filename,
        url: `../../files/${file.filename}`,
        hashes: { sha256: hashes.get(file.filename) },
        ...(file.requiresPython ? { 'requires-python': file.requiresPython } : {}),
        ...(file.yanked !== undefined ? { yanked: file.yanked } : {}),
        ...(file.uploadTime ? { 'upload-time': file.uploadTime } : {}),
        size: 0,
      })),
    });

  const htmlPage = (project: ServedProject) =>
    [
      '<!DOCTYPE html>',
      '<html><head><meta name="pypi:repository-version" content="1.0">',
      `<title>Links for ${escapeHtml(project.name)}</title></head><body>`,
      `<h1>Links for ${escapeHtml(project.name)}</h1>`,
      ...project.files.map((file) => {
        const attrs = [`href="../../files/${file.filename}#sha256=${hashes.get(file.filename)}"`];
        if (file.requiresPython) attrs.push(`data-requires-python="${escapeHtml(file.requiresPython)}"`);
        if (file.yanked === true) attrs.push('data-yanked');
        else if (typeof file.yanked === 'string') attrs.push(`data-yanked="${escapeHtml(file.yanked)}"`);
        return `<a ${attrs.join(' ')}>${escapeHtml(file.filename)}</a><br/>`;
      }),
      '</body></html>',
    ].join('\n');

  const server: Server = createServer((req, res) => {
    void handle(req, res);
  });

  const state: IndexServer = {
    origin: '',
    indexUrl: '',
    dir,
    projects,
    requests: [],
    maxInFlight: 0,
    latencyMs: 0,
    behave(path, behaviours, opts) {
      queues.set(path, { list: [...behaviours], repeat: opts?.repeat ?? false });
    },
    hits(path) {
      return state.requests.filter((r) => r.path === path).length;
    },
    sha256(filename) {
      const hash = hashes.get(filename);
      if (!hash) throw new Error(`no such file ${filename}`);
      return hash;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };

  const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    inFlight++;
    state.maxInFlight = Math.max(state.maxInFlight, inFlight);
    let counted = true;
    const release = () => {
      if (counted) inFlight--;
      counted = false;
    };
    res.on('close', release);
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    state.requests.push({
      method: req.method ?? 'GET',
      path,
      accept: req.headers.accept ?? '',
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
      ...(typeof req.headers['if-none-match'] === 'string'
        ? { ifNoneMatch: req.headers['if-none-match'] }
        : {}),
      ...(typeof req.headers['if-modified-since'] === 'string'
        ? { ifModifiedSince: req.headers['if-modified-since'] }
        : {}),
    });
    try {
      if (state.latencyMs > 0) await wait(state.latencyMs);
      if (res.destroyed) return;

      if (state.requireAuth) {
        const expected = `Basic ${Buffer.from(`${state.requireAuth.username}:${state.requireAuth.password}`).toString('base64')}`;
        if (req.headers.authorization !== expected) {
          res.writeHead(401, { 'www-authenticate': 'Basic realm="index"', 'content-type': 'text/plain' });
          res.end('authentication required');
          return;
        }
      }

      const queue = queues.get(path);
      let behaviour: Behaviour | undefined;
      if (queue && queue.list.length > 0) {
        behaviour = queue.repeat && queue.list.length === 1 ? queue.list[0] : queue.list.shift();
      }
      if (behaviour) {
        const handled = await misbehave(behaviour, res);
        if (handled) return;
      }
      await serve(req, res, path);
    } catch {
      res.destroy();
    }
  }

  /** Returns true when the behaviour answered the request itself. */
  async function misbehave(behaviour: Behaviour, res: ServerResponse): Promise<boolean> {
    switch (behaviour.kind) {
      case 'status':
        res.writeHead(behaviour.status, { 'content-type': 'text/plain', ...behaviour.headers });
        res.end(behaviour.body ?? `status ${behaviour.status}`);
        return true;
      case 'redirect':
        res.writeHead(behaviour.status ?? 302, { location: behaviour.to });
        res.end();
        return true;
      case 'delay':
        await wait(behaviour.ms);
        return res.destroyed;
      case 'truncate':
        res.writeHead(200, {
          'content-type': 'application/vnd.pypi.simple.v1+json',
          'content-length': '4096',
        });
        res.write('{"meta": {"api-version": "1.1"}, "name": "trunc');
        await wait(20);
        res.destroy();
        return true;
      case 'invalid-json':
        res.writeHead(200, { 'content-type': 'application/vnd.pypi.simple.v1+json' });
        res.end('{"meta": {"api-version": "1.1"}, "files": [ {"filename": ');
        return true;
      case 'content-type':
        res.writeHead(200, { 'content-type': behaviour.type });
        res.end('this is not an index page');
        return true;
      case 'oversize': {
        res.writeHead(200, { 'content-type': 'application/vnd.pypi.simple.v1+json' });
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        let sent = 0;
        while (sent < behaviour.bytes && !res.destroyed) {
          const ok = res.write(chunk);
          sent += chunk.length;
          if (!ok) {
            await new Promise<void>((resolve) => {
              const done = () => {
                res.off('drain', done);
                res.off('close', done);
                resolve();
              };
              res.on('drain', done);
              res.on('close', done);
            });
          }
        }
        res.end();
        return true;
      }
    }
  }

  async function serve(req: IncomingMessage, res: ServerResponse, path: string) {
    const fileMatch = /^\/files\/([^/]+)$/.exec(path);
    if (fileMatch?.[1]) {
      const filename = decodeURIComponent(fileMatch[1]);
      if (!hashes.has(filename)) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('no such file');
        return;
      }
      const content = await readFile(join(dir, filename));
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': content.length });
      res.end(content);
      return;
    }
    if (path === '/simple/') {
      const links = projects.map((p) => `<a href="${normalizeName(p.name)}/">${escapeHtml(p.name)}</a>`);
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end(`<html><body>${links.join('\n')}</body></html>`);
      return;
    }
    const projectMatch = /^\/simple\/([^/]+)\/$/.exec(path);
    const project = projectMatch?.[1] ? byName.get(projectMatch[1]) : undefined;
    if (!project) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const accept = req.headers.accept ?? '';
    const json = !options.htmlOnly && accept.includes('application/vnd.pypi.simple.v1+json');
    const body = json ? jsonPage(project) : htmlPage(project);
    const etag = `"${createHash('sha256').update(body).digest('hex').slice(0, 16)}"`;
    const headers: Record<string, string> = {
      'content-type': json ? 'application/vnd.pypi.simple.v1+json' : 'text/html; charset=utf-8',
      vary: 'Accept',
    };
    if (validators) {
      headers.etag = etag;
      headers['last-modified'] = lastModified;
      if (req.headers['if-none-match'] === etag) {
        res.writeHead(304, headers).end();
        return;
      }
    }
    res.writeHead(200, headers).end(body);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  state.origin = `http://127.0.0.1:${port}`;
  state.indexUrl = `${state.origin}/simple/`;
  return state;
}

/** A port on 127.0.0.1 with nothing listening (connections are refused). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
