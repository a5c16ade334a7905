/**
 * The project's own Python constraints: the `requires-python` of the dependency file (already PEP
 * 440), and every specifier the repository writes (`requires-python`, Poetry's `python`,
 * `python_requires` of setup.cfg). `recommend`, `init` and `renovate` keep to the Pythons these allow.
 */
import { poetryConstraintAllows } from '../files/lockfiles/poetry/constraint.js';
import { pep440Allows } from '../files/version-files/specifier.js';
import type { Extraction } from '../model/project.js';

export interface PythonConstraint {
  /** As written (`>=3.11`, Poetry `^3.11`). */
  text: string;
  /** Where it is written: the dependency file, or `file:line` of a version statement. */
  where: string;
  /** Poetry syntax (`^3.11`, `~3.9`, `>=3.9 || <3.7`): converted before it is compared. */
  poetry?: boolean;
}

/**
 * The constraints of a project: `requiresPython` (PEP 440, from the dependency file `lockFile`)
 * and the specifiers among the extraction's version statements.
 */
export function projectPythonConstraints(
  extraction: Extraction | undefined,
  requiresPython?: string,
  lockFile?: string,
): PythonConstraint[] {
  const out: PythonConstraint[] = [];
  const statements = (extraction?.versions ?? []).filter((v) => v.specifier);
  // A dependency file that is itself a version statement's file (pyproject.toml read for its
  // dependencies) gives the same constraint, converted: the statement names it as written, with its line.
  const sameFile = lockFile !== undefined && statements.some((v) => v.file === lockFile);
  if (requiresPython && !sameFile) out.push({ text: requiresPython, where: lockFile ?? 'the lock' });
  for (const v of statements) {
    if (!v.specifier) continue;
    const c: PythonConstraint = { text: v.specifier, where: `${v.file}:${v.range.startLine}` };
    if (v.kind === 'poetry-python') c.poetry = true;
    out.push(c);
  }
  return out;
}

/** Answers by constraint and version: every stage asks the same few constraints about the same versions. */
const answers = new Map<string, boolean | undefined>();

/**
 * Whether the constraint admits the Python `version` (`3.12.4`); undefined when it cannot be read
 * (then it excludes nothing, as pip ignores a requires-python it cannot parse). Read by the same
 * functions as the version statements of `check`: PEP 440, or Poetry's syntax.
 */
export function constraintAllows(c: PythonConstraint, version: string): boolean | undefined {
  const key = `${c.poetry ? 'p' : 'r'}\u0000${c.text}\u0000${version}`;
  if (answers.has(key)) return answers.get(key);
  const text = c.text.trim();
  const answer =
    text === '' ? true : c.poetry ? poetryConstraintAllows(text, version) : pep440Allows(text, version);
  answers.set(key, answer);
  return answer;
}

/** The constraints that exclude `version`, one entry per distinct text with every place it is written. */
export function excludingConstraints(
  constraints: readonly PythonConstraint[],
  version: string,
): { text: string; places: string[] }[] {
  const byText = new Map<string, string[]>();
  for (const c of constraints) {
    if (constraintAllows(c, version) !== false) continue;
    const places = byText.get(c.text) ?? [];
    if (!places.includes(c.where)) places.push(c.where);
    byText.set(c.text, places);
  }
  return [...byText].map(([text, places]) => ({ text, places: withoutBareDuplicates(places) }));
}

/** `pyproject.toml` and `pyproject.toml:4` name the same file: keep the one with the line. */
function withoutBareDuplicates(places: string[]): string[] {
  return places.filter(
    (p) => !places.some((q) => q !== p && q.startsWith(`${p}:`) && /^\d+$/.test(q.slice(p.length + 1))),
  );
}

/** True when no constraint excludes `version`. */
export function pythonAllowed(constraints: readonly PythonConstraint[], version: string): boolean {
  return constraints.every((c) => constraintAllows(c, version) !== false);
}

/** `'>=3.11' (uv.lock, pyproject.toml:5)` for each constraint, joined by ` and `. */
export function constraintsText(list: readonly { text: string; places: string[] }[]): string {
  return list.map((e) => `'${e.text}' (${e.places.join(', ')})`).join(' and ');
}
