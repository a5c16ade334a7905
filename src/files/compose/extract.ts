/**
 * Compose files: `services.*.image`, and `services.*.build` (context, dockerfile, args) so that
 * the Dockerfile a service builds sees its build arguments. A Dockerfile written in the file
 * (`build.dockerfile_inline`) is read here, with the Dockerfile extractor, at its place in the
 * file. Compose interpolation (`${VAR:-default}`, `${VAR-default}`, `$$`) is applied with the
 * variables of the `.env` file beside the compose file (see env-file.ts) and nothing else: defaults
 * resolve, variables only the shell could set stay unresolved.
 */
import path from 'node:path';
import { isScalar, type Node, type Scalar } from 'yaml';
import { type Diagnostic, inputCodes, type SourceRange } from '../../model/diagnostic.js';
import type {
  EmbeddedDockerfile,
  EmbeddedDockerfileText,
  ExtractedReference,
  IgnorePragma,
  StageBaseReference,
  StageCopy,
  ValueOrigin,
} from '../../model/project.js';
import type { Stage } from '../../model/stage.js';
import { mergeBuildReferences } from '../dockerfile/builds.js';
import { extractDockerfile, type ProvidedBuildArg } from '../dockerfile/extract.js';
import { isDevPath } from '../stage.js';
import { type Scope, substitute } from '../substitute.js';
import { LineIndex } from '../text.js';
import {
  deref,
  mapEntries,
  mapGet,
  type ParsedYaml,
  parseYaml,
  scalarPlacement,
  scalarText,
  seqItems,
  yamlPragmas,
} from '../yaml.js';

/** A service that builds a Dockerfile of the repository. */
export interface ComposeBuild {
  /** The compose file. */
  file: string;
  service: string;
  /** The Dockerfile, relative to the scanned root. */
  dockerfile: string;
  args: ProvidedBuildArg[];
  /** `build.target`: the stage compose builds. */
  target?: string;
  /** Where the Dockerfile is named: `build.dockerfile`, else the context (`build:` or `build.context`). */
  range?: SourceRange;
}

export interface ComposeOptions {
  configuredStage?: Stage;
  devNamed?: boolean;
  /** Variables of the project's `.env` file (parseComposeEnv). */
  env?: Scope;
  /**
   * Build arguments of the configuration: applied to the Dockerfiles written in the file after
   * `build.args`, as to every other Dockerfile.
   */
  buildArgs?: readonly ProvidedBuildArg[];
}

export interface ComposeExtraction {
  /** `image:` references, and those of the Dockerfiles written in the file (`embedded` set). */
  references: ExtractedReference[];
  builds: ComposeBuild[];
  /** Of the Dockerfiles written in the file. */
  stageBases: StageBaseReference[];
  stageCopies: StageCopy[];
  embeddedDockerfiles: EmbeddedDockerfileText[];
  pragmas: IgnorePragma[];
  diagnostics: Diagnostic[];
  /** Other compose files of the repository this one uses: top-level `include:`, `extends.file`. */
  includes: ComposeInclude[];
}

export interface ComposeInclude {
  /** As written. */
  text: string;
  /** Relative to the scanned root; absent when it cannot be known or is outside the root. */
  path?: string;
  range: SourceRange;
}

const noVariables: Scope = new Map();

function buildArgs(
  y: ParsedYaml,
  node: unknown,
  interpolate: (text: string) => ReturnType<typeof substitute>,
): ProvidedBuildArg[] {
  const out: ProvidedBuildArg[] = [];
  const push = (name: string, written: string, range: ValueOrigin['range'], readAs?: string) => {
    const origin: ValueOrigin = { name, value: written, source: 'compose-build-arg', file: y.file };
    if (range) origin.range = range;
    if (readAs !== undefined) origin.readAs = readAs;
    const sub = interpolate(written);
    const via = sub.origins.length > 0 ? { via: sub.origins } : {};
    if (sub.value !== undefined) out.push({ name, value: sub.value, origin, ...via });
    else out.push({ name, unresolved: sub.unresolved, origin, ...via });
  };
  const entries = mapEntries(y, node);
  if (entries.length > 0) {
    for (const { key, value } of entries) {
      const s = scalarText(y, value);
      // `NAME:` with no value passes the variable from the environment; unknown here, and when
      // unset compose leaves the ARG default in force, so it is not a provided value.
      if (s) push(key, s.text, s.range, s.readAs);
    }
    return out;
  }
  for (const item of seqItems(y, node)) {
    const s = scalarText(y, item);
    if (!s) continue;
    const eq = s.text.indexOf('=');
    if (eq <= 0) continue;
    const name = s.text.slice(0, eq);
    const written = s.text.slice(eq + 1);
    const start = s.range.startOffset;
    const exact = start !== undefined && y.index.text.slice(start, s.range.endOffset) === s.text;
    push(name, written, exact ? y.index.range(y.file, start + eq + 1, s.range.endOffset!) : s.range);
  }
  return out;
}

function isRemoteContext(context: string): boolean {
  return (
    /^[a-z][a-z0-9+.-]*:\/\//i.test(context) ||
    context.startsWith('git@') ||
    context.startsWith('github.com/')
  );
}

