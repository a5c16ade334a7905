/**
 * Registry credentials from Docker's client configuration (`~/.docker/config.json`, or `$DOCKER_CONFIG/config.json`).
 *
 * Only the `auths` section is read: a base64 `auth` field (`user:password`) or separate `username` /
 * `password` fields, and `identitytoken` (an OAuth refresh token, kept for the token flow). pybase does not run
 * credential helpers (`credsStore`, `credHelpers`): they are separate programs, and running them would mean
 * executing whatever the configuration names. When a helper is configured for a registry and no inline
 * credentials exist, the look-up says so, naming the helper, so the caller can tell the user what to do.
 *
 * Nothing here ever puts a secret in a message.
 */

import { readFile } from 'node:fs/promises';
import { homedir as osHomedir } from 'node:os';
import { join } from 'node:path';
import { inputCodes, PybaseError } from '../model/diagnostic.js';
import type { BasicCredentials } from './http.js';

export interface RegistryCredentials extends BasicCredentials {
  /** An OAuth refresh token (`identitytoken`), used instead of the password in the token flow. */
  identityToken?: string;
}

export interface DockerConfig {
  /** The file the configuration was read from (for messages). */
  file: string;
  /** Inline credentials by normalised registry host. */
  auths: Map<string, RegistryCredentials>;
  /** Every host named in `auths`, including entries without usable credentials. */
  authHosts: Set<string>;
  /** Default credential helper (`credsStore`). */
  credsStore?: string;
  /** Credential helper per registry host (`credHelpers`), by normalised host. */
  credHelpers: Map<string, string>;
}

/** What a credential look-up found for a registry. */
export type CredentialLookup =
  | { kind: 'credentials'; credentials: RegistryCredentials; source: string }
  | { kind: 'helper'; helper: string; source: string }
  | { kind: 'none' };

export interface DockerConfigLocationOptions {
  /** Environment to read DOCKER_CONFIG from (default process.env). */
  env?: Record<string, string | undefined>;
  homedir?: string;
}

/** `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`. */
export function dockerConfigPath(options: DockerConfigLocationOptions = {}): string {
  const env = options.env ?? process.env;
  if (env.DOCKER_CONFIG) return join(env.DOCKER_CONFIG, 'config.json');
  return join(options.homedir ?? osHomedir(), '.docker', 'config.json');
}

/** Docker Hub is stored under several keys in the wild; they all mean one registry. */
const hubAliases = new Set([
  'docker.io',
  'index.docker.io',
  'registry-1.docker.io',
  'registry.hub.docker.com',
  'hub.docker.com',
]);

/**
 * The host part of an `auths` key, lower-case, with Docker Hub's names folded into `docker.io`. Keys are
 * written as bare hosts (`ghcr.io`), hosts with ports, or URLs (`https://index.docker.io/v1/`).
 */
export function normalizeRegistryHost(key: string): string {
  let host = key.trim();
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(host);
  if (scheme) host = host.slice(scheme[0].length);
  host = host.split('/')[0] ?? host;
  host = host.toLowerCase();
  return hubAliases.has(host) ? 'docker.io' : host;
}

function configError(file: string, message: string, hint: string): PybaseError {
  return new PybaseError({
    code: inputCodes.config,
    severity: 'error',
    message: `${file}: ${message}`,
    location: { file, startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 },
    hint,
  });
}

function decodeAuth(value: string): BasicCredentials | undefined {
  let text: string;
  try {
    text = Buffer.from(value, 'base64').toString('utf8');
  } catch {
    return undefined;
  }
  const colon = text.indexOf(':');
  if (colon <= 0) return undefined;
  return { username: text.slice(0, colon), password: text.slice(colon + 1) };
}

/**
 * Parses the text of a Docker client configuration. Throws a PybaseError (PBE004) naming the file when the
 * text is not a JSON object; unusable entries are skipped (a later look-up reports "no credentials").
 */
export function parseDockerConfig(text: string, file = 'config.json'): DockerConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw configError(
      file,
      `not valid JSON (${(error as Error).message.split('\n')[0]})`,
      'fix the file or point DOCKER_CONFIG at another directory',
    );
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw configError(
      file,
      'expected a JSON object',
      'fix the file or point DOCKER_CONFIG at another directory',
    );
  }
  const object = raw as Record<string, unknown>;
  const auths = new Map<string, RegistryCredentials>();
  const authHosts = new Set<string>();
  if (object.auths && typeof object.auths === 'object') {
    for (const [key, value] of Object.entries(object.auths as Record<string, unknown>)) {
      const host = normalizeRegistryHost(key);
      authHosts.add(host);
      if (!value || typeof value !== 'object') continue;
      const entry = value as Record<string, unknown>;
      let credentials: BasicCredentials | undefined;
      if (typeof entry.auth === 'string' && entry.auth.length > 0) credentials = decodeAuth(entry.auth);
      if (!credentials && typeof entry.username === 'string' && typeof entry.password === 'string') {
        credentials = { username: entry.username, password: entry.password };
      }
      const identityToken =
        typeof entry.identitytoken === 'string' && entry.identitytoken ? entry.identitytoken : undefined;
      if (credentials) auths.set(host, { ...credentials, ...(identityToken ? { identityToken } : {}) });
      else if (identityToken) auths.set(host, { username: '<token>', password: '', identityToken });
    }
  }
  const credHelpers = new Map<string, string>();
  if (object.credHelpers && typeof object.credHelpers === 'object') {
    for (const [key, value] of Object.entries(object.credHelpers as Record<string, unknown>)) {
      if (typeof value === 'string' && value) credHelpers.set(normalizeRegistryHost(key), value);
    }
  }
  const credsStore =
    typeof object.credsStore === 'string' && object.credsStore ? object.credsStore : undefined;
  return { file, auths, authHosts, credHelpers, ...(credsStore ? { credsStore } : {}) };
}

/** Reads the configuration; undefined when the file does not exist. */
export async function loadDockerConfig(
  options: DockerConfigLocationOptions & { path?: string } = {},
): Promise<DockerConfig | undefined> {
  const file = options.path ?? dockerConfigPath(options);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw configError(
      file,
      `cannot be read (${code ?? 'error'})`,
      'check the file permissions or DOCKER_CONFIG',
    );
  }
  return parseDockerConfig(text, file);
}

/**
 * The credentials for a registry host. Inline credentials win; otherwise a configured helper is reported
 * (pybase cannot run it); otherwise none.
 */
export function dockerConfigCredentials(config: DockerConfig | undefined, host: string): CredentialLookup {
  if (!config) return { kind: 'none' };
  const key = normalizeRegistryHost(host);
  const credentials = config.auths.get(key);
  if (credentials) return { kind: 'credentials', credentials, source: config.file };
  const helper =
    config.credHelpers.get(key) ??
    (config.authHosts.has(key) || config.credsStore ? config.credsStore : undefined);
  if (helper) return { kind: 'helper', helper: `docker-credential-${helper}`, source: config.file };
  return { kind: 'none' };
}
