/**
 * Every record of the real-world corpus (shared/corpus/image-refs.json) is written into a file of
 * its kind and extracted again: the extractor must find the same reference text (and the same
 * resolved value where the corpus resolved ARG defaults) at the line where it was written.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { extractCompose } from './compose/extract.js';
import { extractDockerfile } from './dockerfile/extract.js';
import { extractGithubWorkflow } from './github-actions/extract.js';
import { extractGitlabCi } from './gitlab-ci/extract.js';
import { extractVersionFile } from './version-files/extract.js';

interface ArgDefault {
  value: string | null;
  line: number;
  text: string;
}

interface CorpusRecord {
  repo: string;
  file: string;
  line: number;
  kind: string;
  text?: string;
  reference?: string;
  resolved_reference?: string;
  arg_defaults?: Record<string, ArgDefault>;
  platform?: string;
  stage?: string;
  from_stage?: boolean;
  key?: string;
  value?: string;
  values?: string[];
  context?: string;
  step_uses?: string;
}

const corpusPath = fileURLToPath(new URL('../../../shared/corpus/image-refs.json', import.meta.url));
const records = JSON.parse(readFileSync(corpusPath, 'utf8')) as CorpusRecord[];

/** Lines placed at given 1-based line numbers, gaps filled with comments. */
function placeLines(placed: Map<number, string>): string {
  const last = Math.max(...placed.keys());
  const lines: string[] = [];
  for (let n = 1; n <= last; n++) lines.push(placed.get(n) ?? '# ...');
  return `${lines.join('\n')}\n`;
}

type Check = { ok: true } | { ok: false; why: string };
const ok: Check = { ok: true };
const fail = (why: string): Check => ({ ok: false, why });

function checkDockerfile(r: CorpusRecord): Check {
  const placed = new Map<number, string>();
  for (const arg of Object.values(r.arg_defaults ?? {})) placed.set(arg.line, arg.text);
  let line = r.line;
  if (r.from_stage) {
    // The stage it names must exist before it: define it on a free line, or append both.
    const free = [...Array(Math.max(r.line - 1, 0)).keys()].map((i) => i + 1).find((n) => !placed.has(n));
    const stageLine = `FROM scratch AS ${r.reference}`;
    if (free !== undefined) placed.set(free, stageLine);
    else {
      line = Math.max(r.line, ...placed.keys()) + 2;
      placed.set(line - 1, stageLine);
    }
  }
  if (placed.has(line)) line = Math.max(...placed.keys()) + 1;
  placed.set(line, r.text!);
  const text = placeLines(placed);
  const out = extractDockerfile('Dockerfile', text);
  if (out.diagnostics.length > 0)
    return fail(`diagnostics: ${out.diagnostics.map((d) => d.message).join('; ')}`);
  if (r.from_stage || r.reference === 'scratch') {
    const base = out.stageBases.find((b) => b.range.startLine === line && b.text === r.reference);
    return base ? ok : fail(`no stage base ${r.reference} at line ${line}`);
  }
  const ref = out.references.find((x) => x.kind === 'dockerfile-from' && x.range.startLine === line);
  if (!ref) return fail(`no FROM reference at line ${line}`);
  if (ref.text !== r.reference) return fail(`text ${ref.text} != ${r.reference}`);
  if (text.slice(ref.range.startOffset, ref.range.endOffset) !== r.reference)
    return fail('range does not cover the text');
  if (r.resolved_reference !== undefined && ref.resolved !== r.resolved_reference) {
    return fail(`resolved ${ref.resolved} != ${r.resolved_reference}`);
  }
  if (r.platform !== undefined && ref.platform !== r.platform)
    return fail(`platform ${ref.platform} != ${r.platform}`);
  if (r.stage !== undefined && ref.dockerStage?.name !== r.stage)
    return fail(`stage name ${ref.dockerStage?.name}`);
  // An ARG without a default leaves the reference unresolved, never silently resolved.
  const empty = Object.entries(r.arg_defaults ?? {}).filter(([, a]) => a.value === null);
  if (empty.length > 0 && r.resolved_reference === undefined && ref.resolved !== undefined) {
    return fail(`resolved ${ref.resolved} though ${empty.map(([n]) => n).join(',')} has no value`);
  }
  return ok;
}

