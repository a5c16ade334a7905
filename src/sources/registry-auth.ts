/**
 * Authentication challenges of container registries (`WWW-Authenticate`) and the token request of the
 * Docker registry token protocol (https://distribution.github.io/distribution/spec/auth/token/).
 *
 * Parsed by hand: the header grammar (RFC 9110 section 11.6.1, auth-scheme + comma-separated auth-params
 * with quoted strings) is small, and no maintained npm package parses it without pulling in a whole HTTP
 * framework.
 */

export interface AuthChallenge {
  /** Lower-case scheme: `bearer`, `basic`, ... */
  scheme: string;
  /** Parameters with lower-case names (`realm`, `service`, `scope`, `error`). */
  params: Record<string, string>;
}

/**
 * Parses a `WWW-Authenticate` header value into its challenges. Tolerates the real world: quoted or bare
 * values, escaped quotes, spaces around `=`, several challenges in one header, commas inside quoted scopes
 * (`scope="repository:a:pull,push"`). Unreadable parts are skipped.
 */
export function parseWwwAuthenticate(header: string): AuthChallenge[] {
  const challenges: AuthChallenge[] = [];
  let i = 0;
  const n = header.length;
  const skipSpace = () => {
    while (i < n && /[\s,]/.test(header[i] as string)) i++;
  };
  const readToken = (): string => {
    const start = i;
    while (i < n && /[!#$%&'*+.^_`|~0-9A-Za-z-]/.test(header[i] as string)) i++;
    return header.slice(start, i);
  };
  let current: AuthChallenge | undefined;
  while (i < n) {
    skipSpace();
    if (i >= n) break;
    const start = i;
    const token = readToken();
    if (token === '') {
      i++; // not a token character: skip it
      continue;
    }
    let j = i;
    while (j < n && header[j] === ' ') j++;
    if (header[j] === '=' && current) {
      // An auth-param of the current challenge.
      i = j + 1;
      while (i < n && header[i] === ' ') i++;
      let value = '';
      if (header[i] === '"') {
        i++;
        while (i < n && header[i] !== '"') {
          if (header[i] === '\\' && i + 1 < n) i++;
          value += header[i];
          i++;
        }
        i++; // closing quote
      } else {
        const valueStart = i;
        while (i < n && header[i] !== ',') i++;
        value = header.slice(valueStart, i).trim();
      }
      current.params[token.toLowerCase()] = value;
      continue;
    }
    if (header[j] === '=' && !current) {
      // A parameter before any scheme: malformed, skip to the next comma.
      while (i < n && header[i] !== ',') i++;
      continue;
    }
    // A new challenge (token68 forms such as `Negotiate abc==` keep no parameters).
    current = { scheme: token.toLowerCase(), params: {} };
    challenges.push(current);
    if (i === start) i++;
  }
  return challenges;
}

/** The first challenge of a scheme. */
export function findChallenge(
  challenges: readonly AuthChallenge[],
  scheme: string,
): AuthChallenge | undefined {
  return challenges.find((c) => c.scheme === scheme.toLowerCase());
}

/** The pull scope of a repository, as the token protocol names it. */
export function pullScope(repository: string): string {
  return `repository:${repository}:pull`;
}

/**
 * The URL of a token request: the realm with `service` and one `scope` parameter per scope (space- or
 * comma-separated scopes of a challenge are kept as the server wrote them; several scope parameters are
 * what the protocol defines for several resources).
 */
export function tokenRequestUrl(challenge: AuthChallenge, scopes: readonly string[]): URL {
  const realm = challenge.params.realm;
  if (!realm) throw new Error('bearer challenge without realm');
  const url = new URL(realm);
  if (challenge.params.service) url.searchParams.set('service', challenge.params.service);
  const all = new Set<string>();
  for (const scope of scopes) if (scope) all.add(scope);
  for (const scope of (challenge.params.scope ?? '').split(' ')) if (scope) all.add(scope);
  for (const scope of all) url.searchParams.append('scope', scope);
  return url;
}

export interface TokenAnswer {
  token: string;
  /** Seconds; the protocol's default is 60 when absent. */
  expiresIn: number;
}

/** Reads a token endpoint's JSON answer (`token` or `access_token`, `expires_in`); undefined when unusable. */
export function parseTokenAnswer(text: string): TokenAnswer | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!raw || typeof raw !== 'object') return undefined;
  const object = raw as Record<string, unknown>;
  const token =
    typeof object.token === 'string' && object.token
      ? object.token
      : typeof object.access_token === 'string' && object.access_token
        ? object.access_token
        : undefined;
  if (!token) return undefined;
  const expires = typeof object.expires_in === 'number' && object.expires_in > 0 ? object.expires_in : 60;
  return { token, expiresIn: expires };
}
