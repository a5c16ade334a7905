/**
 * What most commands read from their common options: the date, the data snapshot, the Debian
 * end-of-life policy and the project root. One place, so every command answers the same way.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import {
  type Arch,
  beyondDataMessage,
  type Catalog,
  chooseSnapshot,
  createCatalog,
  type DebianEolPolicy,
  type Diagnostic,
  dependencyReadErrors,
  type FoundDependencySource,
  type IsoDate,
  inputCodes,
  isoDateOf,
  linuxArchSpellings,
  normalizeArch,
  PybaseError,
  parseIsoDate,
  resolveDataDir,
  type SnapshotChoice,
} from '../index.js';
import { usageError } from './args.js';
import { type Io, locationPrefix, plural, style } from './io.js';

/** `--date`, or today (the day the command started, UTC). */
export function commandDate(values: Record<string, unknown>, io: Io): IsoDate {
  const d = values.date;
  return typeof d === 'string' ? parseIsoDate(d) : isoDateOf(io.now);
}

/** `--debian-eol security|lts` (default security). */
export function debianPolicy(values: Record<string, unknown>, command: string): DebianEolPolicy {
  const v = values['debian-eol'];
  if (v === undefined || v === 'security' || v === 'lts')
    return (v as DebianEolPolicy | undefined) ?? 'security';
  throw usageError(`${command}: --debian-eol must be security or lts, not '${String(v)}'`, command);
}

/** The snapshot chosen per command run (per Io), so that a note about it is printed once. */
const chosen = new WeakMap<Io, Map<string, SnapshotChoice>>();

/**
 * The data snapshot a command reads: `--data-dir DIR` names one (DIR/snapshot.json, resolved from
 * the current directory); without it, the refreshed snapshot `pybase data update` wrote to the
 * default data directory when it is newer than the embedded one (undefined: the embedded one). A
 * refreshed snapshot that cannot be read is passed over with a one-line note on stderr.
 */
export function snapshotPathOf(values: Record<string, unknown>, io: Io): string | undefined {
  const dir = values['data-dir'];
  if (typeof dir === 'string') return path.resolve(io.cwd, dir, 'snapshot.json');
  const dataDir = resolveDataDir({ env: io.env });
  let byDir = chosen.get(io);
  if (!byDir) {
    byDir = new Map();
    chosen.set(io, byDir);
  }
  let choice = byDir.get(dataDir);
  if (!choice) {
    choice = chooseSnapshot(dataDir);
    byDir.set(dataDir, choice);
    if (choice.ignored?.kind === 'unreadable') {
      io.err(
        `pybase: note: ${choice.ignored.reason}; using the embedded data (${choice.dataDate}) instead: run 'pybase data update' to write it again\n`,
      );
    }
  }
  return choice.snapshotPath;
}

/** The catalog over the snapshot {@link snapshotPathOf} chooses. */
export function catalogOf(values: Record<string, unknown>, io: Io): Catalog {
  const snapshotPath = snapshotPathOf(values, io);
  return createCatalog(snapshotPath ? { snapshotPath } : {});
}

/**
 * The project root given as the first positional argument (default: the current directory); it must
 * be a directory. Commands that read a dependency file pass `dependencyFile` (whether a name is one):
 * a dependency file given as the root gets a hint to name it with `--deps` instead.
 */
export async function projectRoot(
  command: string,
  positionals: readonly string[],
  io: Io,
  options: { dependencyFile?: (file: string) => boolean } = {},
): Promise<string> {
  const written = positionals[0] ?? '.';
  const root = path.resolve(io.cwd, written);
  const found = await stat(root).catch(() => undefined);
  if (!found?.isDirectory()) {
    const dir = path.dirname(written);
    throw new PybaseError({
      code: inputCodes.unreadableFile,
      severity: 'error',
      message: `${command}: ${written} is not a directory`,
      hint:
        found?.isFile() && options.dependencyFile?.(root)
          ? `give the root directory of the project; to read that dependency file, name it with --deps: pybase ${command}${dir === '.' ? '' : ` ${dir}`} --deps ${written}`
          : 'give the root directory of the project',
    });
  }
  return root;
}

/**
 * Every command that answers from the data says so when the data is older than 90 days at the date
 * asked: one note on stderr (stdout stays clean for JSON and SARIF). For a date in the future past
 * the data's tag list, the one line is a warning that the answers assume nothing changed since.
 */
export function noteStaleData(values: Record<string, unknown>, io: Io, date: IsoDate): void {
  const age = catalogOf(values, io).dataAge(date);
  // A date in the future past the tag list: say what the answers assume, not only "refresh".
  const horizon = beyondDataMessage(age, date, isoDateOf(io.now));
  if (horizon) {
    io.err(`pybase: warning: ${horizon}\n`);
    return;
  }
  if (!age.stale) return;
  io.err(
    `pybase: note: the data is ${plural(age.ageDays, 'day')} old at ${date} (newest fact ${age.dataDate}); tags and releases since then are unknown: run 'pybase data update' for fresher answers\n`,
  );
}

/**
 * Prints the errors met while reading the dependency file (an include cycle, an included file that
 * cannot be read, a lock missing entries) on stderr; true when there was one: the command then exits
 * 2, its output being about incomplete dependencies.
 */
export function reportDependencyErrors(diagnostics: readonly Diagnostic[], io: Io): boolean {
  const errors = dependencyReadErrors(diagnostics);
  const first = errors[0];
  if (!first) return false;
  const s = style(io.color && io.stderrIsTTY);
  const more =
    errors.length > 1 ? ` (and ${plural(errors.length - 1, 'more error')} in the dependency file)` : '';
  io.err(`${s.red('pybase: error:')} ${locationPrefix(first)}${first.message}${more}\n`);
  if (first.hint) io.err(`  ${s.dim('hint:')} ${first.hint}\n`);
  return true;
}

/**
 * Linux architectures from `--arch` values or the configuration's `archs` (`where` says which, for
 * the message), in any spelling `normalizeArch` knows; an unknown one is a usage error listing the
 * usual spellings, every one of which is accepted.
 */
export function linuxArchsOf(values: readonly string[], command: string, where: string): Arch[] {
  const out: Arch[] = [];
  for (const v of values) {
    const arch = normalizeArch(v);
    if (!arch || arch === 'windows-amd64') {
      throw usageError(
        `${command}: unknown Linux architecture '${v}' (${where}): write one of ${linuxArchSpellings.join(', ')} (linux/arm64, arm64v8, aarch64, x86_64 and the like work too)`,
        command,
      );
    }
    if (!out.includes(arch)) out.push(arch);
  }
  return out;
}

/**
 * A note on stderr when the dependency file was chosen among several requirements files: which one
 * was read, which were passed over, and how to read another (`how`).
 */
export function noteDependencyChoice(found: FoundDependencySource | undefined, io: Io, how: string): void {
  if (!found || found.passedOver.length === 0) return;
  const shown = (file: string) => {
    const rel = path.relative(io.cwd, file);
    return rel === '' || rel.startsWith('..') || path.isAbsolute(rel) ? file : rel.split(path.sep).join('/');
  };
  const others = found.passedOver.map((f) => shown(f.file));
  const list =
    others.length > 4 ? `${others.slice(0, 4).join(', ')} and ${others.length - 4} more` : others.join(', ');
  io.err(`pybase: note: dependencies read from ${shown(found.file)}; also found ${list} (${how})\n`);
}
