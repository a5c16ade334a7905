import path from 'node:path';
import {
  type BumpMode,
  catalogTagFacts,
  createCatalog,
  type Diagnostic,
  explicitTarget,
  extractOptionsOf,
  type FixResult,
  type FixTarget,
  findDependencySource,
  fixCodes,
  fixProject,
  fixTagsOf,
  formatDiagnosticLine,
  inputCodes,
  loadConfig,
  PybaseError,
  type RecommendResult,
  readFixDependencies,
  recommendPolicyOf,
  recommendProject,
  redactSecrets,
  registryDigestResolver,
} from '../../index.js';
import {
  dataDirOption,
  dateOption,
  jsonOption,
  listOption,
  type OptionSpecs,
  parseCommandArgs,
  stringOption,
  timeoutOption,
  usageError,
} from '../args.js';
import {
  commandDate,
  noteDependencyChoice,
  noteStaleData,
  projectRoot,
  reportDependencyErrors,
  snapshotPathOf,
} from '../context.js';
import { type Io, plural, style } from '../io.js';
import type { Command } from '../main.js';
import { openIndex, openRegistry } from '../network.js';
import { indexOptions } from '../network-options.js';
import { archsOf } from './recommend.js';

const help = `Usage: pybase fix [PATH] [options]

Rewrite python image references under PATH (default: the current directory) in place: Dockerfiles
(ARG defaults included), compose files, GitHub workflows, GitLab CI. Only the reference text changes;
every other byte of a file stays as it is, and each edited file is re-read to check the result.

Options:
  --bump MODE        patch (default): newest published patch, same variant and distro
                     minor: newest supported Python minor, same variant and distro, within the
                            project's requires-python, on which the locked dependencies install
                            as on the current Python (else the next older newer minor; else the
                            image stays on its minor, at its newest patch, and a note names the
                            packages); also moves .python-version and literal setup-python
                            versions when every image of their minor moved
                     distro: newest distro release of the same libc family, same Python
  --no-deps-check    with --bump minor: move without judging the dependencies
  --to TAG           move every python reference to TAG (python:TAG works too); TAG must be a
                     tag published by the date (else exit 2); a reference is left alone when TAG
                     is a pre-release, a looser pin, or another C library
  --to recommended   move each stage's references to what pybase recommend proposes for the stage
                     (policy from [tool.pybase.policy]; the same refusals apply)
  --offline          with --to recommended: no package index look-ups
  --arch A           with --bump minor or --to recommended: architecture the dependencies are
                     judged for (and the image must serve); repeatable (default: configuration,
                     or amd64 and arm64)
  --deps FILE        with --bump minor or --to recommended: the dependency file to read (default:
                     the most precise lock found)
  --config FILE      read the configuration from FILE instead of pybase.toml / pyproject.toml
                     (its exclude, stages and build-args always; its policy and archs with
                     --bump minor or --to recommended)
  --index-url URL    with --to recommended: package index (default: PIP_INDEX_URL, index-url of
                     the configuration, or PyPI)
  --cache-dir DIR    with --to recommended: where index pages are cached (default ~/.cache/pybase)
  --pin-digest       add or refresh @sha256: digests (asks the registry; needs network access)
  --timeout SECONDS  give up on the registry or the package index after this long (default 120)
  --dry-run          print the unified diff, write nothing
  --check            like --dry-run; exit 1 when changes are pending
  --exclude GLOB     leave files out (repeatable; adds to 'exclude' of the configuration)
  --date YYYY-MM-DD  decide as of that date (default: today)
  --data-dir DIR     use DIR/snapshot.json, a refreshed data snapshot
  --json             machine-readable output

Never proposed: pre-releases, a less precise tag, a switch between glibc and musl, a change to any
image other than python.

Notes, references left alone and edits dropped are printed on stderr as 'pybase check' prints its
findings, with their code (file:line:col PBF001 warning ...); so are files that could not be read or
parsed, and files skipped (too large, binary).

Exit codes: 0 done or nothing to do, 1 changes pending (--check), 2 usage error, a file that could
not be read or parsed, or a planned edit that could not be made (the file changed meanwhile, did not
re-read as intended, or could not be written).
`;

