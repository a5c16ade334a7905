/**
 * The file handling shared by pybase's result caches (dependency analyses, recommendation
 * decisions): one JSON file per entry named by the hash of its key, written atomically, the
 * directory kept to a bounded number of entries, and the identity of the code that computed them.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Entries kept in one directory; writing one more removes the least recently written. */
export const maxCacheEntries = 64;

export const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

export function readOrNull(file: string): Buffer | null {
  try {
    return readFileSync(file);
  } catch {
    return null;
  }
}

/** A file an entry was computed from, and a hash of its bytes (null: it could not be read). */
export interface InputFile {
  file: string;
  sha256: string | null;
}

/** Whether every file still reads as it did when the entry was computed. */
export function inputsUnchanged(inputs: readonly InputFile[]): boolean {
  for (const input of inputs) {
    const bytes = readOrNull(input.file);
    if ((bytes ? sha256(bytes) : null) !== input.sha256) return false;
  }
  return true;
}

let codeIdentityMemo: string | undefined;

/**
 * pybase's version and the size and time of the module holding this code: a rebuild (or another
 * installed version) computes with other code, so its entries must not be shared.
 */
export function codeIdentity(): string {
  if (codeIdentityMemo !== undefined) return codeIdentityMemo;
  const self = fileURLToPath(import.meta.url);
  let stamp = 'unknown';
  try {
    const s = statSync(self);
    stamp = `${s.size}:${s.mtimeMs}`;
  } catch {
    // no file behind the module (unusual loaders): the version alone then
  }
  let version = 'unknown';
  for (let dir = path.dirname(self), i = 0; i < 4; i++, dir = path.dirname(dir)) {
    const text = readOrNull(path.join(dir, 'package.json'));
    if (!text) continue;
    try {
      const pkg = JSON.parse(text.toString('utf8')) as { name?: string; version?: string };
      if (pkg.name === 'pybase') {
        version = pkg.version ?? 'unknown';
        break;
      }
    } catch {
      // not a package.json we can read: keep looking upwards
    }
  }
  codeIdentityMemo = `${version}|${stamp}`;
  return codeIdentityMemo;
}

export function entryPath(dir: string, key: string): string {
  return path.join(dir, `${key}.json`);
}

/** The parsed JSON of the entry for `key`, or undefined when it is absent or does not parse. */
export function readEntryJson(dir: string, key: string): unknown {
  const raw = readOrNull(entryPath(dir, key));
  if (!raw) return undefined;
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Write an entry atomically: to a temporary file beside it, then renamed over it, so a reader never
 * sees half an entry. A cache that cannot be written is not an error: the caller's result stands.
 */
export function writeEntryJson(dir: string, key: string, value: unknown): void {
  const target = entryPath(dir, key);
  const temp = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    mkdirSync(dir, { recursive: true });
    // Readable by the user only: entries quote the lock's lines, which may name private indexes.
    writeFileSync(temp, JSON.stringify(value), { mode: 0o600 });
    renameSync(temp, target);
    prune(dir);
  } catch {
    try {
      unlinkSync(temp);
    } catch {
      // nothing was written
    }
  }
}

/** Remove the oldest entries beyond {@link maxCacheEntries} (a new date or lock adds one each). */
function prune(dir: string): void {
  const entries = readdirSync(dir).filter((f) => /^[0-9a-f]{64}\.json$/.test(f));
  if (entries.length <= maxCacheEntries) return;
  const dated = entries.map((f) => {
    const file = path.join(dir, f);
    try {
      return { file, time: statSync(file).mtimeMs };
    } catch {
      return { file, time: 0 };
    }
  });
  dated.sort((a, b) => a.time - b.time);
  for (const { file } of dated.slice(0, dated.length - maxCacheEntries)) {
    try {
      unlinkSync(file);
    } catch {
      // removed by another run meanwhile
    }
  }
}
