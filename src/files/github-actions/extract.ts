/**
 * GitHub Actions workflows: job containers (`jobs.*.container`, a string or `.image`), service
 * containers (`jobs.*.services.*.image`), and `actions/setup-python` steps (`with.python-version`
 * as a literal, a multi-line list, or `${{ matrix.x }}` / `${{ env.X }}` / `${{ inputs.x }}` expanded
 * from the job's `strategy.matrix` (with `include`), `env`, and the defaults of `workflow_call` /
 * `workflow_dispatch` inputs; `with.python-version-file`). Actions of the repository itself
 * (`action.yml`): see `extractGithubAction`.
 */
import type { Scalar } from 'yaml';
import { type Diagnostic, inputCodes, type SourceRange } from '../../model/diagnostic.js';
import type {
  ExtractedReference,
  IgnorePragma,
  StatementPart,
  ValueOrigin,
  VersionStatement,
} from '../../model/project.js';
import type { Stage } from '../../model/stage.js';
import { LineIndex, misplacedPragma } from '../text.js';
import {
  deref,
  mapEntries,
  mapGet,
  type ParsedYaml,
  parseYaml,
  type ScalarText,
  scalarOrigin,
  scalarPlacement,
  scalarText,
  seqItems,
  yamlPragmas,
} from '../yaml.js';

export interface WorkflowOptions {
  configuredStage?: Stage;
}

export interface WorkflowExtraction {
  references: ExtractedReference[];
  versions: VersionStatement[];
  pragmas: IgnorePragma[];
  diagnostics: Diagnostic[];
}

/** `actions/setup-python@v5`, a fork or a local wrapper such as `./.github/actions/setup-python-uv`. */
export function isSetupPython(uses: string): boolean {
  return /(^|\/)setup-python[^/@]*(@|$)/i.test(uses.trim());
}

/** One possible value of an expression, with where it was written. */
interface Alternative {
  value: string;
  origin?: ValueOrigin;
}

interface Expansion {
  /** Every combination of alternatives, as full strings. */
  values: { value: string; origins: ValueOrigin[] }[];
  unresolved: string[];
}

interface JobContext {
  y: ParsedYaml;
  matrix: unknown;
  /** The matrix's combinations, when it is written out (see `matrixJobs`). */
  jobs?: MatrixJob[] | undefined;
  /** While expanding for one combination: its values. */
  jobMatrix?: MatrixJob;
  /** env from the workflow, the job and the step, innermost last. */
  env: Map<string, ScalarText>;
  allowEnv: boolean;
  /** Defaults of the inputs (`${{ inputs.x }}`) of a composite action or a reusable workflow. */
  inputs?: Map<string, ScalarText[]>;
}

const expressionPattern = /\$\{\{([\s\S]*?)\}\}/g;

/** One combination of a job's matrix: each top-level key's value node. */
type MatrixJob = Map<string, unknown>;

/** GitHub runs at most this many jobs from one matrix; it rejects a workflow that asks for more. */
export const githubMatrixLimit = 256;

/** Products larger than this are not built (excludes would have to remove almost all of them). */
const productLimit = 1 << 16;

/** A value of a matrix, comparable with another: scalars as written (quotes aside), else as data. */
function matrixValueKey(y: ParsedYaml, node: unknown): string {
  const s = scalarText(y, node);
  if (s) return `s:${s.text}`;
  const n = node as { toJSON?: () => unknown } | undefined;
  return `j:${JSON.stringify(typeof n?.toJSON === 'function' ? n.toJSON() : null)}`;
}

/**
 * The combinations GitHub runs for a `strategy.matrix` written out in the file: the product of its
 * keys' lists, less the combinations an `exclude` entry matches, then each `include` entry added to
 * the original combinations it does not contradict (or run as a combination of its own when it fits
 * none). Undefined when the matrix or one of its lists is an expression; `{ tooMany }` when GitHub
 * would refuse the matrix.
 */
