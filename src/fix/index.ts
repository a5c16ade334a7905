/**
 * `pybase fix` as a library: extract, plan, apply (or only diff), in one call.
 */

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type Catalog, createCatalog } from '../catalog/catalog.js';
import { classifyProjectFile } from '../files/classify.js';
import { parseComposeEnv } from '../files/compose/env-file.js';
import { extractCompose } from '../files/compose/extract.js';
import { extractDockerfile } from '../files/dockerfile/extract.js';
import { type ExtractOptions, extractProject } from '../files/extract.js';
import { extractGithubAction, extractGithubWorkflow } from '../files/github-actions/extract.js';
import { extractGitlabCi } from '../files/gitlab-ci/extract.js';
import type { Scope } from '../files/substitute.js';
import { extractVersionFile, isVersionFileKind } from '../files/version-files/extract.js';
import { type Diagnostic, PybaseError } from '../model/diagnostic.js';
import type { Extraction, ProjectFileKind } from '../model/project.js';
import { applyEdits, type FileReading, type Reextract } from './apply.js';
import { readFixDependencies } from './dependencies.js';
import { unifiedDiff } from './diff.js';
import { planFixes } from './plan.js';
import { catalogTagFacts, type TagFacts } from './tag-facts.js';
import type { ApplyResult, Plan, PlanOptions } from './types.js';

export {
  type ApplyOptions,
  applyEdits,
  type FileReading,
  type Reextract,
  WriteRefusedError,
  writeFileAtomic,
} from './apply.js';
export {
  type BumpOptions,
  type Choice,
  changeKind,
  chooseBump,
  chooseExplicit,
  explicitTarget,
  neverRuleViolation,
} from './choose.js';
export {
  blockerText,
  type DependencyJudge,
  dependencyJudge,
  type FixDependencyOptions,
  readFixDependencies,
  refusalText,
} from './dependencies.js';
export { fileDiff, unifiedDiff } from './diff.js';
export { fixCodes, planFixes } from './plan.js';
export { redactSecrets } from './redact.js';
export { registryDigestResolver } from './registry-digest.js';
export { catalogTagFacts, type TagFacts } from './tag-facts.js';
export { expandTemplate, parseTemplate, rewriteLiteral, type Segment, solveTemplate } from './template.js';
export type * from './types.js';

export interface FixOptions extends PlanOptions {
  /** Plan, verify and diff; write nothing. */
  dryRun?: boolean;
  /** Options for reading the repository (excludes, build arguments, stages). */
  extract?: ExtractOptions;
  /** The catalog to judge tags with (default: one over the embedded snapshot, or `snapshotPath`). */
  catalog?: Catalog;
  snapshotPath?: string;
  /**
   * `--bump minor` judges the project's locked dependencies on each new Python (default true): the
   * dependency file `pybase deps` reads (or `deps`), read once, offline, for `archs`. A file that
   * cannot be read, or reads with errors, throws a `PybaseError` before anything is planned. False:
   * the dependencies are not judged. `dependencies` (already read) takes the place of reading them.
   */
  checkDependencies?: boolean;
  /** The dependency file to judge instead of the most precise one found (relative to the root, or absolute). */
  deps?: string;
  /** Architectures the dependencies are judged for, as written (default amd64 and arm64). */
  archs?: readonly string[];
}

export interface FixResult {
  extraction: Extraction;
  plan: Plan;
  /** Files changed (or, on a dry run, that would change), with dropped edits and their reasons. */
  applied: ApplyResult;
  /** Unified diff of `applied.changes`. */
  diff: string;
  /** Everything worth telling: reading problems, skipped references, dropped edits. */
  diagnostics: Diagnostic[];
}

/**
 * Re-reads one file with the extractor of its kind. Dockerfiles are read without build arguments:
 * the fixer only edits ARG defaults no build argument overrides, so that is what the build sees.
 * Compose files are read with the `.env` beside them: its edited text when it is being edited, else
 * as the extraction read it from `root`.
 */
