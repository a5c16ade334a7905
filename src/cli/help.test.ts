/**
 * Help and parsing agree: every option a command's parser accepts is in its `--help`, every option
 * its help names is accepted, and help tables are aligned.
 */
import { describe, expect, it } from 'vitest';
import { runMain } from '../../test/support/run-main.js';
import { commonOptions } from './args.js';
import { type Command, commands, helpOf } from './main.js';

const names = Object.keys(commands);
const loaded = new Map<string, Command>();
async function load(name: string): Promise<Command> {
  let c = loaded.get(name);
  if (!c) {
    c = await commands[name]!.load();
    loaded.set(name, c);
  }
  return c;
}

/** Every `--option` (and `-h`) the text mentions anywhere. */
function mentioned(text: string): Set<string> {
  return new Set([...text.matchAll(/(?<![\w-])(--[a-z][a-z0-9-]*|-h)\b/g)].map((m) => m[1]!));
}

/** The options a help defines: those named in the first column of an option row. */
function defined(text: string): Set<string> {
  const out = new Set<string>();
  for (const line of text.split('\n')) {
    if (!/^ +-{1,2}[a-zA-Z]/.test(line)) continue;
    const head = line.trimStart().split(/ {2,}/)[0]!;
    for (const m of head.matchAll(/(?<![\w-])(--[a-z][a-z0-9-]*|-h)\b/g)) out.add(m[1]!);
  }
  return out;
}

/** The options a command's parser takes: its own and the common ones, as `--name`. */
function accepted(command: Command): Set<string> {
  const out = new Set<string>();
  for (const [name, spec] of Object.entries({ ...commonOptions, ...command.options })) {
    out.add(`--${name}`);
    if (spec.short) out.add(`-${spec.short}`);
  }
  return out;
}

/** Whether the parser of `name` takes `flag`: given too many arguments, an accepted option fails on those. */
async function parses(name: string, flag: string, command: Command): Promise<boolean> {
  if (flag === '--help' || flag === '-h') return true; // answered before parsing
  const spec = { ...commonOptions, ...command.options }[flag.slice(2)];
  const value = spec?.type === 'string' ? [flag === '--timeout' ? '5' : 'x'] : [];
  const r = await runMain([name, flag, ...value, 'a', 'b', 'c'], { cwd: '/' });
  expect(r.code).toBe(2);
  return /unexpected argument/.test(r.err);
}

describe('every command: help and parser agree', () => {
  const everyFlag = async () => {
    const all = new Set<string>();
    for (const n of names) for (const f of mentioned(helpOf(await load(n)))) all.add(f);
    return all;
  };

  for (const name of names) {
    it(`pybase ${name}`, async () => {
      const command = await load(name);
      const help = (await runMain([name, '--help'])).out;
      expect(help).toBe(helpOf(command));
      const takes = accepted(command);
      // Every option of the command has its row; the common ones are named at the end.
      for (const option of Object.keys(command.options)) expect(defined(help)).toContain(`--${option}`);
      for (const flag of takes) expect(mentioned(help)).toContain(flag);
      // Every option the help names is one the command takes.
      for (const flag of mentioned(help)) expect(takes, `${name} --help names ${flag}`).toContain(flag);
      // The parser is the one the table says: each option of any help is parsed here or refused.
      for (const flag of await everyFlag()) {
        expect(await parses(name, flag, command), `${name} ${flag}`).toBe(takes.has(flag));
      }
    });
  }

  it("pybase --help: the options 'for every command' are taken by every command, the others by some", async () => {
    const top = (await runMain(['--help'])).out;
    const [, every, others] = /Options for every command:\n([\s\S]*?)\n\n[^\n]*\n([\s\S]*?)\n\n/.exec(top)!;
    for (const name of names) {
      const takes = accepted(await load(name));
      for (const flag of mentioned(every!)) expect(takes, `${name} ${flag}`).toContain(flag);
    }
    for (const flag of mentioned(others!)) {
      const takers = [];
      for (const name of names) if (accepted(await load(name)).has(flag)) takers.push(name);
      expect(takers.length, flag).toBeGreaterThan(0);
    }
    expect(mentioned(every!)).toEqual(new Set(Object.keys(commonOptions).map((n) => `--${n}`)).add('-h'));
  });

  it('--json where a command has no JSON output is a usage error that says so', async () => {
    for (const name of ['report', 'init']) {
      const r = await runMain([name, '--json'], { cwd: '/' });
      expect(r.code).toBe(2);
      expect(r.err).toContain(`${name}: --json is not available: ${name} has no JSON output`);
    }
  });
});

/**
 * Rows of an indented table: the first column (options, placeholders) then two or more spaces and
 * the description. In each block of indented lines, descriptions start at one column, and lines that
 * continue a description start at that column or further right.
 */
function misaligned(text: string): string[] {
  const bad: string[] = [];
  const blocks: string[][] = [];
  let block: string[] = [];
  for (const line of text.split('\n')) {
    if (/^ +\S/.test(line)) block.push(line);
    else if (block.length > 0) {
      blocks.push(block);
      block = [];
    }
  }
  if (block.length > 0) blocks.push(block);
  for (const lines of blocks) {
    const rows = lines
      .map((line) => ({ line, m: /^( +)(-{1,2}[a-zA-Z]|[A-Z<]|[a-z]+ {2})/.exec(line) }))
      .filter((r) => r.m)
      .map(({ line }) => {
        const gap = /\S( {2,})\S/.exec(line);
        return { line, column: gap ? gap.index + 1 + gap[1]!.length : undefined };
      });
    const columns = new Set(rows.map((r) => r.column).filter((c) => c !== undefined));
    if (columns.size > 1) bad.push(...rows.map((r) => `${r.column}: ${r.line}`));
    const [column] = [...columns];
    if (column === undefined) continue;
    for (const line of lines) {
      if (rows.some((r) => r.line === line)) continue;
      const indent = line.length - line.trimStart().length;
      if (indent < column && !/^ +-/.test(line)) bad.push(`continuation at ${indent} < ${column}: ${line}`);
    }
  }
  return bad;
}

describe('help tables are aligned', () => {
  it('pybase --help', async () => {
    expect(misaligned((await runMain(['--help'])).out)).toEqual([]);
  });
  for (const name of names) {
    it(`pybase ${name} --help`, async () => {
      expect(misaligned(helpOf(await load(name)))).toEqual([]);
    });
  }
  it('finds a misaligned row', () => {
    expect(misaligned('Options:\n  --a X    one\n  --bb     two\n  --c Y  three\n')).toHaveLength(3);
    expect(misaligned('Options:\n  --a X    one\n           more\n  --bb     two\n')).toEqual([]);
    expect(misaligned('Options:\n  --a X    one\n         more\n')).toHaveLength(1);
  });
});
