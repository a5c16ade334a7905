import type { Diagnostic, Severity } from '../model/diagnostic.js';
import type { Stage } from '../model/stage.js';
import type { FindingInput, Rule, RuleLevel, StageSeverities } from './types.js';

/** Where every rule's documentation page lives; the only place this address is written. */
export const ruleDocsBaseUrl = 'https://github.com/pybase-dev/pybase/blob/main/docs/rules/';

export function ruleDocUrl(code: string): string {
  return `${ruleDocsBaseUrl}${code}.md`;
}

/** Shorthand for default severities: one level everywhere, with per-stage exceptions. */
export function levels(all: RuleLevel, except: Partial<StageSeverities> = {}): StageSeverities {
  return { dev: all, ci: all, build: all, prod: all, ...except };
}

/**
 * Build a finding of `rule` in the one diagnostic shape, with the rule's default severity for the
 * stage. Returns undefined when the rule is off in that stage by default (configuration may turn
 * it back on: the checker re-applies severities, so rules report every stage they judge and the
 * `off` default is applied here only as a convenience for rules that never apply to a stage).
 */
export function makeFinding(
  rule: Pick<Rule, 'code' | 'name' | 'defaultSeverity'>,
  input: FindingInput,
): Diagnostic {
  const level = rule.defaultSeverity[input.stage];
  const d: Diagnostic = {
    code: rule.code,
    // `off` findings are kept with a placeholder severity; the checker drops or re-levels them.
    severity: level === 'off' ? 'info' : level,
    message: input.message,
    location: input.location,
    docUrl: ruleDocUrl(rule.code),
    data: { rule: rule.name, stage: input.stage, ...(input.data ?? {}) },
  };
  if (input.related && input.related.length > 0) d.related = input.related;
  if (input.hint) d.hint = input.hint;
  if (input.fix) d.fix = input.fix;
  return d;
}

/** The stage a finding was made for (every finding of a rule carries it in `data.stage`). */
export function findingStage(d: Diagnostic): Stage | undefined {
  const s = d.data?.stage;
  return s === 'dev' || s === 'ci' || s === 'build' || s === 'prod' ? s : undefined;
}

export function severityOf(levelValue: RuleLevel): Severity | undefined {
  return levelValue === 'off' ? undefined : levelValue;
}