function matrixJobs(y: ParsedYaml, matrix: unknown): { jobs: MatrixJob[] } | { tooMany: number } | undefined {
  if (matrix === undefined || scalarText(y, matrix)) return undefined;
  const axes: { key: string; values: unknown[] }[] = [];
  for (const { key, value } of mapEntries(y, matrix)) {
    if (key === 'include' || key === 'exclude') continue;
    const items = seqItems(y, value);
    if (items.length === 0) {
      // A list given by an expression (`${{ fromJSON(...) }}`): its values are unknown.
      if (scalarText(y, value)?.text.includes('${{')) return undefined;
      continue;
    }
    axes.push({ key, values: items });
  }
  const size = axes.reduce((n, a) => n * a.values.length, axes.length > 0 ? 1 : 0);
  // Excludes could remove some of them, never enough to matter at this size.
  if (size > productLimit) return { tooMany: size };
  let original: MatrixJob[] = axes.length > 0 ? [new Map()] : [];
  for (const axis of axes) {
    original = original.flatMap((job) => axis.values.map((v) => new Map(job).set(axis.key, v)));
  }
  const matches = (job: MatrixJob, entry: unknown, keys: (k: string) => boolean) =>
    mapEntries(y, entry).every(
      ({ key, value }) =>
        !keys(key) || (job.has(key) && matrixValueKey(y, job.get(key)) === matrixValueKey(y, value)),
    );
  const axisKeys = new Set(axes.map((a) => a.key));
  const excludes = seqItems(y, mapGet(y, matrix, 'exclude'));
  original = original.filter((job) => !excludes.some((e) => matches(job, e, () => true)));
  const added: MatrixJob[] = [];
  for (const entry of seqItems(y, mapGet(y, matrix, 'include'))) {
    let fitted = false;
    for (const job of original) {
      if (!matches(job, entry, (k) => axisKeys.has(k))) continue;
      fitted = true;
      for (const { key, value } of mapEntries(y, entry)) if (!axisKeys.has(key)) job.set(key, value);
    }
    if (!fitted) added.push(new Map(mapEntries(y, entry).map(({ key, value }) => [key, value])));
  }
  const jobs = [...original, ...added];
  return jobs.length > githubMatrixLimit ? { tooMany: jobs.length } : { jobs };
}

/**
 * The value of `matrix.<key>` (dotted into objects) in one combination: a plain value, or the empty
 * text GitHub puts in place of a key the combination lacks. Undefined for anything else.
 */
function matrixValueIn(y: ParsedYaml, job: MatrixJob, key: string): Alternative | undefined {
  const [head, ...rest] = key.split('.');
  const node = rest.reduce<unknown>((n, k) => mapGet(y, n, k), job.get(head!));
  if (node === undefined) return { value: '' };
  const s = scalarText(y, node);
  if (!s || s.text.includes('${{')) return undefined;
  return {
    value: s.text,
    origin: scalarOrigin(y, s, `matrix.${key}`, 'matrix'),
  };
}

function matrixAlternatives(ctx: JobContext, key: string): Alternative[] | undefined {
  const { y } = ctx;
  const matrixScalar = scalarText(y, ctx.matrix);
  if (matrixScalar) return undefined; // the whole matrix is an expression (`fromJSON(...)`)
  const out: Alternative[] = [];
  const seen = new Set<string>();
  const add = (s: ScalarText | undefined) => {
    if (!s || s.text.includes('${{')) return false;
    if (!seen.has(s.text)) {
      seen.add(s.text);
      out.push({
        value: s.text,
        origin: scalarOrigin(y, s, `matrix.${key}`, 'matrix'),
      });
    }
    return true;
  };
  const [head, ...rest] = key.split('.');
  const pick = (node: unknown): unknown => rest.reduce<unknown>((n, k) => mapGet(y, n, k), node);
  const entry = mapGet(y, ctx.matrix, head!);
  if (entry !== undefined) {
    const items = seqItems(y, entry);
    if (items.length > 0) {
      for (const item of items) if (!add(scalarText(y, pick(item)))) return undefined;
    } else if (rest.length === 0 && !add(scalarText(y, entry))) {
      return undefined;
    }
  }
  for (const item of seqItems(y, mapGet(y, ctx.matrix, 'include'))) {
    const value = mapGet(y, item, head!);
    if (value !== undefined && !add(scalarText(y, pick(value)))) return undefined;
  }
  return out.length > 0 ? out : undefined;
}

