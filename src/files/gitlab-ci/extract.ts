/**
 * GitLab CI: `image` (a string or `.name`) and `services` (strings or `.name`) of every job, read the
 * way GitLab builds a pipeline. A job's image and services are its own, else those it inherits
 * through `extends:` (a name or a list, hidden `.template` jobs included), else the `default:` ones
 * (or the old top-level `image:`/`services:`). `$VAR` / `${VAR}` are expanded from the pipeline's
 * global `variables:`, those of the jobs it extends and its own; predefined CI variables stay
 * unresolved. A template's image used by several jobs that set different variables is one reference
 * per value, like a matrix. An image no job uses (a template nothing extends, a default every job
 * overrides) is still judged, with the global variables.
 *
 * A pipeline is the root file and the files it includes from the repository (`include: local:`, see
 * `includes`): their global variables and jobs merge, the including file winning. Remote, project and
 * template includes are not followed.
 */
import { type Diagnostic, inputCodes, type SourceRange } from '../../model/diagnostic.js';
import type { ExtractedReference, IgnorePragma } from '../../model/project.js';
import type { Stage } from '../../model/stage.js';
import { substitute, type VarState } from '../substitute.js';
import {
  mapEntries,
  mapGet,
  type ParsedYaml,
  parseYaml,
  referencePath,
  scalarOrigin,
  scalarText,
  seqItems,
  yamlPragmas,
} from '../yaml.js';

export interface GitlabOptions {
  configuredStage?: Stage;
}

export interface GitlabExtraction {
  references: ExtractedReference[];
  pragmas: IgnorePragma[];
  diagnostics: Diagnostic[];
  /** Files of the same repository this one includes (`include: local:`), as written. */
  includes: GitlabInclude[];
}

export interface GitlabInclude {
  /** The path as written (GitLab reads it from the repository root; a leading `/` is allowed). */
  path: string;
  range: SourceRange;
}

/** One GitLab CI file, parsed: what a pipeline is built from. */
export interface GitlabFile {
  file: string;
  yaml?: ParsedYaml;
  pragmas: IgnorePragma[];
  diagnostics: Diagnostic[];
  includes: GitlabInclude[];
  stage: Stage;
}

/** Top-level keys that configure the pipeline rather than define a job. */
export const gitlabReservedKeys: ReadonlySet<string> = new Set([
  'default',
  'include',
  'stages',
  'variables',
  'workflow',
  'image',
  'services',
  'before_script',
  'after_script',
  'cache',
  'spec',
  'types',
]);

/** Parse one file of a pipeline; `extractGitlabPipeline` reads the images. */
export function readGitlabFile(file: string, text: string, options: GitlabOptions = {}): GitlabFile {
  // A file with `spec: inputs:` starts with that header document; the pipeline is the next one.
  const { yaml: y, diagnostics } = parseYaml(file, text, { headerKey: 'spec' });
  const out: GitlabFile = {
    file,
    pragmas: yamlPragmas(file, text),
    diagnostics,
    includes: [],
    stage: options.configuredStage ?? 'ci',
  };
  if (y) {
    out.yaml = y;
    out.includes = localIncludes(y, mapGet(y, y.doc.contents, 'include'));
  }
  return out;
}

/** One file, as its own pipeline. */
export function extractGitlabCi(file: string, text: string, options: GitlabOptions = {}): GitlabExtraction {
  const read = readGitlabFile(file, text, options);
  return {
    references: extractGitlabPipeline([read]),
    pragmas: read.pragmas,
    diagnostics: read.diagnostics,
    includes: read.includes,
  };
}

/** A node of one file of the pipeline. */
interface Located {
  f: GitlabFile & { yaml: ParsedYaml };
  node: unknown;
}

type Scope = Map<string, VarState>;

/** GitLab runs at most this many jobs from one `parallel: matrix`. */
const gitlabMatrixLimit = 200;

/** GitLab allows eleven levels of `extends`; deeper chains are not followed (nor do they exhaust the stack). */
const maxExtendsDepth = 11;