function checkImageYaml(r: CorpusRecord): Check {
  let text: string;
  let line: number;
  let refs: { text: string; range: { startLine: number } }[];
  if (r.kind === 'compose-image') {
    text = `services:\n  app:\n    ${r.text}\n`;
    line = 3;
    refs = extractCompose('compose.yaml', text).references;
  } else if (r.kind === 'gitlab-ci-image') {
    text = `test:\n  script: [pytest]\n  ${r.text}\n`;
    line = 3;
    refs = extractGitlabCi('.gitlab-ci.yml', text).references;
  } else if (r.text!.startsWith('image:')) {
    text = `jobs:\n  t:\n    runs-on: ubuntu-latest\n    container:\n      ${r.text}\n`;
    line = 5;
    refs = extractGithubWorkflow('.github/workflows/ci.yml', text).references;
  } else {
    text = `jobs:\n  t:\n    runs-on: ubuntu-latest\n    ${r.text}\n`;
    line = 4;
    refs = extractGithubWorkflow('.github/workflows/ci.yml', text).references;
  }
  const ref = refs.find((x) => x.range.startLine === line);
  if (!ref) return fail(`no reference at line ${line}`);
  return ref.text === r.reference ? ok : fail(`text ${ref.text} != ${r.reference}`);
}

/** A workflow whose setup-python step reads the record's matrix line through `${{ matrix.<key> }}`. */
function checkMatrix(r: CorpusRecord): Check {
  const key = r.key!;
  const body: string[] = ['jobs:', '  t:', '    runs-on: ubuntu-latest', '    strategy:', '      matrix:'];
  let expression = `matrix.${key}`;
  const written = r.text!.trim();
  if (r.context === 'other:image') {
    body.push('        image:', '          - name: x', `            ${written}`);
    expression = `matrix.image.${key}`;
  } else if (written.startsWith('- ')) {
    body.push('        include:', `          ${written}`);
  } else if (r.values === undefined) {
    body.push('        include:', `          - ${written}`);
  } else {
    body.push(`        ${written}`);
    if (written.endsWith(':')) for (const v of r.values) body.push(`          - "${v}"`);
  }
  const matrixLine = body.findIndex((l) => l.trim() === written || l.trim() === `- ${written}`) + 1;
  body.push(
    '    steps:',
    '      - uses: actions/setup-python@v5',
    '        with:',
    `          python-version: \${{ ${expression} }}`,
  );
  const out = extractGithubWorkflow('.github/workflows/ci.yml', `${body.join('\n')}\n`);
  const statement = out.versions.find((v) => v.kind === 'setup-python');
  if (!statement) return fail('no setup-python statement');
  const expected = r.values ?? [r.value!];
  const got = statement.versions ?? [];
  if (expected.join('|') !== got.join('|')) return fail(`versions ${got.join(',')} != ${expected.join(',')}`);
  const originLines = new Set(statement.origins?.map((o) => o.range?.startLine));
  const flow = !written.endsWith(':');
  if (flow && !(originLines.size === 1 && originLines.has(matrixLine))) {
    return fail(`origins at ${[...originLines].join(',')} not line ${matrixLine}`);
  }
  return ok;
}

function checkSetupPythonWith(r: CorpusRecord): Check {
  const text = [
    'jobs:',
    '  t:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    `      - uses: ${r.step_uses}`,
    '        with:',
    `          ${r.text}`,
    '',
  ].join('\n');
  const out = extractGithubWorkflow('.github/workflows/ci.yml', text);
  const kind = r.key === 'python-version-file' ? 'setup-python-file' : 'setup-python';
  const statement = out.versions.find((v) => v.kind === kind && v.range.startLine === 7);
  if (!statement) return fail(`no ${kind} statement at line 7`);
  if (statement.text !== r.value) return fail(`text ${statement.text} != ${r.value}`);
  const literal = !r.value!.includes('${{') && kind === 'setup-python';
  if (literal && statement.versions?.join() !== r.value) return fail(`versions ${statement.versions}`);
  return ok;
}

