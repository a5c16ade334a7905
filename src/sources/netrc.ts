/**
 * Reading credentials from a netrc file (`NETRC`, else `~/.netrc`), as pip, uv and curl do.
 *
 * The format is tiny (whitespace-separated `machine`/`default`/`login`/`password`/`account` tokens, `macdef`
 * blocks ended by an empty line, `#` comments, optional double quotes), so it is parsed here rather than
 * through a package. Passwords read here are only ever turned into an Authorization header by http.ts.
 */

import { readFile } from 'node:fs/promises';
import { homedir as osHomedir } from 'node:os';
import { join } from 'node:path';
import { inputCodes, PybaseError } from '../model/diagnostic.js';
import type { BasicCredentials } from './http.js';

export interface NetrcEntry {
  /** Host name, or null for the `default` entry. */
  machine: string | null;
  login?: string;
  password?: string;
  account?: string;
}

export interface Netrc {
  entries: NetrcEntry[];
  /** File it was read from, when read from a file. */
  path?: string;
}

interface Token {
  value: string;
  /** Index of the line the token starts on (0-based). */
  line: number;
}

/** Keywords whose next token is a value, so a following `macdef` is a value too. */
const valueKeywords = new Set(['machine', 'login', 'password', 'account']);

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const lines = text.split(/\r?\n/);
  let inMacro = false;
  for (let lineIndex = 0; lineIndex < lines.length; lineIndex++) {
    const line = lines[lineIndex] ?? '';
    if (inMacro) {
      // A macro definition runs until the first empty line.
      if (line.trim() === '') inMacro = false;
      continue;
    }
    let i = 0;
    while (i < line.length) {
      const ch = line[i] ?? '';
      if (/\s/.test(ch)) {
        i++;
        continue;
      }
      if (ch === '#') break;
      let value = '';
      if (ch === '"') {
        i++;
        while (i < line.length && line[i] !== '"') {
          if (line[i] === '\\' && i + 1 < line.length) i++;
          value += line[i];
          i++;
        }
        i++;
      } else {
        while (i < line.length && !/\s/.test(line[i] ?? '')) {
          if (line[i] === '\\' && i + 1 < line.length) i++;
          value += line[i];
          i++;
        }
      }
      tokens.push({ value, line: lineIndex });
      if (value === 'macdef' && !valueKeywords.has(tokens.at(-2)?.value ?? '')) {
        // `macdef NAME` then the body starts on the next line.
        const rest = line.slice(i).trim().split(/\s+/)[0];
        if (rest) tokens.push({ value: rest, line: lineIndex });
        inMacro = true;
        break;
      }
    }
  }
  return tokens;
}

/** Parses netrc text. Unknown tokens are skipped; the parser never throws. */
export function parseNetrc(text: string): Netrc {
  const tokens = tokenize(text);
  const entries: NetrcEntry[] = [];
  let current: NetrcEntry | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]?.value;
    const next = tokens[i + 1]?.value;
    switch (token) {
      case 'machine':
        if (next === undefined) break;
        current = { machine: next.toLowerCase() };
        entries.push(current);
        i++;
        break;
      case 'default':
        current = { machine: null };
        entries.push(current);
        break;
      case 'login':
      case 'password':
      case 'account':
        if (next === undefined) break;
        if (current) current[token] = next;
        i++;
        break;
      case 'macdef':
        current = undefined;
        i++;
        break;
      default:
        break;
    }
  }
  return { entries };
}

/**
 * Credentials for `host` (`name` or `name:port`): the first `machine` entry naming it (with its port, or
 * just the host name, case-insensitive), else the `default` entry. Entries without a login are skipped.
 */
export function netrcCredentials(netrc: Netrc | undefined, host: string): BasicCredentials | undefined {
  if (!netrc) return undefined;
  const wanted = host.toLowerCase();
  const hostname = wanted.startsWith('[') ? wanted.slice(0, wanted.indexOf(']') + 1) : wanted.split(':')[0];
  const usable = (entry: NetrcEntry) => entry.login !== undefined;
  const match =
    netrc.entries.find((entry) => entry.machine === wanted && usable(entry)) ??
    netrc.entries.find((entry) => entry.machine === hostname && usable(entry)) ??
    netrc.entries.find((entry) => entry.machine === null && usable(entry));
  if (!match || match.login === undefined) return undefined;
  return { username: match.login, password: match.password ?? '' };
}

export interface NetrcLocationOptions {
  /** Explicit file; wins over the environment. */
  path?: string;
  /** Environment to read NETRC from (default process.env). */
  env?: Record<string, string | undefined>;
  homedir?: string;
}

/** `path`, else `$NETRC`, else `~/.netrc`. */
export function netrcPath(options: NetrcLocationOptions = {}): string {
  if (options.path) return options.path;
  const env = options.env ?? process.env;
  if (env.NETRC) return env.NETRC;
  return join(options.homedir ?? osHomedir(), '.netrc');
}

/**
 * Reads and parses the netrc file. A missing file is no error (undefined); an unreadable one is a
 * `PBE005` diagnostic naming the file.
 */
export async function loadNetrc(options: NetrcLocationOptions = {}): Promise<Netrc | undefined> {
  const path = netrcPath(options);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ENOENT') return undefined;
    throw new PybaseError({
      code: inputCodes.unreadableFile,
      severity: 'error',
      message: `cannot read netrc file ${path}: ${typeof code === 'string' ? code : 'read error'}`,
      location: { file: path, startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 },
      hint: 'Fix the file permissions, or point NETRC at a readable file.',
    });
  }
  return { ...parseNetrc(text), path };
}