/**
 * The references of a pipeline: `files[0]` is the root, the others the files it includes (in the
 * order they were found). Later-found files are merged first, so that the including file wins.
 */
export function extractGitlabPipeline(files: readonly GitlabFile[]): ExtractedReference[] {
  const parsed = files.filter((f): f is GitlabFile & { yaml: ParsedYaml } => f.yaml !== undefined);
  // Included files first, the root last: a later definition wins.
  const order = [...parsed].reverse();
  const globals: Scope = new Map();
  let defaultImage: Located | undefined;
  let defaultServices: Located | undefined;
  const jobs = new Map<string, Located[]>();
  for (const f of order) {
    const y = f.yaml;
    const root = y.doc.contents;
    addVariables(y, root, globals);
    for (const holder of [root, mapGet(y, root, 'default')]) {
      const image = mapGet(y, holder, 'image');
      if (image !== undefined) defaultImage = { f, node: image };
      const services = mapGet(y, holder, 'services');
      if (services !== undefined) defaultServices = { f, node: services };
    }
    for (const { key, value } of mapEntries(y, root)) {
      if (gitlabReservedKeys.has(key)) continue;
      if (mapEntries(y, value).length === 0) continue; // not a job mapping
      jobs.set(key, [...(jobs.get(key) ?? []), { f, node: value }]);
    }
  }

  /** The value of `key` a job has: its own (latest part first), else from the jobs it extends. */
  const inherited = (name: string, key: string, seen = new Set<string>()): Located | undefined => {
    if (seen.has(name) || seen.size > maxExtendsDepth) return undefined;
    seen.add(name);
    const parts = jobs.get(name) ?? [];
    for (let i = parts.length - 1; i >= 0; i--) {
      const part = parts[i] as Located;
      const value = mapGet(part.f.yaml, part.node, key);
      if (value !== undefined) return { f: part.f, node: value };
    }
    // `extends: [a, b]`: b wins over a.
    const parents = extendsOf(name);
    for (let i = parents.length - 1; i >= 0; i--) {
      const found = inherited(parents[i] as string, key, seen);
      if (found) return found;
    }
    return undefined;
  };
  const extendsOf = (name: string): string[] => {
    const parts = jobs.get(name) ?? [];
    for (let i = parts.length - 1; i >= 0; i--) {
      const part = parts[i] as Located;
      const node = mapGet(part.f.yaml, part.node, 'extends');
      if (node === undefined) continue;
      const one = scalarText(part.f.yaml, node);
      if (one) return [one.text];
      return seqItems(part.f.yaml, node).flatMap((n) => {
        const s = scalarText(part.f.yaml, n);
        return s ? [s.text] : [];
      });
    }
    return [];
  };
  /** Global variables, then those of the extended jobs (in order, the last winning), then the job's own. */
  const scopes = new Map<string, Scope>();
  const scopeOf = (name: string, path: readonly string[] = []): Scope => {
    const known = scopes.get(name);
    if (known) return known;
    const scope: Scope = new Map(globals);
    // A cycle or a chain deeper than GitLab accepts: GitLab rejects the file, pybase stops there.
    if (path.includes(name) || path.length > maxExtendsDepth) return scope;
    for (const parent of extendsOf(name)) {
      for (const [k, v] of scopeOf(parent, [...path, name])) scope.set(k, v);
    }
    for (const part of jobs.get(name) ?? []) addVariables(part.f.yaml, part.node, scope);
    scopes.set(name, scope);
    return scope;
  };

  const out: ExtractedReference[] = [];
  const keys = new Set<string>();
  const used = new Set<unknown>();
  /**
   * A `!reference [job, key, ...]` followed to the value it names (through `extends:` as GitLab does,
   * a few hops at most); any other node as it is.
   */
  const unfollowed = new Set<unknown>();
  const follow = (at: Located, hops = 0): Located | undefined => {
    const path = referencePath(at.f.yaml, at.node);
    if (!path) return at;
    const [job, first, ...rest] = path as [string, string, ...string[]];
    let found = hops < 8 ? inherited(job, first) : undefined;
    for (const key of rest) {
      const node = found ? mapGet(found.f.yaml, found.node, key) : undefined;
      found = found && node !== undefined ? { f: found.f, node } : undefined;
    }
    const target = found ? follow(found, hops + 1) : undefined;
    if (!target && !unfollowed.has(at.node)) {
      // GitLab rejects such a pipeline; the image it would name is unknown, and the file says so.
      unfollowed.add(at.node);
      const range = (at.node as { range?: [number, number] }).range;
      const pos = at.f.yaml.index.positionAt(range?.[0] ?? 0);
      at.f.diagnostics.push({
        code: inputCodes.badReference,
        severity: 'warning',
        message: `${at.f.file}:${pos.line + 1}: !reference [${path.join(', ')}] names nothing in this pipeline (a missing job or key, or a loop): its image is not judged`,
        location: at.f.yaml.index.range(at.f.file, range?.[0] ?? 0, range?.[1] ?? 0),
      });
    }
    return target;
  };
  const emit = (
    kind: 'gitlab-image' | 'gitlab-service',
    written: Located,
    scope: Scope,
    job: string | undefined,
  ) => {
    const at = follow(written);
    if (!at) return;
    used.add(at.node);
    const y = at.f.yaml;
    const s = scalarText(y, at.node) ?? scalarText(y, mapGet(y, at.node, 'name'));
    if (!s) return;
    const ref: ExtractedReference = {
      kind,
      file: at.f.file,
      range: s.range,
      text: s.text,
      stage: at.f.stage,
    };
    if (job) ref.job = job;
    if (kind === 'gitlab-service') {
      const alias = scalarText(y, mapGet(y, at.node, 'alias'));
      if (alias) ref.service = alias.text;
    }
    if (s.text.includes('$')) {
      const sub = substitute(s.text, scope, { dialect: 'gitlab' });
      if (sub.unresolved.length > 0) ref.unresolved = sub.unresolved;
      else if (sub.value !== undefined && sub.value !== s.text) ref.resolved = sub.value;
      if (sub.origins.length > 0) ref.origins = sub.origins;
    }
    // Jobs sharing a template's image with the same values share one reference.
    const key = `${ref.file}\u0000${s.range.startOffset}\u0000${ref.resolved ?? ''}\u0000${(ref.unresolved ?? []).join(',')}`;
    if (keys.has(key)) return;
    keys.add(key);
    out.push(ref);
  };
  const emitServices = (written: Located, scope: Scope, job: string | undefined) => {
    const at = follow(written);
    if (!at) return;
    used.add(at.node);
    for (const service of seqItems(at.f.yaml, at.node))
      emit('gitlab-service', { f: at.f, node: service }, scope, job);
  };

  /**
   * The variable scopes a job runs with: one per combination of its `parallel: matrix` (each entry's
   * lists multiplied, entries one after another; the matrix values over the job's variables), else
   * the job's own scope. A matrix over GitLab's limit is reported and judged without its values.
   */
  const runScopes = (name: string): Scope[] => {
    const base = scopeOf(name);
    const parallel = inherited(name, 'parallel');
    const matrix = parallel ? mapGet(parallel.f.yaml, parallel.node, 'matrix') : undefined;
    if (!parallel || matrix === undefined) return [base];
    const y = parallel.f.yaml;
    const entries = seqItems(y, matrix);
    const axesOf = (entry: unknown) =>
      mapEntries(y, entry).map(({ key, value }) => {
        const one = scalarText(y, value);
        const values = one ? [one] : seqItems(y, value).flatMap((n) => scalarText(y, n) ?? []);
        return { key, values };
      });
    const total = entries.reduce((n, e) => n + axesOf(e).reduce((m, a) => m * a.values.length, 1), 0);
    if (total > gitlabMatrixLimit) {
      const range = (matrix as { range?: [number, number] }).range ?? [0, 0];
      if (!unfollowed.has(matrix)) {
        unfollowed.add(matrix);
        parallel.f.diagnostics.push({
          code: inputCodes.badReference,
          severity: 'warning',
          message: `job '${name}': parallel:matrix makes ${total} jobs; GitLab allows at most ${gitlabMatrixLimit} and rejects this pipeline, so the matrix values are not judged`,
          location: y.index.range(parallel.f.file, range[0], range[1]),
        });
      }
      return [base];
    }
    const scopesOut: Scope[] = [];
    for (const entry of entries) {
      let combos: Scope[] = [new Map(base)];
      for (const axis of axesOf(entry)) {
        combos = combos.flatMap((scope) =>
          axis.values.map((v) => {
            const origin = scalarOrigin(y, v, axis.key, 'ci-variable');
            return new Map(scope).set(axis.key, { kind: 'known', value: v.text, origins: [origin] });
          }),
        );
      }
      scopesOut.push(...combos);
    }
    return scopesOut.length > 0 ? scopesOut : [base];
  };

  for (const name of jobs.keys()) {
    if (name.startsWith('.')) continue; // hidden: a template, not a job
    const image = inherited(name, 'image') ?? defaultImage;
    const services = inherited(name, 'services') ?? defaultServices;
    for (const scope of runScopes(name)) {
      if (image) {
        used.add(image.node);
        emit('gitlab-image', image, scope, name);
      }
      if (services) {
        used.add(services.node);
        emitServices(services, scope, name);
      }
    }
  }
  // Images no job runs are judged too, where they are written, with what is known there.
  for (const f of order) {
    const y = f.yaml;
    const root = y.doc.contents;
    for (const holder of [root, mapGet(y, root, 'default')]) {
      const image = mapGet(y, holder, 'image');
      if (image !== undefined && !used.has(image))
        emit('gitlab-image', { f, node: image }, globals, undefined);
      const services = mapGet(y, holder, 'services');
      if (services !== undefined && !used.has(services))
        emitServices({ f, node: services }, globals, undefined);
    }
  }
  for (const [name, parts] of jobs) {
    for (const part of parts) {
      const image = mapGet(part.f.yaml, part.node, 'image');
      if (image !== undefined && !used.has(image))
        emit('gitlab-image', { f: part.f, node: image }, scopeOf(name), name);
      const services = mapGet(part.f.yaml, part.node, 'services');
      if (services !== undefined && !used.has(services))
        emitServices({ f: part.f, node: services }, scopeOf(name), name);
    }
  }
  // In the order they are written.
  const fileRank = new Map(files.map((f, i) => [f.file, i]));
  return out.sort(
    (a, b) =>
      (fileRank.get(a.file) ?? 0) - (fileRank.get(b.file) ?? 0) ||
      (a.range.startOffset ?? 0) - (b.range.startOffset ?? 0),
  );
}

