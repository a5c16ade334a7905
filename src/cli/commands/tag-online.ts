/**
 * `pybase tag --online`: the registry look-up. It lives in its own module, loaded only when
 * `--online` is given, so that `pybase tag` does not load the HTTP and registry code (and
 * node:crypto) at start-up.
 */
import {
  createDefaultFetcher,
  loadDockerConfig,
  lookupOnline,
  type OnlineLookup,
  type ReferenceReport,
} from '../../index.js';
import type { Io } from '../io.js';

/** Ask the registry about a python reference, with credentials from the Docker configuration. */
export async function lookupReferenceOnline(ref: ReferenceReport['ref'], io: Io): Promise<OnlineLookup> {
  const fetcher = createDefaultFetcher();
  try {
    const dockerConfig = await loadDockerConfig({ env: io.env });
    return await lookupOnline(ref, { fetcher, ...(dockerConfig ? { dockerConfig } : {}) });
  } finally {
    await fetcher.close();
  }
}
