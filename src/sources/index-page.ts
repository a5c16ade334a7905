/**
 * Helpers shared by the JSON (PEP 691) and HTML (PEP 503) readers of index pages.
 */

/** Splits `major.minor`; undefined for anything else. */
export function apiMajorOf(version: string): number | undefined {
  const match = /^\s*(\d+)(?:\.\d+)?\s*$/.exec(version);
  return match ? Number(match[1]) : undefined;
}

export function resolveFileUrl(
  href: string,
  base: string,
): { url: string; hashes: Record<string, string> } | undefined {
  let resolved: URL;
  try {
    resolved = new URL(href, base);
  } catch {
    return undefined;
  }
  const hashes: Record<string, string> = {};
  const fragment = resolved.hash.slice(1);
  const hashMatch = /^([a-z0-9_-]+)=([0-9a-f]+)$/i.exec(fragment);
  if (hashMatch?.[1] && hashMatch[2]) hashes[hashMatch[1].toLowerCase()] = hashMatch[2].toLowerCase();
  resolved.hash = '';
  resolved.username = '';
  resolved.password = '';
  return { url: resolved.href, hashes };
}

export function normalizeYanked(value: boolean | string | null | undefined): boolean | string {
  if (value === undefined || value === null || value === false) return false;
  // PEP 691: a yank reason is a non-empty string; an empty one still means "yanked".
  if (value === true || value.trim() === '') return true;
  return value;
}
