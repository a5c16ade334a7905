/**
 * The front half of `pybase check`: discover a repository's files and extract every image
 * reference and Python version statement, with exact ranges, stages and ignore pragmas.
 * Never throws on bad input: unreadable, skipped or unparsable files become diagnostics.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import picomatch from 'picomatch';
import { type Diagnostic, inputCodes, type SourceRange } from '../model/diagnostic.js';
import type { Extraction, ValueOrigin, VersionStatement } from '../model/project.js';
import { classifyProjectFile } from './classify.js';
import type { ComposeBuild } from './compose/extract.js';
import {
  type DiscoveredFile,
  type DiscoverOptions,
  defaultMaxFileSize,
  discoverFilesWithContent,
  excludeMatcher,
  unreadable,
} from './discover.js';
import type { ProvidedBuildArg } from './dockerfile/extract.js';
import { readBytes } from './fs-calls.js';
import { fileConcurrency, limitConcurrency } from './limit.js';
import { isDevPath, type StageGlobs, stageMatcher } from './stage.js';
import type { Scope } from './substitute.js';
import { decodeText, looksBinary } from './text.js';
import { extractVersionFile, isVersionFileKind } from './version-files/extract.js';

export interface ExtractOptions {
  /** Globs to leave out (picomatch, relative to the root). */
  exclude?: readonly string[];
  /** Skip files larger than this many bytes (default 1 MiB). */
  maxFileSize?: number;
  /** Honour `.gitignore` files (default true). */
  gitignore?: boolean;
  /** Stage per file, by globs relative to the root; these win over the defaults. */
  stages?: StageGlobs;
  /**
   * Build arguments applied to every Dockerfile; they override ARG defaults and compose
   * `build.args`, as `docker build --build-arg` would.
   */
  buildArgs?: Readonly<Record<string, string>>;
}

function byPosition<T extends { file: string; range: { startOffset?: number; startLine: number } }>(
  a: T,
  b: T,
): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return (a.range.startOffset ?? a.range.startLine) - (b.range.startOffset ?? b.range.startLine);
}

