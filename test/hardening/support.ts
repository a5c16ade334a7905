/**
 * Loopback servers that misbehave on purpose, and a way to run the built CLI without blocking the event loop
 * (the servers live in the test process, so `spawnSync` would starve them).
 */

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { cliPath } from '../support/cli.js';

/** One way to answer a request. */
export type Fault =
  /** Accept the connection and the request, never answer. */
  | { kind: 'hang' }
  /** Send 200 headers, then one byte every `intervalMs`, never finishing. */
  | { kind: 'trickle'; intervalMs: number; contentType?: string }
  /** Declare `declared` bytes, send fewer, close the connection. */
  | { kind: 'truncate'; declared: number; sent: string; contentType?: string }
  /** A plain answer. */
  | { kind: 'answer'; status?: number; headers?: Record<string, string>; body?: string }
  /** A body of `bytes` bytes, sent without Content-Length (chunked) so only counting can catch it. */
  | { kind: 'oversize'; bytes: number; contentType?: string }
  /** Redirect to the same path with the query toggled between two values: a loop of two URLs. */
  | { kind: 'redirect-loop' }
  /** Close the socket at once, without an answer. */
  | { kind: 'reset' };

export interface FaultServer {
  /** `127.0.0.1:PORT` */
  host: string;
  /** `http://127.0.0.1:PORT` */
  origin: string;
  /** Chooses the answer of each request; `hit` counts requests for that path, from 1. */
  script: (req: IncomingMessage, hit: number) => Fault;
  /** Paths requested, in order. */
  requests: { method: string; path: string; authorization?: string }[];
  close(): Promise<void>;
}

export async function startFaultServer(script: FaultServer['script']): Promise<FaultServer> {
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const hits = new Map<string, number>();
  const state: FaultServer = {
    host: '',
    origin: '',
    script,
    requests: [],
    close: async () => {
      for (const t of timers) clearInterval(t);
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const hit = (hits.get(path) ?? 0) + 1;
    hits.set(path, hit);
    state.requests.push({
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
    });
    answer(state.script(req, hit), req, res);
  });
  const answer = (fault: Fault, req: IncomingMessage, res: ServerResponse) => {
    switch (fault.kind) {
      case 'hang':
        return;
      case 'reset':
        req.socket.destroy();
        return;
      case 'trickle': {
        res.writeHead(200, { 'content-type': fault.contentType ?? 'application/json' });
        res.write('{');
        const timer = setInterval(() => res.write(' '), fault.intervalMs);
        timers.add(timer);
        res.on('close', () => clearInterval(timer));
        return;
      }
      case 'truncate':
        res.writeHead(200, {
          'content-type': fault.contentType ?? 'application/json',
          'content-length': String(fault.declared),
        });
        res.write(fault.sent, () => req.socket.destroy());
        return;
      case 'oversize': {
        res.writeHead(200, { 'content-type': fault.contentType ?? 'application/json' });
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        let left = fault.bytes;
        const pump = () => {
          while (left > 0) {
            left -= chunk.length;
            if (!res.write(chunk)) {
              res.once('drain', pump);
              return;
            }
          }
          res.end();
        };
        res.on('error', () => {});
        pump();
        return;
      }
      case 'redirect-loop': {
        const url = new URL(req.url ?? '/', 'http://x');
        const next = url.searchParams.get('loop') === 'a' ? 'b' : 'a';
        url.searchParams.set('loop', next);
        res.writeHead(302, { location: `${url.pathname}${url.search}` }).end();
        return;
      }
      default:
        res.writeHead(fault.status ?? 200, fault.headers ?? {}).end(fault.body ?? '');
    }
  };
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  state.host = `127.0.0.1:${port}`;
  state.origin = `http://${state.host}`;
  return state;
}

/** A TLS server with a self-signed certificate made by the openssl CLI; it answers every request with 200. */
export interface SelfSignedServer {
  host: string;
  origin: string;
  close(): Promise<void>;
}

export async function startSelfSignedServer(): Promise<SelfSignedServer> {
  const dir = mkdtempSync(join(tmpdir(), 'pybase-tls-'));
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  // node:crypto makes keys but not certificates; the openssl CLI does both in one call.
  const made = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { encoding: 'utf8' },
  );
  if (made.status !== 0) throw new Error(`openssl failed: ${made.stderr}`);
  const sockets = new Set<Socket>();
  const server: TlsServer = createTlsServer(
    { key: readFileSync(key), cert: readFileSync(cert) },
    (socket) => {
      socket.on('error', () => {});
      socket.end('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}');
    },
  );
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    origin: `https://127.0.0.1:${port}`,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A host name under the reserved `.invalid` TLD (RFC 6761): resolution fails without asking anyone. */
export const unresolvableHost = 'pybase-hardening.invalid';

export interface AsyncCliResult {
  status: number | null;
  stdout: string;
  stderr: string;
  elapsedMs: number;
}

/** Runs the built CLI in a child process without blocking this process (loopback servers keep answering). */
export function runCliAsync(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; nodeArgs?: string[]; timeoutMs?: number } = {},
): Promise<AsyncCliResult> {
  if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: run 'npm run build' first`);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), cliPath, ...args], {
      cwd: options.cwd ?? process.cwd(),
      env: { ...process.env, NO_COLOR: '1', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const killer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(killer);
      resolve({ status, stdout, stderr, elapsedMs: Date.now() - started });
    });
  });
}

/** Collects unhandled rejections and uncaught exceptions of this process while tests run. */
export function trackUnhandled(): { errors: unknown[]; stop(): void } {
  const errors: unknown[] = [];
  const onRejection = (reason: unknown) => errors.push(reason);
  const onException = (error: unknown) => errors.push(error);
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return {
    errors,
    stop() {
      process.off('unhandledRejection', onRejection);
      process.off('uncaughtException', onException);
    },
  };
}