const bumpModes: readonly BumpMode[] = ['patch', 'minor', 'distro'];

/**
 * The fixer's notes, refusals and reading problems, one per line as `pybase check` prints its findings
 * (`file:line:col CODE severity message`, the hint indented below), so that the code (PBF001, ...)
 * shows as it does in --json.
 */
function printDiagnostics(diagnostics: readonly Diagnostic[], io: Io): void {
  const s = style(io.color && io.stderrIsTTY);
  for (const d of diagnostics) io.err(`${redactSecrets(formatDiagnosticLine(d, s))}\n`);
}

/**
 * The last line when no edit was made: 'nothing to fix' only when nothing went wrong; errors (a
 * digest the registry did not give, a file not read) may hide edits that were due.
 */
function nothingLine(errors: number): string {
  return errors === 0 ? 'nothing to fix' : `nothing changed: ${plural(errors, 'error')} above`;
}

/** What was written, one line per edit, and a last line that counts files and the edits not made. */
function summary(result: FixResult, errors: number): string {
  const lines: string[] = [];
  for (const change of result.applied.changes) {
    for (const e of change.edits) lines.push(`${e.file}:${e.range.startLine}: ${e.kind}: ${e.reason}`);
  }
  const files = result.applied.changes.length;
  const dropped = result.applied.dropped.length;
  const notMade = `${plural(dropped, 'edit')} could not be made (see the errors above)`;
  if (files === 0 && dropped === 0) lines.push(nothingLine(errors));
  else if (dropped === 0) lines.push(`updated ${plural(files, 'file')}`);
  else if (files === 0) lines.push(`no file updated: ${notMade}`);
  else lines.push(`updated ${plural(files, 'file')}; ${notMade}`);
  return `${lines.join('\n')}\n`;
}

/**
 * Files the fixer did not read, or read only in part: unreadable (PBE005), unparsable (PBE006) or
 * skipped (PBE007: too large, binary, a link out of the root), and how the files were chosen (PBE001:
 * an --exclude pattern that leaves nothing out). Everything else found while reading is `pybase
 * check`'s to report.
 */
function readingProblems(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const codes: readonly string[] = [
    inputCodes.usage,
    inputCodes.unreadableFile,
    inputCodes.parseError,
    inputCodes.skippedFile,
  ];
  return diagnostics.filter((d) => codes.includes(d.code));
}

/**
 * A file that should have been read and was not (it could not be read, or does not parse): then the
 * references in it were not fixed, and the command exits 2. Skipped files (PBE007) and parts of a file
 * that did not parse (a line of .env, a warning) only get a note.
 */
function unreadFile(d: Diagnostic): boolean {
  if (d.code === inputCodes.unreadableFile) return d.severity !== 'info';
  return d.code === inputCodes.parseError && d.severity === 'error';
}

/**
 * References `pybase recommend` proposes no move for, with its reason (otherwise they stay silently).
 * For an alpine reference a glibc image would suit, the advice is fix's own: it never swaps the C
 * library, so the swap is the user's to make.
 */
function unmoved(r: RecommendResult | undefined): Diagnostic[] {
  return (r?.moves ?? [])
    .filter((m) => m.kind === 'none' && m.reason !== '')
    .map((m) => {
      const d: Diagnostic = {
        code: fixCodes.skipped,
        severity: 'info',
        message: `${m.file}:${m.line}: ${m.current} left alone: ${m.glibc ? `${m.glibc.reason}, and pybase fix never swaps the C library` : m.reason}`,
        location: { file: m.file, startLine: m.line, startColumn: 1, endLine: m.line, endColumn: 1 },
      };
      if (m.glibc) {
        d.hint = `to move to glibc, change it to python:${m.glibc.tag} by hand (pybase recommend --libc glibc explains that choice)`;
      }
      return d;
    });
}

/** What `--to recommended` aims at, per stage (on stderr: stdout stays the diff or the summary). */
function recommendedNote(r: RecommendResult): string {
  const parts = r.recommendations.map((rec) => `${rec.stage} ${rec.tag ?? 'none'}`);
  return `pybase: recommended at ${r.date}: ${parts.join(', ')}\n`;
}

