/**
 * Whether a Python version statement that is a specifier (`requires-python`, Poetry's `python`,
 * `python_requires` of setup.cfg) admits a Python version. Shared by the PB302 rule and the fixer.
 */
import { satisfies } from '@renovatebot/pep440';
import type { VersionStatement } from '../../model/project.js';
import { poetryConstraintToPep440 } from '../lockfiles/poetry/constraint.js';

/** The statement kinds that hold a specifier rather than a version. */
export const specifierKinds: ReadonlySet<VersionStatement['kind']> = new Set([
  'requires-python',
  'poetry-python',
  'setup-cfg',
]);

/** True when `version` (`3.12.14`) satisfies the statement's specifier; undefined when it cannot be read. */
export function statementAllows(st: VersionStatement, version: string): boolean | undefined {
  const spec = st.specifier ?? st.text;
  if (st.kind === 'poetry-python') {
    // Poetry's `||` joins alternatives: allowed when any of them allows it.
    const parts = spec.split('||').map((p) => poetryConstraintToPep440(p));
    if (parts.some((p) => !p.ok)) return undefined;
    return parts.some((p) => p.ok && (p.specifier === '' || satisfies(version, p.specifier)));
  }
  try {
    return satisfies(version, spec);
  } catch {
    return undefined;
  }
}
