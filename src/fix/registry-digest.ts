/** A DigestResolver over pybase's registry client (src/sources/registry.ts). */
import type { RegistryClient } from '../sources/registry.js';
import type { DigestResolver } from './types.js';

/** The digest a reference's tag names now (the index digest of a multi-platform image). */
export function registryDigestResolver(client: Pick<RegistryClient, 'resolveDigest'>): DigestResolver {
  return async (reference) => (await client.resolveDigest(reference)).digest;
}
