import { findRule, nearestCodes, renderRuleDoc, rules } from '../../index.js';
import { jsonOption, parseCommandArgs, usageError } from '../args.js';
import type { Command } from '../main.js';

const help = `Usage: pybase rule CODE [--json]

Print the documentation of a rule (by code, PB001, or by name, latest-tag).

  --json  the rule's metadata and documentation as JSON
`;

export const command: Command = {
  summary: "print a rule's documentation",
  help,
  options: jsonOption,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs('rule', argv, jsonOption, 1);
    const key = positionals[0];
    if (!key) throw usageError('rule: which rule? give a code such as PB001', 'rule');
    const rule = findRule(key);
    if (!rule) {
      const near = nearestCodes(key, rules);
      throw usageError(`rule: no rule '${key}'; nearest: ${near.join(', ')}`, 'rule');
    }
    if (values.json === true) {
      const { check: _check, ...meta } = rule;
      io.out(`${JSON.stringify(meta, null, 2)}\n`);
    } else {
      io.out(renderRuleDoc(rule, { header: false }));
    }
    return 0;
  },
};
