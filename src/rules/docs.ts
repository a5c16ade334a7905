/** Rule documentation rendered from rule metadata: docs/rules/PBnnn.md and `pybase rule CODE`. */
import { editDistance } from '../catalog/suggest.js';
import { stages } from '../model/stage.js';
import type { Rule } from './types.js';

export const generatedHeader =
  '<!-- generated from the rule metadata in src/rules by src/rules/docs.test.ts (UPDATE_DOCS=1); do not edit -->';

function fence(code: string, language: string): string {
  return ['```' + language, code, '```'].join('\n');
}

/**
 * The Markdown page of a rule, with the same sections for every rule. The page in docs/rules starts
 * with a comment saying it is generated; `header: false` leaves it out (for a reader, not a file).
 */
export function renderRuleDoc(rule: Rule, render: { header?: boolean } = {}): string {
  const lang = rule.docs.exampleLanguage ?? 'dockerfile';
  // Columns padded to equal width, as Markdown formatters lay tables out.
  const w1 = Math.max('stage'.length, ...stages.map((s) => s.length));
  const w2 = Math.max('severity'.length, ...stages.map((s) => rule.defaultSeverity[s].length));
  const row = (a: string, b: string) => `| ${a.padEnd(w1)} | ${b.padEnd(w2)} |`;
  const sev = [
    row('stage', 'severity'),
    `| ${'-'.repeat(w1)} | ${'-'.repeat(w2)} |`,
    ...stages.map((s) => row(s, rule.defaultSeverity[s])),
  ];
  const options =
    rule.docs.options.length === 0
      ? ['None.']
      : rule.docs.options.map((o) => `- \`${o.key}\` (default: ${o.default}): ${o.description}`);
  return [
    ...(render.header === false ? [] : [generatedHeader, '']),
    `# ${rule.code} ${rule.name}`,
    '',
    rule.summary.charAt(0).toUpperCase() + rule.summary.slice(1) + '.',
    '',
    '## What it does',
    '',
    rule.docs.whatItDoes,
    '',
    '## Why is this bad?',
    '',
    rule.docs.whyIsThisBad,
    '',
    '## Example',
    '',
    fence(rule.docs.example, lang),
    '',
    'Use instead:',
    '',
    fence(rule.docs.useInstead, lang),
    '',
    '## Fix',
    '',
    rule.docs.fix,
    '',
    '## Default severity',
    '',
    ...sev,
    '',
    '## Options',
    '',
    ...options,
    '',
    '## Suppression',
    '',
    `Put \`# pybase: ignore=${rule.code}\` on the line before the instruction or key, or`,
    `\`# pybase: ignore-file=${rule.code}\` anywhere in the file; or add \`"${rule.code}"\` to \`ignore\` in the configuration.`,
    '',
  ].join('\n');
}

/** Rule codes nearest to an unknown input (by code, then by name), best first. */
export function nearestCodes(input: string, all: readonly Rule[], n = 3): string[] {
  const key = input.trim();
  return all
    .map((r) => ({
      code: r.code,
      d: Math.min(editDistance(key.toUpperCase(), r.code), editDistance(key.toLowerCase(), r.name)),
    }))
    .sort((a, b) => a.d - b.d || a.code.localeCompare(b.code))
    .slice(0, n)
    .map((x) => x.code);
}
