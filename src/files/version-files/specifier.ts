/**
 * Whether a Python version statement that is a range (`requires-python`, Poetry's `python`,
 * setup.cfg's `python_requires`) allows a Python version. Poetry's own syntax (`^3.10`, `~3.12`,
 * `>=3.8 || ^3.12`) is read as Poetry reads it, the others as PEP 440. Shared by PB302, recommend
 * (through its constraints) and the fixer.
 */
import { satisfies, validRange } from '@renovatebot/pep440';
import type { VersionStatement } from '../../model/project.js';
import { poetryConstraintAllows } from '../lockfiles/poetry/constraint.js';

/** The statement kinds that hold a range rather than a version. */
export const specifierKinds: ReadonlySet<VersionStatement['kind']> = new Set([
  'requires-python',
  'poetry-python',
  'setup-cfg',
]);

/** True when the statement's range allows `version` (`3.12.14`); undefined when it cannot be read. */
export function versionStatementAllows(
  statement: Pick<VersionStatement, 'kind' | 'specifier' | 'text'>,
  version: string,
): boolean | undefined {
  const spec = statement.specifier ?? statement.text;
  if (statement.kind === 'poetry-python') return poetryConstraintAllows(spec, version);
  return pep440Allows(spec, version);
}

/**
 * True when the PEP 440 specifier allows `version`; undefined when it is not PEP 440 (`^3.10`
 * written as `requires-python` excludes nothing: it cannot be read).
 */
export function pep440Allows(spec: string, version: string): boolean | undefined {
  try {
    if (!validRange(spec)) return undefined;
    return satisfies(version, spec);
  } catch {
    return undefined;
  }
}
