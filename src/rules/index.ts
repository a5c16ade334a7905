/**
 * Every rule pybase has, in code order. A rule code is forever: a removed rule's code is never
 * reused, and its number stays listed in `retiredCodes`. PB2xx is reserved for dependency rules
 * (wheel availability per image), which plug in through `RuleContext.dependencies`.
 */
import { pb001 } from './pb001-latest-tag.js';
import { pb002 } from './pb002-major-only-tag.js';
import { pb003 } from './pb003-unpinned-patch.js';
import { pb004 } from './pb004-implicit-distro.js';
import { pb005 } from './pb005-missing-digest.js';
import { pb006 } from './pb006-unknown-tag.js';
import { pb007 } from './pb007-frozen-tag.js';
import { pb008 } from './pb008-prerelease-python.js';
import { pb009 } from './pb009-unresolved-reference.js';
import { pb010 } from './pb010-registry-not-allowed.js';
import { pb011 } from './pb011-yaml-number-version.js';
import { pb101 } from './pb101-python-eol.js';
import { pb102 } from './pb102-python-eol-soon.js';
import { pb103 } from './pb103-distro-eol.js';
import { pb104 } from './pb104-distro-eol-soon.js';
import { pb105 } from './pb105-stale-patch.js';
import { pb201 } from './pb201-musl-without-wheels.js';
import { pb202 } from './pb202-glibc-too-old.js';
import { pb203 } from './pb203-python-unsupported-by-deps.js';
import { pb204 } from './pb204-arch-not-covered.js';
import { pb205 } from './pb205-build-without-compiler.js';
import { pb206 } from './pb206-glibc-only-on-alpine.js';
import { pb301 } from './pb301-ci-prod-drift.js';
import { pb302 } from './pb302-version-file-drift.js';
import { pb303 } from './pb303-stage-mismatch.js';
import type { Rule } from './types.js';

export const rules: readonly Rule[] = [
  pb001,
  pb002,
  pb003,
  pb004,
  pb005,
  pb006,
  pb007,
  pb008,
  pb009,
  pb010,
  pb011,
  pb101,
  pb102,
  pb103,
  pb104,
  pb105,
  pb201,
  pb202,
  pb203,
  pb204,
  pb205,
  pb206,
  pb301,
  pb302,
  pb303,
];

/** Codes of rules that were removed. Never give one of these to a new rule. */
export const retiredCodes: readonly string[] = [];

/** Code ranges kept for rule families written elsewhere. */
export const reservedCodeRanges: readonly { prefix: string; purpose: string }[] = [
  { prefix: 'PB2', purpose: 'dependency rules: wheels and Requires-Python against the chosen image' },
];

export function findRule(codeOrName: string): Rule | undefined {
  const key = codeOrName.trim();
  return rules.find((r) => r.code === key.toUpperCase() || r.name === key.toLowerCase());
}

export { nearestCodes, renderRuleDoc } from './docs.js';
export { findingStage, levels, makeFinding, ruleDocsBaseUrl, ruleDocUrl } from './finding.js';
export type {
  FindingInput,
  ImageFacts,
  ImageLibc,
  ImageState,
  ImageStatus,
  OtherPython,
  PythonReference,
  Rule,
  RuleCatalog,
  RuleContext,
  RuleDocs,
  RuleLevel,
  RuleOptionDoc,
  RuleOptions,
  StageSeverities,
} from './types.js';
