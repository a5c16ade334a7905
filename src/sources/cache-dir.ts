/**
 * Where pybase keeps its caches (index pages, analyses, refreshed data). Kept apart from the HTTP
 * cache, whose client code a command answered from its result cache does not need to load.
 */
import { homedir as osHomedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

export interface CacheDirOptions {
  /** Explicit directory (the CLI's `--cache-dir`); wins over everything else. */
  cacheDir?: string;
  /** Environment to read XDG_CACHE_HOME from (default process.env). */
  env?: Record<string, string | undefined>;
  /** Home directory (default os.homedir()). */
  homedir?: string;
}

/** `cacheDir`, else `$XDG_CACHE_HOME/pybase` (when absolute, as the XDG spec demands), else `~/.cache/pybase`. */
export function resolveCacheDir(options: CacheDirOptions = {}): string {
  if (options.cacheDir) return options.cacheDir;
  const env = options.env ?? process.env;
  const xdg = env.XDG_CACHE_HOME;
  if (xdg && isAbsolute(xdg)) return join(xdg, 'pybase');
  return join(options.homedir ?? osHomedir(), '.cache', 'pybase');
}