export function fileReextractor(extraction: Extraction, root?: string): Reextract {
  const envOf = (file: string, edited?: ReadonlyMap<string, string>): Scope | undefined => {
    const envFile = path.posix.join(path.posix.dirname(file), '.env');
    let text = edited?.get(envFile);
    if (text === undefined && root !== undefined && extraction.files.includes(envFile)) {
      try {
        text = readFileSync(path.join(root, ...envFile.split('/')), 'utf8').replace(/^\uFEFF/, '');
      } catch {
        text = undefined;
      }
    }
    return text === undefined ? undefined : parseComposeEnv(envFile, text).variables;
  };
  return (file, text, edited): FileReading => {
    // A file read because another one names it (a compose build's Dockerfile, an included file) is
    // read again as the kind it was read as.
    let kind: ProjectFileKind | undefined = classifyProjectFile(file);
    const named = kind === undefined ? extraction.references.find((r) => r.file === file) : undefined;
    // A Dockerfile written in a compose file is read with the compose file.
    if (named?.embedded) kind = 'compose';
    else if (named?.kind.startsWith('dockerfile')) kind = 'dockerfile';
    else if (named?.kind.startsWith('gitlab')) kind = 'gitlab-ci';
    else if (named?.kind.startsWith('compose')) kind = 'compose';
    switch (kind) {
      case 'dockerfile':
        return { ...extractDockerfile(file, text), versions: [] };
      case 'compose': {
        const env = envOf(file, edited);
        return { ...extractCompose(file, text, env ? { env } : {}), versions: [] };
      }
      case 'github-workflow':
        return extractGithubWorkflow(file, text);
      case 'github-action':
        return extractGithubAction(file, text);
      case 'gitlab-ci':
        return { ...extractGitlabCi(file, text), versions: [] };
      case undefined:
        return { references: [], versions: [], diagnostics: [] };
      default:
        return isVersionFileKind(kind)
          ? { ...extractVersionFile(kind, file, text), references: [] }
          : { references: [], versions: [], diagnostics: [] };
    }
  };
}

/** Extract the repository at `root`, plan the edits the options ask for, and apply them (unless a dry run). */
export async function fixProject(root: string, options: FixOptions): Promise<FixResult> {
  const catalog =
    options.catalog ?? createCatalog(options.snapshotPath ? { snapshotPath: options.snapshotPath } : {});
  const facts: TagFacts = catalogTagFacts(
    catalog,
    options.snapshotPath ? { snapshotPath: options.snapshotPath } : {},
  );
  const target = options.target;
  const minor = target?.kind === 'bump' && target.bump === 'minor';
  let dependencies = options.checkDependencies === false || !minor ? undefined : options.dependencies;
  if (minor && options.checkDependencies !== false && dependencies === undefined) {
    const read = await readFixDependencies(root, {
      catalog,
      ...(options.archs ? { archs: options.archs } : {}),
      ...(options.deps !== undefined ? { deps: options.deps } : {}),
    });
    // Moves judged on dependencies read in part would be judged wrong: nothing is planned.
    const error = read.problems.find((d) => d.severity === 'error');
    if (error) throw new PybaseError(error);
    dependencies = read.facts;
  }
  const extraction = await extractProject(root, options.extract ?? {});
  const { dependencies: _given, ...planOptions } = options;
  const plan = await planFixes(extraction, facts, {
    ...planOptions,
    ...(dependencies ? { dependencies } : {}),
  });
  const applied = await applyEdits(plan.edits, {
    root,
    dryRun: options.dryRun === true,
    reextract: fileReextractor(extraction, root),
  });
  return {
    extraction,
    plan,
    applied,
    diff: unifiedDiff(applied.changes),
    diagnostics: [...extraction.diagnostics, ...plan.diagnostics, ...applied.diagnostics],
  };
}