export async function extractProject(root = '.', options: ExtractOptions = {}): Promise<Extraction> {
  const discoverOptions: DiscoverOptions = {};
  if (options.exclude) discoverOptions.exclude = options.exclude;
  if (options.maxFileSize !== undefined) discoverOptions.maxFileSize = options.maxFileSize;
  if (options.gitignore !== undefined) discoverOptions.gitignore = options.gitignore;
  const discovery = await discoverFilesWithContent(root, discoverOptions);
  const result: Extraction = {
    files: [],
    references: [],
    stageBases: [],
    stageCopies: [],
    versions: [],
    pragmas: [],
    diagnostics: [...discovery.diagnostics],
  };
  const configured = stageMatcher(options.stages);
  const configArgs: ProvidedBuildArg[] = Object.entries(options.buildArgs ?? {}).map(([name, value]) => {
    const origin: ValueOrigin = { name, value, source: 'config-build-arg' };
    return { name, value, origin };
  });

  // Read with a bounded number of reads in flight, then take the outcomes in discovery order.
  const io = limitConcurrency(fileConcurrency);
  const outcomes = await Promise.all(
    discovery.files.map((file) =>
      io(async (): Promise<{ text: string } | { error: unknown }> => {
        try {
          // Small files were read whole by discovery already.
          const bytes = discovery.contents.get(file.path) ?? (await readBytes(file.absolutePath));
          return { text: decodeText(bytes) };
        } catch (error) {
          return { error };
        }
      }),
    ),
  );
  const texts = new Map<string, string>();
  discovery.files.forEach((file, i) => {
    const outcome = outcomes[i]!;
    if ('text' in outcome) {
      texts.set(file.path, outcome.text);
      result.files.push(file.path);
    } else {
      result.diagnostics.push(unreadable(file.path, outcome.error));
    }
  });
  outcomes.length = 0;
  discovery.contents.clear();
  /**
   * A file another one names (a compose `include:`, a GitLab `include: local:`), read once: undefined,
   * with a diagnostic at the naming line, when it cannot be followed or read.
   */
  const readIncluded = async (
    from: string,
    what: string,
    written: string,
    range: SourceRange,
    rel: string | undefined,
    seen: Set<string>,
  ): Promise<{ path: string; text: string } | undefined> => {
    const problem = (why: string, severity: Diagnostic['severity']) =>
      result.diagnostics.push({
        code: inputCodes.unreadableFile,
        severity,
        message: `${from}:${range.startLine}: the ${what} '${written}' ${why}`,
        location: range,
      });
    if (rel === undefined) {
      problem(
        'is a pattern, uses variables without a value or is outside the repository: not followed',
        'info',
      );
      return undefined;
    }
    if (seen.has(rel)) return undefined;
    seen.add(rel);
    const text = await readProjectFile(root, rel, options);
    if (text === undefined) {
      problem('cannot be read in the repository (missing, excluded or outside it)', 'warning');
      return undefined;
    }
    result.files.push(rel);
    return { path: rel, text };
  };
  const ofKind = (kind: DiscoveredFile['kind']) =>
    discovery.files.filter((f) => f.kind === kind && texts.has(f.path));
  const stageOptions = (file: string) => {
    const stage = configured(file);
    return stage ? { configuredStage: stage } : {};
  };

  // Compose first: its services' build arguments feed the Dockerfiles they build.
  const builds = new Map<string, ComposeBuild[]>();
  // Compose interpolates the `.env` file of the project directory (the compose file's own).
  const envFiles = new Map<string, Scope | undefined>();
  const envOf = async (composeFile: string): Promise<Scope | undefined> => {
    const rel = path.posix.join(path.posix.dirname(composeFile), '.env');
    if (envFiles.has(rel)) return envFiles.get(rel);
    const text = await readProjectFile(root, rel, options);
    let scope: Scope | undefined;
    if (text !== undefined) {
      const { parseComposeEnv } = await import('./compose/env-file.js');
      const env = parseComposeEnv(rel, text);
      result.diagnostics.push(...env.diagnostics);
      result.files.push(rel);
      scope = env.variables;
    }
    envFiles.set(rel, scope);
    return scope;
  };
  // Compose files, then the compose files they use (`include:`, `extends.file`), once each.
  const composeQueue = ofKind('compose').map((f) => ({ path: f.path, text: texts.get(f.path)! }));
  const composeSeen = new Set(composeQueue.map((f) => f.path));
  for (let f = composeQueue.shift(); f; f = composeQueue.shift()) {
    // Loaded on the first file of its kind: the YAML parser costs start-up time only when needed.
    const { extractCompose } = await import('./compose/extract.js');
    const env = await envOf(f.path);
    const extraction = extractCompose(f.path, f.text, {
      ...stageOptions(f.path),
      devNamed: isDevPath(f.path),
      ...(env ? { env } : {}),
      ...(configArgs.length > 0 ? { buildArgs: configArgs } : {}),
    });
    for (const include of extraction.includes) {
      const read = await readIncluded(
        f.path,
        'compose file',
        include.text,
        include.range,
        include.path,
        composeSeen,
      );
      if (read) composeQueue.push(read);
    }
    result.references.push(...extraction.references);
    result.stageBases.push(...extraction.stageBases);
    result.stageCopies?.push(...extraction.stageCopies);
    if (extraction.embeddedDockerfiles.length > 0) {
      result.embeddedDockerfiles = [...(result.embeddedDockerfiles ?? []), ...extraction.embeddedDockerfiles];
    }
    result.pragmas.push(...extraction.pragmas);
    result.diagnostics.push(...extraction.diagnostics);
    for (const b of extraction.builds) builds.set(b.dockerfile, [...(builds.get(b.dockerfile) ?? []), b]);
  }

  // A compose file may build a Dockerfile whose name discovery does not recognise: read it too.
  const dockerfiles = ofKind('dockerfile').map((f) => f.path);
  for (const [target, using] of builds) {
    if (texts.has(target)) continue;
    // A recognised name that is absent was ignored, excluded or skipped on purpose, and stays out.
    if (classifyProjectFile(target) !== undefined) continue;
    const read = await readNamedFile(root, target, options);
    if (!('text' in read)) {
      const first = using[0];
      if ('why' in read && first?.range) {
        result.diagnostics.push({
          code: inputCodes.unreadableFile,
          severity: 'warning',
          message: `${first.file}:${first.range.startLine}: the Dockerfile '${target}' that service ${first.service} builds ${read.why}: not checked`,
          location: first.range,
        });
      }
      continue;
    }
    const text = read.text;
    texts.set(target, text);
    result.files.push(target);
    dockerfiles.push(target);
  }

  for (const file of dockerfiles) {
    const text = texts.get(file)!;
    const base = { ...stageOptions(file), devNamed: isDevPath(file) };
    const variants = (builds.get(file) ?? []).map((b) => ({
      service: b.service,
      args: [...b.args, ...configArgs],
      ...(b.target ? { target: b.target } : {}),
    }));
    if (variants.length === 0) variants.push({ service: '', args: configArgs });
    const devNamed = base.devNamed;
    // Loaded on the first Dockerfile: the Dockerfile parser costs start-up time only when needed.
    const { extractDockerfile } = await import('./dockerfile/extract.js');
    const { mergeBuildReferences } = await import('./dockerfile/builds.js');
    const extractions = variants.map((variant) =>
      extractDockerfile(file, text, {
        ...base,
        // A target stage named for development (`target: dev`) builds a development image.
        devNamed: devNamed || (variant.target !== undefined && isDevPath(variant.target)),
        buildArgs: variant.args,
        ...(variant.service ? { service: variant.service } : {}),
        ...(variant.target ? { target: variant.target } : {}),
      }),
    );
    result.references.push(...mergeBuildReferences(extractions));
    const [first] = extractions;
    if (first) {
      result.stageBases.push(...first.stageBases);
      result.stageCopies?.push(...first.stageCopies);
      result.pragmas.push(...first.pragmas);
      result.diagnostics.push(...first.diagnostics);
    }
  }

  for (const f of ofKind('github-action')) {
    const { extractGithubAction } = await import('./github-actions/extract.js');
    const extraction = extractGithubAction(f.path, texts.get(f.path)!, stageOptions(f.path));
    result.references.push(...extraction.references);
    result.versions.push(...extraction.versions);
    result.pragmas.push(...extraction.pragmas);
    result.diagnostics.push(...extraction.diagnostics);
  }
  for (const f of ofKind('github-workflow')) {
    const { extractGithubWorkflow } = await import('./github-actions/extract.js');
    const extraction = extractGithubWorkflow(f.path, texts.get(f.path)!, stageOptions(f.path));
    result.references.push(...extraction.references);
    result.versions.push(...extraction.versions);
    result.pragmas.push(...extraction.pragmas);
    result.diagnostics.push(...extraction.diagnostics);
  }
  // GitLab CI: each pipeline is a root file and the files it includes from the repository
  // (`include: local:`), read once each; shallow roots first, so that a root that includes another
  // file named like a root takes it into its pipeline.
  const gitlabRoots = ofKind('gitlab-ci')
    .map((f) => f.path)
    .sort((a, b) => a.split('/').length - b.split('/').length || (a < b ? -1 : a > b ? 1 : 0));
  const gitlabSeen = new Set<string>();
  for (const rootPath of gitlabRoots) {
    if (gitlabSeen.has(rootPath)) continue;
    gitlabSeen.add(rootPath);
    const { extractGitlabPipeline, readGitlabFile } = await import('./gitlab-ci/extract.js');
    const pipeline = [readGitlabFile(rootPath, texts.get(rootPath)!, stageOptions(rootPath))];
    for (let i = 0; i < pipeline.length; i++) {
      const from = pipeline[i]!;
      for (const include of from.includes) {
        // GitLab reads local includes from the repository root. A `*` / `**` pattern names every
        // matching file of the repository; variables are not followed.
        const rel = path.posix.normalize(include.path.replace(/^\/+/, ''));
        if (/\*/.test(include.path) && !/[?[{$]/.test(include.path) && !rel.startsWith('../')) {
          const matched = await filesMatching(root, rel, options);
          if (matched.length === 0) {
            result.diagnostics.push({
              code: inputCodes.unreadableFile,
              severity: 'warning',
              message: `${from.file}:${include.range.startLine}: the included pattern '${include.path}' matches no file of the repository`,
              location: include.range,
            });
          }
          for (const file of matched) {
            const read = await readIncluded(
              from.file,
              'included file',
              include.path,
              include.range,
              file,
              gitlabSeen,
            );
            if (read) pipeline.push(readGitlabFile(read.path, read.text, stageOptions(read.path)));
          }
          continue;
        }
        const followed = /[*?[{$]/.test(include.path) || rel.startsWith('../') ? undefined : rel;
        const read = await readIncluded(
          from.file,
          'included file',
          include.path,
          include.range,
          followed,
          gitlabSeen,
        );
        if (read) pipeline.push(readGitlabFile(read.path, read.text, stageOptions(read.path)));
      }
    }
    result.references.push(...extractGitlabPipeline(pipeline));
    for (const f of pipeline) {
      result.pragmas.push(...f.pragmas);
      result.diagnostics.push(...f.diagnostics);
    }
  }
  for (const f of discovery.files) {
    if (!isVersionFileKind(f.kind) || !texts.has(f.path)) continue;
    const extraction = extractVersionFile(f.kind, f.path, texts.get(f.path)!, stageOptions(f.path));
    result.versions.push(...extraction.versions);
    result.pragmas.push(...extraction.pragmas);
    result.diagnostics.push(...extraction.diagnostics);
  }

  linkVersionFiles(result.versions);
  result.files.sort();
  result.references.sort(byPosition);
  result.stageBases.sort(byPosition);
  result.stageCopies?.sort(byPosition);
  result.versions.sort(byPosition);
  result.pragmas.sort((a, b) => (a.file !== b.file ? (a.file < b.file ? -1 : 1) : a.line - b.line));
  return result;
}

/**
 * `python-version-file: .python-version` in a workflow: the versions are those of that file
 * (paths are relative to the checkout, which is the repository root).
 */
function linkVersionFiles(versions: VersionStatement[]): void {
  for (const statement of versions) {
    if (statement.kind !== 'setup-python-file') continue;
    const target = path.posix.normalize(statement.text.replace(/^\.\//, ''));
    const named = versions.filter(
      (v) => v.file === target && (v.kind === 'python-version-file' || v.kind === 'tool-versions'),
    );
    const found = named.flatMap((v) => v.versions ?? []);
    if (found.length > 0) statement.versions = [...new Set(found)];
  }
}

/** Most files one include pattern may bring in (GitLab itself caps a pipeline's includes at 150). */
const maxPatternMatches = 150;

/**
 * The repository files (relative, sorted) a GitLab `include: local` pattern matches: `*` within one
 * folder, `**` across folders (`ci/**.yml` is every .yml under ci/). Read from the folder before the
 * first wildcard, honouring .gitignore and the excludes like discovery.
 */
async function filesMatching(root: string, pattern: string, options: ExtractOptions): Promise<string[]> {
  const firstWild = pattern.indexOf('*');
  const base = pattern
    .slice(0, firstWild)
    .replace(/[^/]*$/, '')
    .replace(/\/$/, '');
  // `**` glued to a name (`**.yml`) means "any folders, then a name ending so".
  const glob = pattern.replace(/\*\*(?!\/)/g, '**/*');
  const isMatch = picomatch(glob, { dot: false });
  const excluded = excludeMatcher(options.exclude) ?? (() => false);
  const { files } = await discoverFilesWithContent(base ? path.join(root, ...base.split('/')) : root, {
    classify: (rel: string) => {
      const full = base ? `${base}/${rel}` : rel;
      return isMatch(full) && !excluded(full) ? ('gitlab-ci' as const) : undefined;
    },
    ...(options.maxFileSize !== undefined ? { maxFileSize: options.maxFileSize } : {}),
    ...(options.gitignore !== undefined ? { gitignore: options.gitignore } : {}),
  });
  return files
    .map((f) => (base ? `${base}/${f.path}` : f.path))
    .sort()
    .slice(0, maxPatternMatches);
}

/**
 * Read a file discovery did not list that another file names: a Dockerfile a compose service
 * builds under an unusual name (`docker/app.build`), or the `.env` file beside a compose file
 * (compose reads it even when git ignores it). Excluded paths, anything outside the root (also
 * through a symlink), directories, binary and oversized files stay out: undefined.
 */
async function readProjectFile(
  root: string,
  rel: string,
  options: ExtractOptions,
): Promise<string | undefined> {
  const read = await readNamedFile(root, rel, options);
  return 'text' in read ? read.text : undefined;
}

/** readProjectFile, saying why a file is not read: `excluded` when the user left it out. */
async function readNamedFile(
  root: string,
  rel: string,
  options: ExtractOptions,
): Promise<{ text: string } | { why: string } | { excluded: true }> {
  if (excludeMatcher(options.exclude)?.(rel)) return { excluded: true };
  try {
    const realRoot = await realpath(root);
    const abs = await realpath(path.join(root, ...rel.split('/')));
    if (!abs.startsWith(realRoot + path.sep)) {
      return { why: 'is a symbolic link that leads outside the repository, which pybase never reads' };
    }
    const info = await stat(abs);
    if (!info.isFile()) return { why: 'is not a file' };
    const limit = options.maxFileSize ?? defaultMaxFileSize;
    if (info.size > limit) return { why: `is ${info.size} bytes, over the ${limit}-byte limit` };
    const bytes = await readFile(abs);
    if (looksBinary(bytes)) return { why: 'holds binary content' };
    return { text: decodeText(bytes) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    return {
      why:
        code === 'ENOENT'
          ? 'does not exist'
          : `cannot be read: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}
