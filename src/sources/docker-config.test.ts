import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PybaseError } from '../model/diagnostic.js';
import {
  dockerConfigCredentials,
  dockerConfigPath,
  loadDockerConfig,
  normalizeRegistryHost,
  parseDockerConfig,
} from './docker-config.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('docker config credentials', () => {
  it('reads base64 auth and username/password, folding Docker Hub names', () => {
    const config = parseDockerConfig(
      JSON.stringify({
        auths: {
          'https://index.docker.io/v1/': { auth: b64('hubuser:hub:pass') },
          'ghcr.io': { username: 'gh', password: 'tok' },
          'registry.example:5000': { auth: b64('u:p'), identitytoken: 'refresh' },
        },
      }),
    );
    expect(dockerConfigCredentials(config, 'registry-1.docker.io')).toMatchObject({
      kind: 'credentials',
      credentials: { username: 'hubuser', password: 'hub:pass' },
    });
    expect(dockerConfigCredentials(config, 'GHCR.io')).toMatchObject({
      credentials: { username: 'gh', password: 'tok' },
    });
    expect(dockerConfigCredentials(config, 'registry.example:5000')).toMatchObject({
      credentials: { username: 'u', password: 'p', identityToken: 'refresh' },
    });
    expect(dockerConfigCredentials(config, 'quay.io')).toEqual({ kind: 'none' });
  });

  it('names the credential helper when the secret is not inline', () => {
    const config = parseDockerConfig(
      JSON.stringify({
        auths: { 'docker.io': {} },
        credsStore: 'desktop',
        credHelpers: { 'gcr.io': 'gcloud' },
      }),
      '/h/.docker/config.json',
    );
    expect(dockerConfigCredentials(config, 'index.docker.io')).toEqual({
      kind: 'helper',
      helper: 'docker-credential-desktop',
      source: '/h/.docker/config.json',
    });
    expect(dockerConfigCredentials(config, 'gcr.io')).toMatchObject({ helper: 'docker-credential-gcloud' });
  });

  it('skips unusable entries; rejects non-JSON with a PBE004 naming the file', () => {
    const config = parseDockerConfig(JSON.stringify({ auths: { a: { auth: b64('nocolon') }, b: 7 } }));
    expect(dockerConfigCredentials(config, 'a')).toEqual({ kind: 'none' });
    let error: unknown;
    try {
      parseDockerConfig('{ nope', '/x/config.json');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PybaseError);
    expect((error as PybaseError).diagnostic.code).toBe('PBE004');
    expect((error as PybaseError).diagnostic.location?.file).toBe('/x/config.json');
  });

  it('finds the file through DOCKER_CONFIG or the home directory, and a missing file is no error', async () => {
    expect(dockerConfigPath({ env: { DOCKER_CONFIG: '/cfg' } })).toBe('/cfg/config.json');
    expect(dockerConfigPath({ env: {}, homedir: '/home/u' })).toBe('/home/u/.docker/config.json');
    const dir = mkdtempSync(join(tmpdir(), 'pybase-dockercfg-'));
    expect(await loadDockerConfig({ env: { DOCKER_CONFIG: dir } })).toBeUndefined();
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ auths: { 'x.io': { auth: b64('a:b') } } }));
    const loaded = await loadDockerConfig({ env: { DOCKER_CONFIG: dir } });
    expect(loaded?.file).toBe(join(dir, 'config.json'));
    expect(dockerConfigCredentials(loaded, 'x.io').kind).toBe('credentials');
  });

  it('normalises keys written as URLs', () => {
    expect(normalizeRegistryHost('https://Registry.Example:5000/v2/')).toBe('registry.example:5000');
    expect(normalizeRegistryHost('registry.hub.docker.com')).toBe('docker.io');
  });
});