function alternativesOf(ctx: JobContext, expression: string): Alternative[] | undefined {
  const e = expression.trim();
  const matrix = matrixExpression.exec(e);
  if (matrix) {
    const key = (matrix[1] ?? matrix[2])!;
    if (ctx.jobMatrix) {
      const one = matrixValueIn(ctx.y, ctx.jobMatrix, key);
      return one ? [one] : undefined;
    }
    return matrixAlternatives(ctx, key);
  }
  const env = /^env(?:\.([A-Za-z0-9_-]+)|\[\s*['"]([^'"]+)['"]\s*\])$/.exec(e);
  if (env && ctx.allowEnv) {
    const name = (env[1] ?? env[2])!;
    const s = ctx.env.get(name);
    if (!s || s.text.includes('${{')) return undefined;
    return [
      {
        value: s.text,
        origin: scalarOrigin(ctx.y, s, `env.${name}`, 'env'),
      },
    ];
  }
  const input = /^inputs(?:\.([A-Za-z0-9_-]+)|\[\s*['"]([^'"]+)['"]\s*\])$/.exec(e);
  if (input && ctx.inputs) {
    const name = (input[1] ?? input[2])!;
    const defaults = ctx.inputs.get(name);
    if (!defaults || defaults.length === 0 || defaults.some((d) => d.text.includes('${{'))) return undefined;
    return defaults.map((d) => ({
      value: d.text,
      origin: scalarOrigin(ctx.y, d, `inputs.${name}`, 'action-input'),
    }));
  }
  return undefined;
}

/** Defaults of `inputs:` mappings (`inputs.<name>.default`), several when the mappings disagree. */
function inputDefaults(y: ParsedYaml, ...inputNodes: unknown[]): Map<string, ScalarText[]> {
  const out = new Map<string, ScalarText[]>();
  for (const node of inputNodes) {
    for (const { key, value } of mapEntries(y, node)) {
      const d = scalarText(y, mapGet(y, value, 'default'));
      if (!d) continue;
      const list = out.get(key) ?? [];
      if (!list.some((x) => x.text === d.text)) list.push(d);
      out.set(key, list);
    }
  }
  return out;
}

const matrixExpression = /^\s*matrix(?:\.([A-Za-z0-9_.-]+)|\[\s*['"]([^'"]+)['"]\s*\])\s*$/;

/**
 * Expand `${{ ... }}` expressions in a value: with a written-out matrix, once per combination GitHub
 * runs (so excluded combinations are not judged, and two matrix keys pair as the jobs pair them);
 * otherwise every combination of the known alternatives. Each distinct value once.
 */
function expand(ctx: JobContext, text: string): Expansion {
  const jobs = ctx.jobs;
  const usesMatrix = [...text.matchAll(expressionPattern)].some((m) => matrixExpression.test(m[1]!));
  if (!jobs || !usesMatrix) return expandAlternatives(ctx, text);
  const values: Expansion['values'] = [];
  const seen = new Set<string>();
  const unresolved = new Set<string>();
  for (const job of jobs) {
    const inJob: JobContext = { ...ctx, jobs: undefined, jobMatrix: job };
    const e = expandAlternatives(inJob, text);
    for (const u of e.unresolved) unresolved.add(u);
    for (const v of e.values) {
      if (seen.has(v.value)) continue;
      seen.add(v.value);
      values.push(v);
    }
  }
  if (values.length === 0 && unresolved.size > 0) return { values: [], unresolved: [...unresolved] };
  return { values, unresolved: [] };
}

/** Every combination of the known alternatives of each expression in a value. */
function expandAlternatives(ctx: JobContext, text: string): Expansion {
  const parts: (string | Alternative[])[] = [];
  const unresolved: string[] = [];
  let last = 0;
  for (const m of text.matchAll(expressionPattern)) {
    parts.push(text.slice(last, m.index));
    const alternatives = alternativesOf(ctx, m[1]!);
    if (!alternatives) unresolved.push(m[1]!.trim());
    else parts.push(alternatives);
    last = m.index + m[0].length;
  }
  parts.push(text.slice(last));
  if (unresolved.length > 0) return { values: [], unresolved };
  let values: { value: string; origins: ValueOrigin[] }[] = [{ value: '', origins: [] }];
  for (const part of parts) {
    if (typeof part === 'string') {
      values = values.map((v) => ({ value: v.value + part, origins: v.origins }));
    } else {
      values = values.flatMap((v) =>
        part.map((a) => ({
          value: v.value + a.value,
          origins: a.origin ? [...v.origins, a.origin] : v.origins,
        })),
      );
    }
  }
  return { values, unresolved };
}

