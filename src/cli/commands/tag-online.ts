/**
 * `pybase tag --online`: the registry look-up. It lives in its own module, loaded only when
 * `--online` is given, so that `pybase tag` does not load the HTTP and registry code (and
 * node:crypto) at start-up.
 */
import { lookupOnline, type OnlineLookup, type ReferenceReport } from '../../index.js';
import type { Parsed } from '../args.js';
import type { Io } from '../io.js';
import { openRegistry } from '../network.js';

/** Ask the registry about a python reference, with credentials from the Docker configuration. */
export async function lookupReferenceOnline(
  ref: ReferenceReport['ref'],
  io: Io,
  values: Parsed['values'],
): Promise<OnlineLookup> {
  const client = await openRegistry(values, io, 'tag');
  try {
    return await lookupOnline(ref, { client });
  } finally {
    await client.close();
  }
}