function checkPythonVersionFile(r: CorpusRecord): Check {
  const text = `${r.values!.join('\n')}\n`;
  const out = extractVersionFile('python-version', '.python-version', text);
  const got = out.versions.flatMap((v) => v.versions ?? []);
  if (got.join('|') !== r.values!.join('|')) return fail(`versions ${got.join(',')}`);
  return out.versions[0]?.range.startLine === r.line ? ok : fail('first version not on the recorded line');
}

/** Records whose stored line alone cannot rebuild the statement (the list continues on lines not stored). */
function notRebuildable(r: CorpusRecord): string | undefined {
  if (r.kind === 'gha-python-version' && r.text?.trim().endsWith('[') && (r.values?.length ?? 0) === 0) {
    return 'flow list continues on lines the corpus does not store';
  }
  if (r.kind === 'gha-python-version' && r.value === '|') return 'block scalar body not stored';
  return undefined;
}

function check(r: CorpusRecord): Check {
  switch (r.kind) {
    case 'dockerfile-from':
      return checkDockerfile(r);
    case 'compose-image':
    case 'gitlab-ci-image':
    case 'gha-container':
      return checkImageYaml(r);
    case 'gha-python-version':
      return r.context === 'setup-python-with' ? checkSetupPythonWith(r) : checkMatrix(r);
    case 'python-version-file':
      return checkPythonVersionFile(r);
    default:
      return fail(`unknown record kind ${r.kind}`);
  }
}

describe('corpus of real image references', () => {
  it('holds the records the corpus README describes', () => {
    expect(records.length).toBe(880);
  });

  it('extracts every rebuildable record with the same text, resolved value and line', () => {
    const failures: string[] = [];
    let checked = 0;
    const skipped: string[] = [];
    for (const r of records) {
      const reason = notRebuildable(r);
      if (reason) {
        skipped.push(`${r.repo}:${r.file}:${r.line} (${reason})`);
        continue;
      }
      checked++;
      const result = check(r);
      if (!result.ok) failures.push(`${r.repo}:${r.file}:${r.line} ${r.kind} '${r.text}': ${result.why}`);
    }
    expect(failures).toEqual([]);
    expect(skipped.length).toBeLessThanOrEqual(3);
    expect(checked).toBe(records.length - skipped.length);
  });

  it('resolves every ARG-templated record the corpus resolved', () => {
    const templated = records.filter((r) => r.resolved_reference !== undefined);
    expect(templated.length).toBeGreaterThanOrEqual(100);
    expect(templated.filter((r) => !check(r).ok)).toEqual([]);
  });

  it('fails when a record is altered, so the comparison is real', () => {
    const byKind = new Map<string, CorpusRecord>();
    for (const r of records)
      if (!notRebuildable(r) && !byKind.has(r.kind + (r.context ?? '')))
        byKind.set(r.kind + (r.context ?? ''), r);
    for (const r of byKind.values()) {
      const altered: CorpusRecord =
        r.kind === 'python-version-file'
          ? { ...r, line: r.line + 1 }
          : r.reference !== undefined
            ? { ...r, reference: `${r.reference}-x` }
            : r.values !== undefined && r.values.length > 0
              ? { ...r, values: [...r.values, '9.99'] }
              : { ...r, value: `${r.value}-x` };
      expect(check(altered).ok, `${r.kind} ${r.context ?? ''}`).toBe(false);
    }
    const templated = records.find((r) => r.resolved_reference !== undefined)!;
    expect(check({ ...templated, resolved_reference: 'python:0.0' }).ok).toBe(false);
    expect(byKind.size).toBeGreaterThanOrEqual(7);
  });
});
