/**
 * Compose files: `services.*.image`, and `services.*.build` (context, dockerfile, args) so that
 * the Dockerfile a service builds sees its build arguments. Compose interpolation
 * (`${VAR:-default}`, `${VAR-default}`, `$$`) is applied with the variables of the `.env` file
 * beside the compose file (see env-file.ts) and nothing else: defaults resolve, variables only the
 * shell could set stay unresolved.
 */
import path from 'node:path';
import type { Diagnostic, SourceRange } from '../../model/diagnostic.js';
import type { ExtractedReference, IgnorePragma, ValueOrigin } from '../../model/project.js';
import type { Stage } from '../../model/stage.js';
import type { ProvidedBuildArg } from '../dockerfile/extract.js';
import { type Scope, substitute } from '../substitute.js';
import {
  mapEntries,
  mapGet,
  type ParsedYaml,
  parseYaml,
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
}

export interface ComposeOptions {
  configuredStage?: Stage;
  devNamed?: boolean;
  /** Variables of the project's `.env` file (parseComposeEnv). */
  env?: Scope;
}

export interface ComposeExtraction {
  references: ExtractedReference[];
  builds: ComposeBuild[];
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
  const out: ComposeExtraction = { references: [], builds: [], pragmas: [], diagnostics: [], includes: [] };
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
    for (const { key: service, value } of mapEntries(y, services)) {
      const build = mapGet(y, value, 'build');
      if (build !== undefined) {
        const linked = linkBuild(y, service, build, interpolate);
        if (linked) out.builds.push(linked);
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
  }
  out.pragmas = yamlPragmas(file, text);
  return out;
}

function linkBuild(
  y: ParsedYaml,
  service: string,
  build: unknown,
  interpolate: (text: string) => ReturnType<typeof substitute>,
): ComposeBuild | undefined {
  const asString = scalarText(y, build);
  const context = asString ? asString.text : (scalarText(y, mapGet(y, build, 'context'))?.text ?? '.');
  const dockerfileName = asString
    ? 'Dockerfile'
    : (scalarText(y, mapGet(y, build, 'dockerfile'))?.text ?? 'Dockerfile');
  const contextValue = interpolate(context).value;
  const dockerfileValue = interpolate(dockerfileName).value;
  if (contextValue === undefined || dockerfileValue === undefined) return undefined;
  if (isRemoteContext(contextValue) || path.posix.isAbsolute(dockerfileValue)) return undefined;
  const joined = path.posix.normalize(
    path.posix.join(path.posix.dirname(y.file), contextValue, dockerfileValue),
  );
  if (joined.startsWith('../') || joined === '..' || path.posix.isAbsolute(joined)) return undefined;
  const linked: ComposeBuild = {
    file: y.file,
    service,
    dockerfile: joined,
    args: asString ? [] : buildArgs(y, mapGet(y, build, 'args'), interpolate),
  };
  const target = asString ? undefined : scalarText(y, mapGet(y, build, 'target'))?.text;
  if (target) linked.target = target;
  return linked;
}
