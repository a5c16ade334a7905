/**
 * How commands reach the network: one place that turns `--index-url`, `PIP_INDEX_URL`, netrc,
 * `--cache-dir`, `--timeout` and the docker configuration into clients, so every command that looks
 * packages up or asks a registry behaves the same. Commands import this module only when they go
 * online (its clients are most of the code an offline run would otherwise load); the options and
 * the failure report are in network-options.ts.
 */
import {
  createDefaultFetcher,
  createHttpCache,
  createIndexClient,
  createRegistryClient,
  type IndexClient,
  loadDockerConfig,
  loadNetrc,
  PYPI_SIMPLE_URL,
  type RegistryClient,
} from '../index.js';
import { type Parsed, stringOption } from './args.js';
import type { Io } from './io.js';
import { deadlineMsOf } from './network-options.js';

export interface OpenedIndex {
  index: IndexClient;
  close(): Promise<void>;
}

/**
 * A package index client from the command's options: `--index-url`, then `PIP_INDEX_URL`, then
 * `index-url` of the configuration, then the first index the lock names, then PyPI;
 * `PIP_EXTRA_INDEX_URL`, the configuration's `extra-index-urls` and the lock's other indexes after it.
 */
export async function openIndex(
  values: Parsed['values'],
  io: Io,
  command: string,
  lockIndexUrls: readonly string[] = [],
  config: { indexUrl?: string; extraIndexUrls?: string[] } = {},
): Promise<OpenedIndex> {
  const indexUrl =
    stringOption(values, 'index-url') ??
    (io.env.PIP_INDEX_URL || undefined) ??
    config.indexUrl ??
    lockIndexUrls[0] ??
    PYPI_SIMPLE_URL;
  const extra = [
    ...(io.env.PIP_EXTRA_INDEX_URL ?? '').split(/\s+/).filter(Boolean),
    ...(config.extraIndexUrls ?? []),
    ...lockIndexUrls.slice(1),
  ].filter((u) => u !== indexUrl);
  const fetcher = createDefaultFetcher();
  const cacheDir = stringOption(values, 'cache-dir');
  const netrc = await loadNetrc({ env: io.env });
  const deadlineMs = deadlineMsOf(values, command);
  const index = createIndexClient({
    indexUrl,
    extraIndexUrls: [...new Set(extra)],
    fetcher,
    cache: createHttpCache({ env: io.env, ...(cacheDir ? { cacheDir } : {}) }),
    ...(netrc ? { netrc } : {}),
    ...(deadlineMs !== undefined ? { deadlineMs } : {}),
  });
  return { index, close: () => fetcher.close() };
}

/** A registry client with the user's docker credentials and the command's deadline. Close it when done. */
export async function openRegistry(
  values: Parsed['values'],
  io: Io,
  command: string,
): Promise<RegistryClient> {
  const dockerConfig = await loadDockerConfig({ env: io.env });
  const deadlineMs = deadlineMsOf(values, command);
  return createRegistryClient({
    ...(dockerConfig ? { dockerConfig } : {}),
    ...(deadlineMs !== undefined ? { http: { deadlineMs } } : {}),
  });
}