export function extractCompose(file: string, text: string, options: ComposeOptions = {}): ComposeExtraction {
  const out: ComposeExtraction = {
    references: [],
    builds: [],
    stageBases: [],
    stageCopies: [],
    embeddedDockerfiles: [],
    pragmas: [],
    diagnostics: [],
    includes: [],
  };
  /** Lines of the Dockerfiles written in the file: their pragmas are read as a Dockerfile's. */
  const inlineLines: { startLine: number; endLine: number }[] = [];
  const env = options.env ?? noVariables;
  const interpolate = (value: string) => substitute(value, env, { dialect: 'compose' });
  const { yaml: y, diagnostics } = parseYaml(file, text);
  out.diagnostics.push(...diagnostics);
  if (y) {
    const stage: Stage = options.configuredStage ?? (options.devNamed ? 'dev' : 'prod');
    const services = mapGet(y, y.doc.contents, 'services');
    const include = (node: unknown) => {
      const s = scalarText(y, node);
      if (!s) return;
      const value = interpolate(s.text).value;
      const found: ComposeInclude = { text: s.text, range: s.range };
      if (
        value !== undefined &&
        !isRemoteContext(value) &&
        !/^oci:\/\//i.test(value) &&
        !path.posix.isAbsolute(value)
      ) {
        const joined = path.posix.normalize(path.posix.join(path.posix.dirname(file), value));
        if (!joined.startsWith('../') && joined !== '..') found.path = joined;
      }
      out.includes.push(found);
    };
    // `include: [a.yaml, { path: b.yaml }, { path: [c.yaml, d.yaml] }]`
    for (const item of seqItems(y, mapGet(y, y.doc.contents, 'include'))) {
      const entry = mapGet(y, item, 'path');
      if (entry === undefined) include(item);
      else if (seqItems(y, entry).length > 0) for (const p of seqItems(y, entry)) include(p);
      else include(entry);
    }
    for (const { value } of mapEntries(y, services)) include(mapGet(y, mapGet(y, value, 'extends'), 'file'));
    /** Services building each Dockerfile written in the file (a YAML alias shares one value). */
    const inline = new Map<Scalar, InlineBuild[]>();
    for (const { key: service, value } of mapEntries(y, services)) {
      const build = mapGet(y, value, 'build');
      if (build !== undefined) {
        const written = mapGet(y, build, 'dockerfile_inline');
        if (written !== undefined) {
          const found = inlineBuild(y, service, build, written, interpolate, out.diagnostics);
          if (found) inline.set(found.node, [...(inline.get(found.node) ?? []), found]);
        } else {
          const linked = linkBuild(y, service, build, interpolate, out.diagnostics);
          if (linked) out.builds.push(linked);
        }
        // With `build`, `image` names the image compose produces, not one it pulls.
        continue;
      }
      const image = scalarText(y, mapGet(y, value, 'image'));
      if (!image) continue;
      const sub = interpolate(image.text);
      const ref: ExtractedReference = {
        kind: 'compose-image',
        file,
        range: image.range,
        text: image.text,
        stage,
        service,
      };
      if (sub.unresolved.length > 0) ref.unresolved = sub.unresolved;
      else if (sub.value !== undefined && sub.value !== image.text) ref.resolved = sub.value;
      if (sub.origins.length > 0) ref.origins = sub.origins;
      out.references.push(ref);
    }
    for (const builds of inline.values()) {
      const lines = readInline(y, builds, options, interpolate, out);
      if (lines) inlineLines.push(lines);
    }
  }
  // Comments inside a Dockerfile written in the file are the Dockerfile's (read with it above); the
  // line holding the key keeps its own.
  const yamlOwn = yamlPragmas(file, text).filter(
    (p) => !inlineLines.some((l) => p.line >= l.startLine && p.line <= l.endLine),
  );
  out.pragmas = [...yamlOwn, ...out.pragmas].sort((a, b) => a.line - b.line);
  out.references.sort((a, b) => (a.range.startOffset ?? 0) - (b.range.startOffset ?? 0));
  return out;
}

/** A service whose build holds a Dockerfile as a value (`build.dockerfile_inline`). */
interface InlineBuild {
  service: string;
  node: Scalar;
  args: ProvidedBuildArg[];
  target?: string;
}