const options: OptionSpecs = {
  ...dateOption,
  ...dataDirOption,
  ...jsonOption,
  ...timeoutOption,
  bump: { type: 'string' },
  to: { type: 'string' },
  'pin-digest': { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  check: { type: 'boolean' },
  exclude: { type: 'string', multiple: true },
  arch: { type: 'string', multiple: true },
  deps: { type: 'string' },
  config: { type: 'string' },
  'no-deps-check': { type: 'boolean' },
  ...indexOptions,
};

export const command: Command = {
  summary: 'rewrite python image tags: newest patch, minor or distro, pinned digests',
  help,
  options,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs('fix', argv, options, 1);
    const bump = stringOption(values, 'bump');
    const to = stringOption(values, 'to');
    if (bump !== undefined && !bumpModes.includes(bump as BumpMode)) {
      throw usageError(`fix: --bump wants patch, minor or distro, got '${bump}'`, 'fix');
    }
    if (bump !== undefined && to !== undefined) throw usageError('fix: give --bump or --to, not both', 'fix');
    const recommended = to === 'recommended';
    const minor = bump === 'minor';
    const noDepsCheck = values['no-deps-check'] === true;
    if (noDepsCheck && !minor) throw usageError('fix: --no-deps-check goes with --bump minor', 'fix');
    for (const name of ['arch', 'deps'] as const) {
      if (!recommended && !(minor && !noDepsCheck) && values[name] !== undefined) {
        throw usageError(
          `fix: --${name} goes with --to recommended or --bump minor${minor ? ' (without --no-deps-check)' : ''}`,
          'fix',
        );
      }
    }
    const pinDigest = values['pin-digest'] === true;
    if (pinDigest && values.offline === true) {
      throw usageError('fix: --pin-digest asks the registry; it cannot work with --offline', 'fix');
    }
    const check = values.check === true;
    const dryRun = check || values['dry-run'] === true;
    const date = commandDate(values, io);
    noteStaleData(values, io, date);
    const root = await projectRoot('fix', positionals, io);
    const snapshotPath = snapshotPathOf(values, io);
    const exclude = listOption(values, 'exclude');

    const catalog = createCatalog(snapshotPath ? { snapshotPath } : {});
    const configFile = stringOption(values, 'config');
    const depsFile = stringOption(values, 'deps');
    // The files are read as check reads them: the configuration's exclude, stages and build
    // arguments, with --exclude added.
    const config = await loadConfig(root, configFile ? { configFile, cwd: io.cwd } : {});
    const extract = extractOptionsOf(config, exclude);
    /** Architectures from --arch, else from the configuration. */
    const projectArchs = async () => {
      const flagArchs = archsOf(listOption(values, 'arch'), '--arch');
      const archs =
        flagArchs.length > 0 ? flagArchs : archsOf(config.archs ?? [], `'archs' of ${config.source}`);
      return { config, archs };
    };
    let recommendation: RecommendResult | undefined;
    let target: FixTarget = { kind: 'bump', bump: (bump ?? 'patch') as BumpMode };
    if (to !== undefined && !recommended) {
      const read = explicitTarget(to, catalogTagFacts(catalog, snapshotPath ? { snapshotPath } : {}), date);
      if ('problem' in read) throw usageError(`fix: --to: ${read.problem}`, 'fix');
      target = { kind: 'to', tag: read.tag };
    }
    if (recommended) {
      const { config, archs } = await projectArchs();
      const deps = depsFile;
      const offline = values.offline === true;
      const opened = offline ? undefined : await openIndex(values, io, 'fix', [], config);
      try {
        recommendation = await recommendProject(root, {
          catalog,
          date,
          ...(archs.length > 0 ? { archs } : {}),
          policy: recommendPolicyOf(config),
          ...(deps ? { deps: path.resolve(io.cwd, deps) } : {}),
          offline,
          ...(opened ? { index: opened.index } : {}),
          extract,
        });
      } finally {
        await opened?.close();
      }
      // Tags recommended for incomplete dependencies (a lock missing entries, an include cycle) are
      // not written: the error is named, and nothing changes.
      if (reportDependencyErrors(recommendation.diagnostics, io)) return 2;
      target = { kind: 'recommended', tags: fixTagsOf(recommendation) };
    }

    // --bump minor judges the locked dependencies on each new Python: read once, before any file
    // changes; a file read with errors stops the run, as for --to recommended.
    let dependencies: Awaited<ReturnType<typeof readFixDependencies>>['facts'];
    const resolvedDeps = depsFile !== undefined ? path.resolve(io.cwd, depsFile) : undefined;
    const found =
      minor && !noDepsCheck
        ? findDependencySource(root, resolvedDeps !== undefined ? { deps: resolvedDeps } : {})
        : undefined;
    if (found) {
      noteDependencyChoice(found, io, 'read another with --deps FILE');
      const { archs } = await projectArchs();
      const read = await readFixDependencies(root, {
        catalog,
        ...(archs.length > 0 ? { archs } : {}),
        ...(resolvedDeps !== undefined ? { deps: resolvedDeps } : {}),
      });
      if (reportDependencyErrors(read.problems, io)) return 2;
      const fatal = read.problems.find((d) => d.severity === 'error');
      if (fatal) throw new PybaseError(fatal);
      dependencies = read.facts;
    }

    const client = pinDigest ? await openRegistry(values, io, 'fix') : undefined;
    let result: FixResult;
    try {
      result = await fixProject(root, {
        date,
        catalog,
        target,
        dryRun,
        pinDigest,
        ...(client ? { resolveDigest: registryDigestResolver(client) } : {}),
        extract,
        ...(snapshotPath ? { snapshotPath } : {}),
        ...(dependencies ? { dependencies } : { checkDependencies: false }),
      });
    } catch (err) {
      if (err instanceof PybaseError) throw err;
      const e = err as NodeJS.ErrnoException;
      if (e?.code === 'ENOENT' || e?.code === 'ENOTDIR' || e?.code === 'EACCES') {
        throw new PybaseError({
          code: 'PBE005',
          severity: 'error',
          message: `fix: cannot read ${positionals[0] ?? '.'}: ${e.message}`,
        });
      }
      throw err;
    } finally {
      await client?.close();
    }

    const reading = readingProblems(result.extraction.diagnostics);
    const own = [...result.plan.diagnostics, ...result.applied.diagnostics, ...unmoved(recommendation)];
    if (values.json === true) {
      io.out(
        `${redactSecrets(
          JSON.stringify(
            {
              root,
              date,
              dryRun,
              ...(target.kind === 'recommended' ? { recommended: target.tags } : {}),
              ...(result.plan.dependencies ? { dependencies: result.plan.dependencies } : {}),
              edits: result.applied.changes.flatMap((c) => c.edits),
              dropped: result.applied.dropped,
              files: result.applied.changes.map((c) => c.file),
              diff: result.diff,
              diagnostics: [...result.extraction.diagnostics, ...own],
            },
            null,
            2,
          ),
        )}\n`,
      );
    } else {
      if (recommendation) io.err(recommendedNote(recommendation));
      printDiagnostics([...reading, ...own], io);
      if (minor && noDepsCheck && result.applied.changes.length > 0) {
        const deps = findDependencySource(root);
        if (deps) {
          // Asked not to judge them: a new Python minor is a new set of wheels, so say so.
          io.err(
            `pybase: note: --no-deps-check: --bump minor moves to a new Python without judging ${path.basename(deps.file)}: run 'pybase deps --image <the new image>' to see whether every locked package installs there\n`,
          );
        }
      }
      const errors = own.filter((d) => d.severity === 'error').length + reading.filter(unreadFile).length;
      if (dryRun) io.out(result.diff);
      else io.out(summary(result, errors));
      if (dryRun && result.applied.changes.length === 0 && result.applied.dropped.length === 0)
        io.out(`${nothingLine(errors)}\n`);
    }
    if (own.some((d) => d.severity === 'error') || reading.some(unreadFile)) return 2;
    if (check && result.applied.changes.length > 0) return 1;
    return 0;
  },
};