function addVariables(y: ParsedYaml, node: unknown, into: Scope): void {
  for (const { key, value } of mapEntries(y, mapGet(y, node, 'variables'))) {
    // A variable is `NAME: value` or `NAME: { value: ..., description: ... }`.
    const s = scalarText(y, value) ?? scalarText(y, mapGet(y, value, 'value'));
    if (!s) continue;
    const origin = scalarOrigin(y, s, key, 'ci-variable');
    const inner = substitute(s.text, into, { dialect: 'gitlab' });
    into.set(
      key,
      inner.value !== undefined
        ? { kind: 'known', value: inner.value, origins: [origin, ...inner.origins] }
        : { kind: 'unknown', because: inner.unresolved },
    );
  }
}

/**
 * `include: path`, `include: { local: path }` and lists of both. A string entry is local unless it
 * is a URL (then it is `remote`); `remote`, `project` and `template` entries are outside the
 * repository.
 */
function localIncludes(y: ParsedYaml, node: unknown): GitlabInclude[] {
  if (node === undefined) return [];
  const entries = seqItems(y, node);
  const out: GitlabInclude[] = [];
  for (const entry of entries.length > 0 ? entries : [node]) {
    const s = scalarText(y, entry) ?? scalarText(y, mapGet(y, entry, 'local'));
    if (!s || /^[a-z][a-z0-9+.-]*:\/\//i.test(s.text)) continue;
    out.push({ path: s.text, range: s.range });
  }
  return out;
}
