/**
 * The pybase command line: a thin shell that turns arguments into library calls and results into
 * text, JSON or other formats. Commands are loaded on demand so `pybase --version` and `pybase tag`
 * start about as fast as Node itself.
 */
import { isPybaseError, type PybaseError } from '../index.js';
import { commonOptionsHelp, type OptionSpecs } from './args.js';
import { type Io, processIo, style } from './io.js';

export interface Command {
  summary: string;
  help: string;
  /** The options the command accepts besides the common ones (`commonOptions`); its help lists each. */
  options: OptionSpecs;
  run(argv: string[], io: Io): Promise<number>;
}

/** What `pybase <command> --help` prints: the command's help, then the options every command takes. */
export function helpOf(command: Command): string {
  return `${command.help}${commonOptionsHelp}`;
}

type Loader = () => Promise<Command>;

/** Commands in the order `pybase --help` lists them. */
export const commands: Record<string, { summary: string; load: Loader }> = {
  recommend: {
    summary: 'the python image tag to use, per stage, and why',
    load: async () => (await import('./commands/recommend.js')).command,
  },
  check: {
    summary: 'judge the python images and Python versions of a project',
    load: async () => (await import('./commands/check.js')).command,
  },
  tag: {
    summary: 'everything known about one python image reference',
    load: async () => (await import('./commands/tag.js')).command,
  },
  tags: {
    summary: 'the python tags published at a date, with their status',
    load: async () => (await import('./commands/tags.js')).command,
  },
  deps: {
    summary: 'which python images install the dependencies from wheels',
    load: async () => (await import('./commands/deps.js')).command,
  },
  fix: {
    summary: 'rewrite python image tags: newest patch, minor or distro, pinned digests',
    load: async () => (await import('./commands/fix.js')).command,
  },
  report: {
    summary: 'write a self-contained HTML report: recommendation, findings, dependency heatmap, life cycles',
    load: async () => (await import('./commands/report.js')).command,
  },
  matrix: {
    summary: 'the top candidate images as a CI test matrix (GitHub Actions, docker bake, JSON)',
    load: async () => (await import('./commands/matrix.js')).command,
  },
  renovate: {
    summary: 'print Renovate rules that keep python images inside the policy',
    load: async () => (await import('./commands/renovate.js')).command,
  },
  init: {
    summary: 'write a pinned multi-stage Dockerfile and a build, scan, SBOM and sign workflow',
    load: async () => (await import('./commands/init.js')).command,
  },
  rules: {
    summary: 'list every rule with its default severities',
    load: async () => (await import('./commands/rules.js')).command,
  },
  rule: {
    summary: "print a rule's documentation",
    load: async () => (await import('./commands/rule.js')).command,
  },
  data: {
    summary: 'refresh the tag list and life cycles online, or show their age',
    load: async () => (await import('./commands/data.js')).command,
  },
};

export const exitCodes = { ok: 0, problems: 1, usage: 2 } as const;

function topHelp(): string {
  const names = Object.keys(commands);
  const width = Math.max(...names.map((n) => n.length));
  return [
    'pybase: choose, check and keep current the python Docker image of a Python project',
    '',
    'Usage: pybase <command> [options]',
    '',
    'Commands:',
    ...names.map((n) => `  ${n.padEnd(width)}  ${commands[n]!.summary}`),
    '',
    'Options for every command:',
    '  --offline           never open a network connection',
    '  --no-color          no colours (NO_COLOR=1 does the same)',
    '  -h, --help          help for a command',
    '',
    "Options of the commands that take them ('pybase <command> --help' lists a command's own):",
    '  --date YYYY-MM-DD   answer as of that date (default: today)',
    '  --data-dir DIR      use a refreshed data directory instead of the embedded snapshot',
    '  --json              machine-readable output',
    '  --timeout SECONDS   give up on the network after this long (default 120)',
    '',
    'Exit codes: 0 ok, 1 problems found (commands that judge), 2 usage, input or network error.',
    "Run 'pybase <command> --help' for a command's options.",
    '',
  ].join('\n');
}

export function reportError(err: PybaseError, io: Io): void {
  const s = style(io.color && io.stderrIsTTY);
  const d = err.diagnostic;
  // Readers start their messages with `file:line:` themselves: the place is not written twice.
  const where =
    d.location && !d.message.startsWith(`${d.location.file}:${d.location.startLine}`)
      ? `${d.location.file}:${d.location.startLine}:${d.location.startColumn}: `
      : '';
  io.err(`${s.red('pybase: error:')} ${where}${d.message}\n`);
  if (d.hint) io.err(`  ${s.dim('hint:')} ${d.hint}\n`);
}

async function version(): Promise<string> {
  const { readFileSync } = await import('node:fs');
  for (const rel of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'pybase' && pkg.version) return pkg.version;
    } catch {
      // try the next location
    }
  }
  return 'unknown';
}

export async function main(argv: string[], io: Io): Promise<number> {
  const [first, ...rest] = argv;
  if (first === '--version' || first === '-V' || first === 'version') {
    io.out(`${await version()}\n`);
    return exitCodes.ok;
  }
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    if (first === 'help' && rest[0] && commands[rest[0]]) {
      io.out(helpOf(await commands[rest[0]]!.load()));
      return exitCodes.ok;
    }
    io.out(topHelp());
    return first === undefined ? exitCodes.usage : exitCodes.ok;
  }
  const entry = commands[first];
  if (!entry) {
    const near = Object.keys(commands).find((n) => n.startsWith(first.slice(0, 3)));
    io.err(
      `pybase: error: unknown command '${first}'\n  hint: ${near ? `did you mean 'pybase ${near}'? ` : ''}see 'pybase --help'\n`,
    );
    return exitCodes.usage;
  }
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(helpOf(command));
    return exitCodes.ok;
  }
  const runIo = rest.includes('--no-color') ? { ...io, color: false } : io;
  try {
    return await command.run(rest, runIo);
  } catch (err) {
    if (isPybaseError(err)) {
      reportError(err, runIo);
      return exitCodes.usage;
    }
    throw err;
  }
}

/**
 * Ends the process once stdout and stderr hold nothing unwritten. Every command has finished its
 * work when its promise settles (nothing runs in the background), so waiting for the event loop to
 * empty by itself only adds a last garbage collection to every run.
 */
function exitWhenFlushed(code: number): void {
  const pending = [process.stdout, process.stderr].filter((s) => s.writableLength > 0);
  if (pending.length === 0) {
    process.exit(code);
    return;
  }
  let left = pending.length;
  for (const s of pending) {
    s.once('drain', () => {
      left -= 1;
      if (left === 0) process.exit(code);
    });
  }
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url.endsWith('/cli.js');
if (invokedDirectly) {
  const io = processIo();
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
      exitWhenFlushed(code);
    },
    (err: unknown) => {
      io.err(`pybase: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      io.err('  hint: this is a bug in pybase; please report it with the command you ran\n');
      process.exitCode = 3;
    },
  );
}
