import path from 'node:path';
import { validRange } from '@renovatebot/pep440';
import {
  poetryConstraintAlternatives,
  poetryConstraintToPep440,
} from '../files/lockfiles/poetry/constraint.js';
import { specifierKinds, versionStatementAllows } from '../files/version-files/specifier.js';
import type { VersionStatement } from '../model/project.js';
import { levels, makeFinding } from './finding.js';
import { minorOfVersion } from './helpers.js';
import { compareVersionTexts, listOf, productionPython } from './project-python.js';
import { statementName, statementText } from './statements.js';
import type { PythonReference, Rule } from './types.js';

/**
 * Why a specifier statement cannot be read, with a hint; undefined when it can. `3.12`, `^3.12` and
 * `>=3.12;` are not PEP 440 specifiers (pip and uv refuse them); Poetry's constraint has its own syntax.
 */
function unreadableSpecifier(st: VersionStatement): { why: string; hint: string } | undefined {
  const spec = (st.specifier ?? st.text).trim();
  if (st.kind === 'poetry-python') {
    const bad = poetryConstraintAlternatives(spec).find((p) => !p.ok);
    return bad
      ? { why: 'is not a valid Poetry version constraint', hint: "write it as '^3.12' or '>=3.12,<4.0'" }
      : undefined;
  }
  if (validRange(spec)) return undefined;
  const bare = /^v?(\d+\.\d+)(?:\.\d+)?$/.exec(spec);
  let hint = "write a PEP 440 specifier, such as '>=3.12' or '>=3.10,<3.14'";
  if (bare) hint = `write '>=${bare[1]}' (this minor and later) or '==${bare[1]}.*' (this minor only)`;
  else {
    const poetry = poetryConstraintToPep440(spec.replace(/[;,\s]+$/, ''));
    if (poetry.ok && poetry.specifier !== '' && validRange(poetry.specifier))
      hint = `write '${poetry.specifier}'`;
  }
  return { why: 'is not a valid PEP 440 specifier', hint };
}

/** True when `version` satisfies the statement's specifier; undefined when it cannot be read. */
function allows(st: VersionStatement, version: string): boolean | undefined {
  if (unreadableSpecifier(st)) return undefined;
  return versionStatementAllows(st, version);
}

export const pb302: Rule = {
  code: 'PB302',
  name: 'version-file-drift',
  summary: "Python version statements that disagree with the production image's Python",
  defaultSeverity: levels('warning'),
  docs: {
    whatItDoes:
      "Compares the Python version statements of the repository with the production images' Python. " +
      "A specifier (`requires-python`, Poetry's `python`, `python_requires`) states what the project " +
      'supports: it must allow the Python of every production image. A statement that names versions ' +
      '(`.python-version`, `runtime.txt`, Pipfile, `.tool-versions`, a setup-python version or matrix, a ' +
      'tox envlist) states what a tool runs: it must name at least one production minor. A specifier ' +
      'that is not valid PEP 440 (`3.12`, `^3.12`, `>=3.12;`) is reported as such, since it cannot be ' +
      'compared (pip and uv refuse it). A statement in a folder that holds production images of its own ' +
      '(`services/api/.python-version` beside `services/api/Dockerfile`) is compared with those images only.',
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
    const out = [];
    for (const st of ctx.extraction.versions) {
      if (!specifierKinds.has(st.kind)) continue;
      const bad = unreadableSpecifier(st);
      if (!bad) continue;
      out.push(
        makeFinding(pb302, {
          stage: st.stage,
          location: st.range,
          message: `${statementName(st)} ${bad.why}: pybase cannot compare it with the Python of the images`,
          hint: bad.hint,
          data: { kind: st.kind, statement: statementText(st), invalid: true },
        }),
      );
    }
    const prod = productionPython(ctx);
    if (prod.minors.size === 0) return out;
    // Where each production minor runs, at most three places each (a monorepo has thousands of
    // production references and hundreds of statements): built once, on the first finding.
    let placesByMinor: Map<string, string> | undefined;
    const runs = (minors: Iterable<string>, full = false): string => {
      placesByMinor ??= placesOfMinors(prod.refs);
      return [...minors]
        .sort(compareVersionTexts)
        .map((m) => `${full ? (prod.versions.get(m) ?? m) : m} (${placesByMinor?.get(m) ?? ''})`)
        .join(', ');
    };
    // A statement in a folder that holds production images of its own (services/api/.python-version
    // beside services/api/Dockerfile) speaks for those images only; any other speaks for them all.
    const minorsByFolder = new Map<string, Set<string>>();
    const minorsFor = (st: VersionStatement): Set<string> => {
      const folder = path.posix.dirname(st.file);
      if (folder === '.') return prod.minors;
      let minors = minorsByFolder.get(folder);
      if (!minors) {
        minors = new Set<string>();
        for (const pr of prod.refs) {
          const minor = pr.status?.facts.minor;
          if (minor && prod.minors.has(minor) && pr.ref.file.startsWith(`${folder}/`)) minors.add(minor);
        }
        if (minors.size === 0) minors = prod.minors;
        minorsByFolder.set(folder, minors);
      }
      return minors;
    };
    for (const st of ctx.extraction.versions) {
      let message: string | undefined;
      const prodMinors = minorsFor(st);
      if (specifierKinds.has(st.kind)) {
        const excluded = [...prodMinors].filter((m) => allows(st, prod.versions.get(m)!) === false);
        if (excluded.length > 0) {
          message = `${statementName(st)} excludes Python ${runs(excluded, true)}, which production runs`;
        }
      } else {
        const named = new Set(
          (st.versions ?? []).map(minorOfVersion).filter((m): m is string => m !== undefined),
        );
        if (named.size === 0) continue;
        if (![...named].some((m) => prodMinors.has(m))) {
          message = `${statementName(st)} names Python ${listOf(named)}, but production runs Python ${runs(prodMinors)}`;
        }
      }
      if (!message) continue;
      out.push(
        makeFinding(pb302, {
          stage: st.stage,
          location: st.range,
          message,
          hint: `make it agree with Python ${listOf(prodMinors)}, or change the production image`,
          data: {
            kind: st.kind,
            statement: statementText(st),
            prodMinors: [...prodMinors].sort(compareVersionTexts),
          },
        }),
      );
    }
    return out;
  },
};

/** `3.12` -> `a/Dockerfile:1, b/Dockerfile:1, c/Dockerfile:1 and 4 more`: where each minor runs. */
function placesOfMinors(refs: readonly PythonReference[]): Map<string, string> {
  const byMinor = new Map<string, string[]>();
  for (const pr of refs) {
    const minor = pr.status?.facts.minor;
    if (!minor || pr.image.python?.prerelease) continue;
    const list = byMinor.get(minor) ?? [];
    list.push(`${pr.ref.file}:${pr.ref.range.startLine}`);
    byMinor.set(minor, list);
  }
  return new Map([...byMinor].map(([m, places]) => [m, placesOf(places)]));
}

/** `a:1, b:2, c:3 and 4 more`: enough to find the production images without repeating all of them. */
function placesOf(places: readonly string[], shown = 3): string {
  const head = places.slice(0, shown).join(', ');
  return places.length > shown ? `${head} and ${places.length - shown} more` : head;
}
