import { statementAllows as allows, specifierKinds } from '../files/version-files/specifier.js';
import type { VersionStatement } from '../model/project.js';
import { levels, makeFinding } from './finding.js';
import { minorOfVersion } from './helpers.js';
import { listOf, productionPython } from './project-python.js';
import type { Rule } from './types.js';

const listKinds = new Set<VersionStatement['kind']>(['setup-python', 'tox-envlist']);

export const pb302: Rule = {
  code: 'PB302',
  name: 'version-file-drift',
  summary: "Python version statements that disagree with the production image's Python",
  defaultSeverity: levels('warning'),
  docs: {
    whatItDoes:
      "Compares the Python version statements of the repository with the production image's Python: " +
      "`requires-python` (or Poetry's `python`, `python_requires`) that excludes it, a `.python-version`, " +
      '`runtime.txt`, Pipfile or `.tool-versions` naming another minor, a setup-python matrix or tox ' +
      'envlist that does not include it.',
    whyIsThisBad:
      'Developers, CI and packaging then test or resolve dependencies for another Python than the one ' +
      'that runs in production: the locked wheels may not even install there.',
    example: '# .python-version\n3.11\n# Dockerfile\nFROM python:3.12.14-slim-trixie',
    exampleLanguage: 'text',
    useInstead: '# .python-version\n3.12\n# Dockerfile\nFROM python:3.12.14-slim-trixie',
    fix: 'Align the statement with the production image (or the image with the statement); the direction is a decision.',
    options: [],
  },
  check(ctx) {
    const prod = productionPython(ctx);
    if (prod.minors.size === 0) return [];
    const out = [];
    // The production places are the same for every statement: named once, and at most three of them
    // (a monorepo has thousands of production references and hundreds of statements).
    let where: string | undefined;
    for (const st of ctx.extraction.versions) {
      let problem: string | undefined;
      if (specifierKinds.has(st.kind)) {
        const excluded = [...prod.versions.values()].filter((v) => allows(st, v) === false);
        if (excluded.length > 0) problem = `'${st.text}' excludes Python ${excluded.join(', ')}`;
      } else if (listKinds.has(st.kind)) {
        const named = new Set(
          (st.versions ?? []).map(minorOfVersion).filter((m): m is string => m !== undefined),
        );
        if (named.size === 0) continue;
        const missing = [...prod.minors].filter((m) => !named.has(m));
        if (missing.length > 0) problem = `${listOf(named)} does not include Python ${missing.join(', ')}`;
      } else {
        const named = new Set(
          (st.versions ?? []).map(minorOfVersion).filter((m): m is string => m !== undefined),
        );
        if (named.size === 0) continue;
        if (![...named].some((m) => prod.minors.has(m))) problem = `names Python ${listOf(named)}`;
      }
      if (!problem) continue;
      where ??= placesOf(prod.refs.map((p) => `${p.ref.file}:${p.ref.range.startLine}`));
      out.push(
        makeFinding(pb302, {
          stage: st.stage,
          location: st.range,
          message: `${st.kind} ${problem}, but production runs Python ${listOf(prod.minors)} (${where})`,
          hint: `make it agree with Python ${listOf(prod.minors)}, or change the production image`,
          data: { kind: st.kind, statement: st.text, prodMinors: [...prod.minors] },
        }),
      );
    }
    return out;
  },
};

/** `a:1, b:2, c:3 and 4 more`: enough to find the production images without repeating all of them. */
function placesOf(places: readonly string[], shown = 3): string {
  const head = places.slice(0, shown).join(', ');
  return places.length > shown ? `${head} and ${places.length - shown} more` : head;
}
