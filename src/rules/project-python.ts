/** What production runs: Python versions and libc families of the production python images. */
import { compareDotted, libcFamily } from './helpers.js';
import type { PythonReference, RuleContext } from './types.js';

export interface ProductionPython {
  refs: PythonReference[];
  /** `3.12` */
  minors: Set<string>;
  /** Full versions when known (`3.12.14`), else `<minor>.0` as the lowest version of the minor. */
  versions: Map<string, string>;
  libcs: Set<'glibc' | 'musl'>;
}

export function productionPython(ctx: RuleContext): ProductionPython {
  const refs = ctx.python.filter(
    (pr) => pr.ref.stage === 'prod' && pr.status && pr.status.state !== 'unknown',
  );
  const minors = new Set<string>();
  const versions = new Map<string, string>();
  const libcs = new Set<'glibc' | 'musl'>();
  for (const pr of refs) {
    const facts = pr.status!.facts;
    if (facts.minor && !pr.image.python?.prerelease) {
      minors.add(facts.minor);
      if (!versions.has(facts.minor)) versions.set(facts.minor, facts.python ?? `${facts.minor}.0`);
    }
    const libc = libcFamily(pr);
    if (libc) libcs.add(libc);
  }
  return { refs, minors, versions, libcs };
}

const dotted = /^\d+(?:\.\d+)*$/;

/** Versions in version order (`3.9` before `3.13`), other words in text order. */
export function compareVersionTexts(a: string, b: string): number {
  if (dotted.test(a) && dotted.test(b)) return compareDotted(a, b) || (a < b ? -1 : a > b ? 1 : 0);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `3.9, 3.13, 3.14`: sorted as versions, joined. */
export function listOf(values: Iterable<string>): string {
  return [...values].sort(compareVersionTexts).join(', ');
}
