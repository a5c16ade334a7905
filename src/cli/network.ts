/**
 * How commands reach the network: one place that turns `--index-url`, `PIP_INDEX_URL`, netrc,
 * `--cache-dir`, `--timeout` and the docker configuration into clients, so every command that looks
 * packages up or asks a registry behaves the same.
 */
import {
  createDefaultFetcher,
  createHttpCache,
  createIndexClient,
  createRegistryClient,
  type Diagnostic,
  type IndexClient,
  inputCodes,
  loadDockerConfig,
  loadNetrc,
  PYPI_SIMPLE_URL,
  type RegistryClient,
} from '../index.js';
import { type OptionSpecs, type Parsed, stringOption, usageError } from './args.js';
import { type Io, style } from './io.js';

/** Options of commands that look packages up in an index. */
export const indexOptions: OptionSpecs = {
  'index-url': { type: 'string' },
  'cache-dir': { type: 'string' },
};

export const indexOptionsHelp = `  --index-url URL    package index (default: PIP_INDEX_URL, index-url of the configuration,
                     the lock's own index, or PyPI);
                     credentials from the URL or ~/.netrc, never printed
  --cache-dir DIR    where index pages are cached (default ~/.cache/pybase)
  --timeout SECONDS  give up on the network after this long (default 120)
`;

/** `--timeout SECONDS` as milliseconds, or undefined for the HTTP layer's default. */
export function deadlineMsOf(values: Parsed['values'], command: string): number | undefined {
  const text = stringOption(values, 'timeout');
  if (text === undefined) return undefined;
  const seconds = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || seconds <= 0) {
    throw usageError(`${command}: --timeout must be a number of seconds, not '${text}'`, command);
  }
  return Math.round(seconds * 1000);
}

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

/**
 * A package index or registry that could not be read leaves results incomplete; the output says
 * which parts, and this one line on stderr says why, naming the host (messages carry no
 * credentials). True when there was such a failure: the command then exits 2.
 */
export function reportNetworkFailures(diagnostics: readonly Diagnostic[], io: Io): boolean {
  const failures = diagnostics.filter((d) => d.code === inputCodes.network && d.severity === 'error');
  const first = failures[0];
  if (!first) return false;
  const s = style(io.color && io.stderrIsTTY);
  const more = failures.length > 1 ? ` (and ${failures.length - 1} more failed look-up(s))` : '';
  io.err(`${s.red('pybase: error:')} ${first.message}${more}\n`);
  if (first.hint) io.err(`  ${s.dim('hint:')} ${first.hint}\n`);
  return true;
}