function envMap(y: ParsedYaml, ...nodes: unknown[]): Map<string, ScalarText> {
  const env = new Map<string, ScalarText>();
  for (const node of nodes) {
    for (const { key, value } of mapEntries(y, mapGet(y, node, 'env'))) {
      const s = scalarText(y, value);
      if (s) env.set(key, s);
    }
  }
  return env;
}

/** The empty result of a GitHub file, its parsed YAML (absent on a syntax error) and its stage. */
function startReading(
  file: string,
  text: string,
  options: WorkflowOptions,
): { out: WorkflowExtraction; y?: ParsedYaml; stage: Stage } {
  const { yaml: y, diagnostics } = parseYaml(file, text);
  const out: WorkflowExtraction = {
    references: [],
    versions: [],
    pragmas: yamlPragmas(file, text),
    diagnostics,
  };
  return { out, ...(y ? { y } : {}), stage: options.configuredStage ?? 'ci' };
}

export function extractGithubWorkflow(
  file: string,
  text: string,
  options: WorkflowOptions = {},
): WorkflowExtraction {
  const { out, y, stage } = startReading(file, text, options);
  if (!y) return out;
  const root = y.doc.contents;

  const imageReferences = (
    kind: 'gha-container' | 'gha-service',
    image: ScalarText,
    job: string,
    ctx: JobContext,
    service?: string,
  ) => {
    const base: ExtractedReference = { kind, file, range: image.range, text: image.text, stage, job };
    if (service) base.service = service;
    if (!image.text.includes('${{')) {
      out.references.push(base);
      return;
    }
    const expanded = expand(ctx, image.text);
    if (expanded.unresolved.length > 0) {
      out.references.push({ ...base, unresolved: expanded.unresolved });
      return;
    }
    // One reference per matrix value: each is a separate image the workflow runs in.
    for (const v of expanded.values) out.references.push({ ...base, resolved: v.value, origins: v.origins });
  };

  // A reusable or manually run workflow: `${{ inputs.x }}` takes the input's default.
  const on = mapGet(y, root, 'on');
  const inputs = inputDefaults(
    y,
    mapGet(y, mapGet(y, on, 'workflow_call'), 'inputs'),
    mapGet(y, mapGet(y, on, 'workflow_dispatch'), 'inputs'),
  );
  for (const { key: job, value: jobNode } of mapEntries(y, mapGet(y, root, 'jobs'))) {
    const matrix = mapGet(y, mapGet(y, jobNode, 'strategy'), 'matrix');
    const combinations = matrixJobs(y, matrix);
    let jobs: MatrixJob[] | undefined;
    if (combinations && 'tooMany' in combinations) {
      // GitHub refuses such a workflow: no job of it runs, and references made of its matrix
      // values are not judged (the warning says so).
      const range = (matrix as { range?: [number, number] } | undefined)?.range ?? [0, 0];
      out.diagnostics.push({
        code: inputCodes.badReference,
        severity: 'warning',
        message: `job '${job}': strategy.matrix makes ${combinations.tooMany} combinations; GitHub runs at most ${githubMatrixLimit} and rejects this workflow, so its matrix values are not judged`,
        location: y.index.range(file, range[0], range[1]),
      });
      jobs = [];
    } else jobs = combinations?.jobs;
    const jobCtx: JobContext = { y, matrix, jobs, env: envMap(y, root, jobNode), allowEnv: false, inputs };

    const container = mapGet(y, jobNode, 'container');
    const containerImage = scalarText(y, container) ?? scalarText(y, mapGet(y, container, 'image'));
    if (containerImage) imageReferences('gha-container', containerImage, job, jobCtx);
    for (const { key: service, value } of mapEntries(y, mapGet(y, jobNode, 'services'))) {
      const image = scalarText(y, mapGet(y, value, 'image'));
      if (image) imageReferences('gha-service', image, job, jobCtx, service);
    }

    dockerSteps(y, file, mapGet(y, jobNode, 'steps'), stage, job, out.references);
    setupPythonSteps(y, file, mapGet(y, jobNode, 'steps'), stage, job, out, (step) => ({
      y,
      matrix,
      jobs,
      env: envMap(y, root, jobNode, step),
      allowEnv: true,
      inputs,
    }));
  }
  return out;
}

