/**
 * GitLab CI: `image` (a string or `.name`) at the top level, in `default:` and in each job;
 * `services` (strings or `.name`). Hidden jobs (`.name`) are templates used through `extends`:
 * they are extracted too. `$VAR` / `${VAR}` in image names are expanded from the global and job
 * `variables:`; predefined CI variables stay unresolved. Local `include:` entries are returned
 * for the caller to read (see `includes`); remote, project and template includes are not followed.
 */
import type { Diagnostic, SourceRange } from '../../model/diagnostic.js';
import type { ExtractedReference, IgnorePragma, ValueOrigin } from '../../model/project.js';
import type { Stage } from '../../model/stage.js';
import { substitute, type VarState } from '../substitute.js';
import {
  mapEntries,
  mapGet,
  type ParsedYaml,
  parseYaml,
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

function variables(y: ParsedYaml, node: unknown, into: Map<string, VarState>): void {
  for (const { key, value } of mapEntries(y, mapGet(y, node, 'variables'))) {
    // A variable is `NAME: value` or `NAME: { value: ..., description: ... }`.
    const s = scalarText(y, value) ?? scalarText(y, mapGet(y, value, 'value'));
    if (!s) continue;
    const origin: ValueOrigin = {
      name: key,
      value: s.text,
      source: 'ci-variable',
      file: y.file,
      range: s.range,
    };
    const inner = substitute(s.text, into, { dialect: 'gitlab' });
    into.set(
      key,
      inner.value !== undefined
        ? { kind: 'known', value: inner.value, origins: [origin, ...inner.origins] }
        : { kind: 'unknown', because: inner.unresolved },
    );
  }
}

export function extractGitlabCi(file: string, text: string, options: GitlabOptions = {}): GitlabExtraction {
  const out: GitlabExtraction = {
    references: [],
    pragmas: yamlPragmas(file, text),
    diagnostics: [],
    includes: [],
  };
  const { yaml: y, diagnostics } = parseYaml(file, text);
  out.diagnostics.push(...diagnostics);
  if (!y) return out;
  const stage: Stage = options.configuredStage ?? 'ci';
  const root = y.doc.contents;
  const globalVars = new Map<string, VarState>();
  variables(y, root, globalVars);

  const emit = (
    kind: 'gitlab-image' | 'gitlab-service',
    node: unknown,
    scope: Map<string, VarState>,
    job?: string,
  ) => {
    const s = scalarText(y, node) ?? scalarText(y, mapGet(y, node, 'name'));
    if (!s) return;
    const ref: ExtractedReference = { kind, file, range: s.range, text: s.text, stage };
    if (job) ref.job = job;
    if (kind === 'gitlab-service') {
      const alias = scalarText(y, mapGet(y, node, 'alias'));
      if (alias) ref.service = alias.text;
    }
    if (s.text.includes('$')) {
      const sub = substitute(s.text, scope, { dialect: 'gitlab' });
      if (sub.unresolved.length > 0) ref.unresolved = sub.unresolved;
      else if (sub.value !== undefined && sub.value !== s.text) ref.resolved = sub.value;
      if (sub.origins.length > 0) ref.origins = sub.origins;
    }
    out.references.push(ref);
  };
  const fromHolder = (holder: unknown, scope: Map<string, VarState>, job?: string) => {
    const image = mapGet(y, holder, 'image');
    if (image !== undefined) emit('gitlab-image', image, scope, job);
    for (const service of seqItems(y, mapGet(y, holder, 'services')))
      emit('gitlab-service', service, scope, job);
  };

  out.includes = localIncludes(y, mapGet(y, root, 'include'));
  fromHolder(root, globalVars);
  fromHolder(mapGet(y, root, 'default'), globalVars);
  for (const { key, value } of mapEntries(y, root)) {
    if (gitlabReservedKeys.has(key)) continue;
    if (mapEntries(y, value).length === 0) continue; // not a job mapping
    const scope = new Map(globalVars);
    variables(y, value, scope);
    fromHolder(value, scope, key);
  }
  return out;
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
