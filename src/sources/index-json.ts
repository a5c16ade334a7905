/**
 * The PEP 691 JSON project page reader. A module of its own, loaded by the index client on the
 * first JSON page it reads: its validation uses zod, whose bundle is the largest single cost of
 * loading the commands that can look packages up (about 25 ms measured on `pybase deps`), and an
 * offline run never reads a page.
 */

import { z } from 'zod';
import { networkError, redact } from './http.js';
import { apiMajorOf, normalizeYanked, resolveFileUrl } from './index-page.js';
import type { IndexFile, ParsedProjectPage } from './package-index.js';

const jsonFileSchema = z.object({
  filename: z.string().min(1),
  url: z.string().min(1),
  hashes: z.record(z.string(), z.string()).optional(),
  'requires-python': z.string().nullish(),
  yanked: z.union([z.boolean(), z.string()]).nullish(),
  'upload-time': z.string().nullish(),
  size: z.number().int().nonnegative().nullish(),
});

const jsonProjectSchema = z.object({
  meta: z.object({ 'api-version': z.string() }),
  name: z.string().optional(),
  files: z.array(z.unknown()),
  versions: z.array(z.string()).optional(),
});

/**
 * Parses a PEP 691 JSON project page. Throws a PybaseError for a page that is not JSON, not a project page, or
 * of an unsupported major version; single unreadable file entries are left out and listed in `problems`.
 */
export function parseJsonProjectPage(text: string, pageUrl: string): ParsedProjectPage {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw networkError({
      reason: 'bad-response',
      url: pageUrl,
      message: `${redact(pageUrl)} returned invalid JSON (${(error as Error).message})`,
      hint: `The index at ${new URL(pageUrl).host} sent a broken answer; try again later or check the index URL.`,
    });
  }
  const parsed = jsonProjectSchema.safeParse(data);
  if (!parsed.success) {
    throw networkError({
      reason: 'bad-response',
      url: pageUrl,
      message:
        `${redact(pageUrl)} is not a PEP 691 project page: ${parsed.error.issues[0]?.path.join('.') || 'root'} ${parsed.error.issues[0]?.message ?? ''}`.trim(),
      hint: `Check that ${new URL(pageUrl).host} is a Python package index (the URL usually ends in /simple/).`,
    });
  }
  const apiMajor = apiMajorOf(parsed.data.meta['api-version']);
  if (apiMajor !== 1) {
    throw networkError({
      reason: 'bad-response',
      url: pageUrl,
      message: `${redact(pageUrl)} uses simple API version ${parsed.data.meta['api-version']}, which pybase does not support`,
      hint: 'Only version 1.x of the simple repository API is supported.',
    });
  }
  const files: IndexFile[] = [];
  const problems: string[] = [];
  parsed.data.files.forEach((raw, index) => {
    const file = jsonFileSchema.safeParse(raw);
    if (!file.success) {
      const issue = file.error.issues[0];
      problems.push(
        `file entry ${index + 1}: ${issue?.path.join('.') || 'entry'} ${issue?.message ?? 'is invalid'}`,
      );
      return;
    }
    const location = resolveFileUrl(file.data.url, pageUrl);
    if (!location) {
      problems.push(
        `file ${file.data.filename}: URL ${JSON.stringify(redact(file.data.url))} cannot be resolved`,
      );
      return;
    }
    const hashes: Record<string, string> = {};
    for (const [algorithm, digest] of Object.entries(file.data.hashes ?? {})) {
      hashes[algorithm.toLowerCase()] = digest.toLowerCase();
    }
    files.push({
      filename: file.data.filename,
      url: location.url,
      hashes,
      ...(file.data['requires-python'] ? { requiresPython: file.data['requires-python'].trim() } : {}),
      yanked: normalizeYanked(file.data.yanked),
      ...(file.data['upload-time'] ? { uploadTime: file.data['upload-time'] } : {}),
      ...(typeof file.data.size === 'number' ? { size: file.data.size } : {}),
    });
  });
  return {
    files,
    ...(parsed.data.versions ? { versions: parsed.data.versions } : {}),
    problems,
    apiMajor,
  };
}
