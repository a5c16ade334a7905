/**
 * A small token service for the Docker registry token protocol, on 127.0.0.1, for integration tests.
 *
 * It generates an ECDSA P-256 key and a self-signed certificate (DER written by hand below: node:crypto can
 * sign but cannot create certificates), writes the certificate as the registry's `rootcertbundle`, and
 * answers `GET /token?service=...&scope=...` with an ES256 JWT whose header carries the certificate (`x5c`),
 * which is how the registry finds the verification key.
 *
 * Policy: anonymous callers may pull repositories under `library/`; users with a valid password may pull and
 * push anything. Wrong credentials get a 401.
 */

import {
  createHash,
  createPrivateKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  sign,
  X509Certificate,
} from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

// ------------------------------------------------------------------------------------------ DER encoding

function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  let n = length;
  while (n > 0) {
    bytes.unshift(n & 0xff);
    n >>= 8;
  }
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function der(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), derLength(body.length), body]);
}

const sequence = (...parts: Buffer[]) => der(0x30, ...parts);
const set = (...parts: Buffer[]) => der(0x31, ...parts);

function integer(bytes: Buffer): Buffer {
  let b = bytes;
  while (b.length > 1 && b[0] === 0 && ((b[1] as number) & 0x80) === 0) b = b.subarray(1);
  if (((b[0] as number) & 0x80) !== 0) b = Buffer.concat([Buffer.from([0]), b]);
  return der(0x02, b);
}

function objectId(text: string): Buffer {
  const parts = text.split('.').map(Number);
  const bytes: number[] = [40 * (parts[0] as number) + (parts[1] as number)];
  for (const part of parts.slice(2)) {
    const chunk: number[] = [part & 0x7f];
    let n = part >>> 7;
    while (n > 0) {
      chunk.unshift((n & 0x7f) | 0x80);
      n >>>= 7;
    }
    bytes.push(...chunk);
  }
  return der(0x06, Buffer.from(bytes));
}

function utcTime(date: Date): Buffer {
  const iso = date.toISOString();
  const text = `${iso.slice(2, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  return der(0x17, Buffer.from(text, 'ascii'));
}

const ecdsaWithSha256 = '1.2.840.10045.4.3.2';
const commonName = '2.5.4.3';

/** A self-signed X.509 v3 certificate (no extensions) for `key`, valid from a day ago for ten years. */
function selfSignedCertificate(privateKey: KeyObject, publicKey: KeyObject, name: string): Buffer {
  const distinguishedName = sequence(
    set(sequence(objectId(commonName), der(0x0c, Buffer.from(name, 'utf8')))),
  );
  const now = Date.now();
  const tbs = sequence(
    der(0xa0, integer(Buffer.from([2]))),
    integer(randomBytes(12)),
    sequence(objectId(ecdsaWithSha256)),
    distinguishedName,
    sequence(utcTime(new Date(now - 86_400_000)), utcTime(new Date(now + 10 * 365 * 86_400_000))),
    distinguishedName,
    publicKey.export({ type: 'spki', format: 'der' }),
  );
  const signature = sign('sha256', tbs, privateKey);
  return sequence(tbs, sequence(objectId(ecdsaWithSha256)), der(0x03, Buffer.from([0]), signature));
}

// ----------------------------------------------------------------------------------------------- JWT

const base64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

export interface AccessEntry {
  type: string;
  name: string;
  actions: string[];
}

export interface TokenIssuer {
  readonly issuer: string;
  readonly service: string;
  /** PEM of the certificate, for the registry's rootcertbundle. */
  readonly certificatePem: string;
  mint(access: AccessEntry[], subject?: string, lifetimeSeconds?: number): string;
}

export function createTokenIssuer(service: string, issuer = 'pybase-test-token-issuer'): TokenIssuer {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const certificate = selfSignedCertificate(privateKey, publicKey, issuer);
  const parsed = new X509Certificate(certificate);
  if (!parsed.verify(publicKey)) throw new Error('generated certificate does not verify');
  const certificatePem = parsed.toString();
  const signingKey = createPrivateKey(privateKey.export({ type: 'pkcs8', format: 'pem' }));
  return {
    issuer,
    service,
    certificatePem,
    mint(access, subject = '', lifetimeSeconds = 300) {
      const header = { typ: 'JWT', alg: 'ES256', x5c: [certificate.toString('base64')] };
      const now = Math.floor(Date.now() / 1000);
      const claims = {
        iss: issuer,
        sub: subject,
        aud: service,
        exp: now + lifetimeSeconds,
        nbf: now - 10,
        iat: now,
        jti: randomBytes(12).toString('hex'),
        access,
      };
      const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
      // JOSE wants the raw r||s form of an ECDSA signature, not DER.
      const signature = sign('sha256', Buffer.from(input), { key: signingKey, dsaEncoding: 'ieee-p1363' });
      return `${input}.${base64url(signature)}`;
    },
  };
}

// ---------------------------------------------------------------------------------------------- server

export interface TokenRequestRecord {
  /** User name presented (empty when anonymous). */
  user: string;
  scopes: string[];
  service: string;
  status: number;
}

export interface TokenServer {
  readonly url: string;
  readonly realm: string;
  readonly issuer: TokenIssuer;
  readonly requests: TokenRequestRecord[];
  /** Every token handed out (for the test that scans output for secrets). */
  readonly issued: string[];
  writeCertificate(path: string): void;
  close(): Promise<void>;
}

function parseScope(scope: string): AccessEntry | undefined {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first < 0 || last <= first) return undefined;
  return {
    type: scope.slice(0, first),
    name: scope.slice(first + 1, last),
    actions: scope.slice(last + 1).split(','),
  };
}

export async function startTokenServer(options: {
  service: string;
  users: Record<string, string>;
}): Promise<TokenServer> {
  const issuer = createTokenIssuer(options.service);
  const requests: TokenRequestRecord[] = [];
  const issued: string[] = [];

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/token') {
      res.writeHead(404).end();
      return;
    }
    let user = '';
    const authorization = req.headers.authorization ?? '';
    if (authorization.startsWith('Basic ')) {
      const decoded = Buffer.from(authorization.slice(6), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      const name = decoded.slice(0, colon);
      const password = decoded.slice(colon + 1);
      const expected = options.users[name];
      const same =
        expected !== undefined &&
        createHash('sha256').update(expected).digest().equals(createHash('sha256').update(password).digest());
      if (!same) {
        requests.push({
          user: name,
          scopes: url.searchParams.getAll('scope'),
          service: url.searchParams.get('service') ?? '',
          status: 401,
        });
        res
          .writeHead(401, { 'content-type': 'application/json' })
          .end('{"details":"incorrect username or password"}');
        return;
      }
      user = name;
    }
    const scopes = url.searchParams
      .getAll('scope')
      .flatMap((s) => s.split(' '))
      .filter(Boolean);
    const access: AccessEntry[] = [];
    for (const scope of scopes) {
      const wanted = parseScope(scope);
      if (wanted?.type !== 'repository') continue;
      const allowed = user
        ? wanted.actions
        : wanted.name.startsWith('library/')
          ? wanted.actions.filter((a) => a === 'pull')
          : [];
      access.push({ ...wanted, actions: allowed });
    }
    const token = issuer.mint(access, user);
    issued.push(token);
    requests.push({ user, scopes, service: url.searchParams.get('service') ?? '', status: 200 });
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(
        JSON.stringify({ token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() }),
      );
  };

  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    realm: `${url}/token`,
    issuer,
    requests,
    issued,
    writeCertificate(path) {
      writeFileSync(path, issuer.certificatePem);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
