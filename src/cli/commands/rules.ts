import { rules } from '../../index.js';
import { jsonOption, parseCommandArgs } from '../args.js';
import { table } from '../io.js';
import type { Command } from '../main.js';

const help = `Usage: pybase rules [--json]

List every rule: code, name, default severity in dev / ci / build / prod, and what it flags.
'pybase rule CODE' prints a rule's documentation.

  --json  the list as JSON
`;

export const command: Command = {
  summary: 'list every rule with its default severities',
  help,
  options: jsonOption,
  async run(argv, io) {
    const { values } = parseCommandArgs('rules', argv, jsonOption, 0);
    if (values.json === true) {
      const list = rules.map((r) => ({
        code: r.code,
        name: r.name,
        summary: r.summary,
        defaultSeverity: r.defaultSeverity,
      }));
      io.out(`${JSON.stringify(list, null, 2)}\n`);
      return 0;
    }
    const rows = [
      ['CODE', 'NAME', 'DEV', 'CI', 'BUILD', 'PROD', 'WHAT IT FLAGS'],
      ...rules.map((r) => [
        r.code,
        r.name,
        r.defaultSeverity.dev,
        r.defaultSeverity.ci,
        r.defaultSeverity.build,
        r.defaultSeverity.prod,
        r.summary,
      ]),
    ];
    io.out(`${table(rows)}\n`);
    return 0;
  },
};