const dockerPrefix = 'docker://';

/**
 * The image of a `docker://` value (a step's `uses:` or a Docker action's `runs.image:`), with the
 * range of the name after the prefix. Only a value written plainly (no quotes, escapes or folding
 * between the prefix and the name) gets a reference: then its range points at the text to judge and
 * to edit.
 */
function dockerImageReference(
  y: ParsedYaml,
  file: string,
  value: ScalarText | undefined,
  kind: 'gha-action-image' | 'gha-step-image',
  stage: Stage,
): ExtractedReference | undefined {
  const start = value?.range.startOffset;
  const end = value?.range.endOffset;
  if (!value || start === undefined || end === undefined || !value.text.startsWith(dockerPrefix))
    return undefined;
  if (y.index.text.slice(start, end) !== value.text) return undefined;
  return {
    kind,
    file,
    range: y.index.range(file, start + dockerPrefix.length, end),
    text: value.text.slice(dockerPrefix.length),
    stage,
  };
}

/** The steps of a list that run a container image (`uses: docker://...`). */
function dockerSteps(
  y: ParsedYaml,
  file: string,
  steps: unknown,
  stage: Stage,
  job: string | undefined,
  into: ExtractedReference[],
): void {
  for (const step of seqItems(y, steps)) {
    const ref = dockerImageReference(
      y,
      file,
      scalarText(y, mapGet(y, step, 'uses')),
      'gha-step-image',
      stage,
    );
    if (!ref) continue;
    if (job !== undefined) ref.job = job;
    into.push(ref);
  }
}

/**
 * The non-blank lines of a setup-python value written on several lines, trimmed, each with its
 * range: its own place in a literal block (`|`), else (folded, quoted) the whole value's.
 */
function blockLines(y: ParsedYaml, node: Scalar, value: ScalarText): { text: string; range: SourceRange }[] {
  const placement = scalarPlacement(y, node, value.text);
  const lines = new LineIndex(value.text);
  const out: { text: string; range: SourceRange }[] = [];
  for (let i = 0; i < lines.lineCount; i++) {
    const raw = lines.lineText(i);
    const text = raw.trim();
    if (text === '') continue;
    if (placement.kind === 'whole') {
      out.push({ text, range: placement.range });
      continue;
    }
    const start =
      placement.host.offsetAt(placement.line + i, placement.column) + raw.length - raw.trimStart().length;
    out.push({ text, range: placement.host.range(y.file, start, start + text.length) });
  }
  return out;
}

/**
 * Pragmas written inside a setup-python value of several lines: in a YAML block (or a quoted string)
 * `#` starts no comment, so setup-python reads such a line as a version, and the pragma silences
 * nothing. They are taken out of the file's pragmas and reported.
 */
function pragmasInsideValue(y: ParsedYaml, node: Scalar, out: WorkflowExtraction): void {
  const [start, valueEnd] = node.range!;
  // From the line after the block's header (or the opening quote) to the value's last line.
  const first = y.index.positionAt(start).line + 1;
  const last = y.index.positionAt(Math.max(start, valueEnd - 1)).line;
  if (last < first) return;
  for (let line = first; line <= last; line++) {
    const misplaced = misplacedPragma(
      y.file,
      y.index,
      line,
      (written) =>
        `'#' starts no comment inside the python-version block: setup-python reads '${written}' as a version`,
      'write the versions as a list and put the pragma after one of them, or put it on the line before python-version: to silence them all',
    );
    // A block that several steps name (a YAML alias) is reported once.
    const seen = out.diagnostics.some(
      (d) => d.code === misplaced?.code && d.location?.startLine === misplaced.location?.startLine,
    );
    if (misplaced && !seen) out.diagnostics.push(misplaced);
  }
  out.pragmas = out.pragmas.filter((p) => p.line - 1 < first || p.line - 1 > last);
}