function inlineBuild(
  y: ParsedYaml,
  service: string,
  build: Node,
  written: Node,
  interpolate: (text: string) => ReturnType<typeof substitute>,
  diagnostics: Diagnostic[],
): InlineBuild | undefined {
  const node = deref(y, written);
  const where = (n: Node | undefined) => {
    const at = y.index.positionAt(n?.range?.[0] ?? 0);
    return y.index.range(y.file, y.index.offsetAt(at.line, 0), y.index.offsetAt(at.line, 0));
  };
  if (!isScalar(node) || typeof node.value !== 'string' || !node.range) {
    const location = where(node ?? build);
    diagnostics.push({
      code: inputCodes.parseError,
      severity: 'warning',
      message: `${y.file}:${location.startLine}: services.${service}.build.dockerfile_inline is not a string; the Dockerfile is not read`,
      location,
      hint: 'write the Dockerfile as a literal block: dockerfile_inline: | and the lines below, indented',
    });
    return undefined;
  }
  const dockerfile = mapGet(y, build, 'dockerfile');
  if (dockerfile !== undefined) {
    const location = where(dockerfile);
    diagnostics.push({
      code: inputCodes.parseError,
      severity: 'warning',
      message: `${y.file}:${location.startLine}: services.${service}.build sets both dockerfile and dockerfile_inline, which compose refuses; pybase reads dockerfile_inline`,
      location,
      hint: 'keep one of the two',
    });
  }
  const found: InlineBuild = {
    service,
    node,
    args: buildArgs(y, mapGet(y, build, 'args'), interpolate),
  };
  const target = scalarText(y, mapGet(y, build, 'target'))?.text;
  if (target) found.target = target;
  return found;
}

/**
 * Read one Dockerfile written in the file, once per service building it (each with its own
 * arguments and target), into `out`. Returns the lines its text takes up.
 */
function readInline(
  y: ParsedYaml,
  builds: readonly InlineBuild[],
  options: ComposeOptions,
  interpolate: (text: string) => ReturnType<typeof substitute>,
  out: ComposeExtraction,
): { startLine: number; endLine: number } | undefined {
  const [first] = builds;
  if (!first) return undefined;
  const text = String(first.node.value);
  const placement = scalarPlacement(y, first.node, text);
  const embedded: EmbeddedDockerfile = {
    key: `services.${first.service}.build.dockerfile_inline`,
    exact: placement.kind === 'shifted',
  };
  out.embeddedDockerfiles.push({ file: y.file, ...embedded, text });
  const extractions = builds.map((b) =>
    extractDockerfile(y.file, text, {
      ...(options.configuredStage ? { configuredStage: options.configuredStage } : {}),
      // A target stage named for development (`target: dev`) builds a development image.
      devNamed: options.devNamed === true || (b.target !== undefined && isDevPath(b.target)),
      buildArgs: [...b.args, ...(options.buildArgs ?? [])],
      service: b.service,
      ...(b.target ? { target: b.target } : {}),
      embedded: { placement, dockerfile: embedded },
      interpolate,
    }),
  );
  out.references.push(...mergeBuildReferences(extractions));
  const [one] = extractions;
  if (one) {
    out.stageBases.push(...one.stageBases);
    out.stageCopies.push(...one.stageCopies);
    out.pragmas.push(...one.pragmas);
    out.diagnostics.push(...one.diagnostics);
  }
  if (placement.kind === 'whole') {
    const r = placement.range;
    return { startLine: r.startLine + 1, endLine: r.endLine };
  }
  const lines = new LineIndex(text).lineCount - (/[\r\n]$/.test(text) ? 1 : 0);
  return { startLine: placement.line + 1, endLine: placement.line + Math.max(lines, 1) };
}

function linkBuild(
  y: ParsedYaml,
  service: string,
  build: unknown,
  interpolate: (text: string) => ReturnType<typeof substitute>,
  diagnostics: Diagnostic[],
): ComposeBuild | undefined {
  const asString = scalarText(y, build);
  const contextNode = asString ?? scalarText(y, mapGet(y, build, 'context'));
  const dockerfileNode = asString ? undefined : scalarText(y, mapGet(y, build, 'dockerfile'));
  const context = contextNode?.text ?? '.';
  const dockerfileName = dockerfileNode?.text ?? 'Dockerfile';
  const contextValue = interpolate(context).value;
  const dockerfileValue = interpolate(dockerfileName).value;
  if (contextValue === undefined || dockerfileValue === undefined) return undefined;
  if (isRemoteContext(contextValue)) return undefined;
  const range = dockerfileNode?.range ?? contextNode?.range;
  const joined = path.posix.normalize(
    path.posix.join(path.posix.dirname(y.file), contextValue, dockerfileValue),
  );
  if (
    path.posix.isAbsolute(dockerfileValue) ||
    joined.startsWith('../') ||
    joined === '..' ||
    path.posix.isAbsolute(joined)
  ) {
    // Named outside the repository, which pybase never reads: said once, not a problem of the file.
    if (range) {
      diagnostics.push({
        code: inputCodes.unreadableFile,
        severity: 'info',
        message: `${y.file}:${range.startLine}: the Dockerfile '${path.posix.isAbsolute(dockerfileValue) ? dockerfileValue : joined}' that service ${service} builds is ${path.posix.isAbsolute(dockerfileValue) ? 'an absolute path, which pybase does not follow' : 'outside the repository: not followed'}`,
        location: range,
      });
    }
    return undefined;
  }
  const linked: ComposeBuild = {
    file: y.file,
    service,
    dockerfile: joined,
    args: asString ? [] : buildArgs(y, mapGet(y, build, 'args'), interpolate),
  };
  if (range) linked.range = range;
  const target = asString ? undefined : scalarText(y, mapGet(y, build, 'target'))?.text;
  if (target) linked.target = target;
  return linked;
}
