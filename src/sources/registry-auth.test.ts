import { describe, expect, it } from 'vitest';
import {
  findChallenge,
  parseTokenAnswer,
  parseWwwAuthenticate,
  pullScope,
  tokenRequestUrl,
} from './registry-auth.js';

describe('parseWwwAuthenticate', () => {
  it("reads Docker Hub's Bearer challenge", () => {
    const [c] = parseWwwAuthenticate(
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/python:pull"',
    );
    expect(c).toEqual({
      scheme: 'bearer',
      params: {
        realm: 'https://auth.docker.io/token',
        service: 'registry.docker.io',
        scope: 'repository:library/python:pull',
      },
    });
  });

  it('keeps commas inside quoted values, tolerates spaces, bare values and escapes', () => {
    const [c] = parseWwwAuthenticate(
      'bearer  Realm = "http://t/token" , scope="repository:a/b:pull,push", error=insufficient_scope, x="say \\"hi\\""',
    );
    expect(c?.params).toEqual({
      realm: 'http://t/token',
      scope: 'repository:a/b:pull,push',
      error: 'insufficient_scope',
      x: 'say "hi"',
    });
  });

  it('splits several challenges and finds one by scheme', () => {
    const all = parseWwwAuthenticate(
      'Basic realm="Registry Realm", Bearer realm="https://x/token",service="x"',
    );
    expect(all.map((c) => c.scheme)).toEqual(['basic', 'bearer']);
    expect(findChallenge(all, 'Bearer')?.params.service).toBe('x');
    expect(findChallenge(all, 'basic')?.params.realm).toBe('Registry Realm');
  });

  it('returns nothing usable for garbage instead of throwing', () => {
    expect(parseWwwAuthenticate('')).toEqual([]);
    expect(parseWwwAuthenticate('=== ,,, "')).toEqual([]);
    expect(findChallenge(parseWwwAuthenticate('Negotiate'), 'bearer')).toBeUndefined();
  });
});

describe('token requests', () => {
  it('adds service and every scope once', () => {
    const url = tokenRequestUrl(
      {
        scheme: 'bearer',
        params: {
          realm: 'https://auth.example/token?x=1',
          service: 'reg',
          scope: 'repository:library/python:pull',
        },
      },
      [pullScope('library/python'), 'repository:other:pull'],
    );
    expect(url.origin).toBe('https://auth.example');
    expect(url.searchParams.get('x')).toBe('1');
    expect(url.searchParams.get('service')).toBe('reg');
    expect(url.searchParams.getAll('scope')).toEqual([
      'repository:library/python:pull',
      'repository:other:pull',
    ]);
  });

  it('fails on a challenge without realm', () => {
    expect(() => tokenRequestUrl({ scheme: 'bearer', params: {} }, [])).toThrow();
  });

  it('reads token or access_token with expires_in (default 60)', () => {
    expect(parseTokenAnswer('{"token":"a","expires_in":300}')).toEqual({ token: 'a', expiresIn: 300 });
    expect(parseTokenAnswer('{"access_token":"b"}')).toEqual({ token: 'b', expiresIn: 60 });
    expect(parseTokenAnswer('{"token":""}')).toBeUndefined();
    expect(parseTokenAnswer('not json')).toBeUndefined();
  });
});