/** The `actions/setup-python` steps of a list: `python-version` (expanded) and `python-version-file`. */
function setupPythonSteps(
  y: ParsedYaml,
  file: string,
  steps: unknown,
  stage: Stage,
  job: string | undefined,
  out: WorkflowExtraction,
  contextOf: (step: unknown) => JobContext,
): void {
  const into = out.versions;
  for (const step of seqItems(y, steps)) {
    const uses = scalarText(y, mapGet(y, step, 'uses'));
    if (!uses || !isSetupPython(uses.text)) continue;
    const withNode = mapGet(y, step, 'with');
    const stepCtx = contextOf(step);
    const versionNode = mapGet(y, withNode, 'python-version');
    const versionScalar = scalarText(y, versionNode);
    const listItems = versionScalar ? [] : seqItems(y, versionNode).map((n) => scalarText(y, n));
    if (versionScalar || listItems.length > 0) {
      const range: SourceRange = versionScalar
        ? versionScalar.range
        : y.index.range(file, versionNode!.range![0], versionNode!.range![1]);
      const written = versionScalar
        ? versionScalar.text
        : y.index.text.slice(range.startOffset, range.endOffset);
      // A value on several lines (setup-python takes one version a line) or a list: each line or
      // item is a part of the statement, at its place when the file shows it as written.
      const severalLines = versionScalar !== undefined && /[\r\n]/.test(versionScalar.text);
      if (severalLines) pragmasInsideValue(y, deref(y, versionNode) as Scalar, out);
      const entries = versionScalar
        ? severalLines
          ? blockLines(y, deref(y, versionNode) as Scalar, versionScalar)
          : [{ text: versionScalar.text, range: versionScalar.range }]
        : listItems.filter((s): s is ScalarText => s !== undefined);
      const statement: VersionStatement = { kind: 'setup-python', file, range, text: written, stage };
      const numbers = (versionScalar ? [versionScalar] : listItems).filter(
        (x): x is ScalarText & { readAs: string } => x?.readAs !== undefined,
      );
      if (numbers.length > 0) {
        statement.yamlNumbers = numbers.map((x) => ({ written: x.text, readAs: x.readAs, range: x.range }));
      }
      if (job !== undefined) statement.job = job;
      const versions: string[] = [];
      const origins: ValueOrigin[] = [];
      const unresolved: string[] = [];
      const parts: StatementPart[] = [];
      for (const entry of entries) {
        const expanded = expand(stepCtx, entry.text);
        unresolved.push(...expanded.unresolved);
        const named: string[] = [];
        for (const v of expanded.values) {
          if (!versions.includes(v.value)) versions.push(v.value);
          if (!named.includes(v.value)) named.push(v.value);
          origins.push(...v.origins);
        }
        parts.push({ text: entry.text, range: entry.range, versions: named });
      }
      if (!versionScalar || severalLines) statement.parts = parts;
      if (unresolved.length > 0) statement.unresolved = [...new Set(unresolved)];
      if (versions.length > 0) statement.versions = versions;
      if (origins.length > 0) statement.origins = origins;
      into.push(statement);
    }
    const fileScalar = scalarText(y, mapGet(y, withNode, 'python-version-file'));
    if (fileScalar) {
      into.push({
        kind: 'setup-python-file',
        file,
        range: fileScalar.range,
        text: fileScalar.text,
        stage,
        ...(job !== undefined ? { job } : {}),
      });
    }
  }
}

/**
 * An action of the repository (`action.yml`): a composite action's `actions/setup-python` steps, with
 * `${{ inputs.x }}` taken from the input's default, and a Docker container action's
 * `runs.image: docker://...`.
 */
export function extractGithubAction(
  file: string,
  text: string,
  options: WorkflowOptions = {},
): WorkflowExtraction {
  const { out, y, stage } = startReading(file, text, options);
  if (!y) return out;
  const root = y.doc.contents;
  const runs = mapGet(y, root, 'runs');
  const using = scalarText(y, mapGet(y, runs, 'using'))?.text.toLowerCase();
  if (using === 'composite') {
    const inputs = inputDefaults(y, mapGet(y, root, 'inputs'));
    dockerSteps(y, file, mapGet(y, runs, 'steps'), stage, undefined, out.references);
    setupPythonSteps(y, file, mapGet(y, runs, 'steps'), stage, undefined, out, (step) => ({
      y,
      matrix: undefined,
      env: envMap(y, step),
      allowEnv: true,
      inputs,
    }));
  } else if (using === 'docker') {
    const ref = dockerImageReference(
      y,
      file,
      scalarText(y, mapGet(y, runs, 'image')),
      'gha-action-image',
      stage,
    );
    if (ref) out.references.push(ref);
  }
  return out;
}
