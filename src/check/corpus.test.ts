/**
 * Every record of the real-world corpus (shared/corpus/image-refs.json), placed in a file of its
 * kind, is checked at a fixed date without a crash; every python reference is judged or reported
 * as PB009; the count of findings per code is kept as a snapshot so changes show in review.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createCatalog } from '../catalog/catalog.js';
import { tryParseReference } from '../catalog/reference.js';
import { extractCompose } from '../files/compose/extract.js';
import { extractDockerfile } from '../files/dockerfile/extract.js';
import { extractGithubWorkflow } from '../files/github-actions/extract.js';
import { extractGitlabCi } from '../files/gitlab-ci/extract.js';
import { extractVersionFile } from '../files/version-files/extract.js';
import type { Extraction } from '../model/project.js';
import { mayBePython, runCheck } from './check.js';

interface CorpusRecord {
  repo: string;
  file: string;
  line: number;
  kind: string;
  text?: string;
  reference?: string;
  arg_defaults?: Record<string, { value: string | null; line: number; text: string }>;
  from_stage?: boolean;
  value?: string;
  values?: string[];
  context?: string;
  step_uses?: string;
}

const corpusPath = fileURLToPath(new URL('../../../shared/corpus/image-refs.json', import.meta.url));
const records = JSON.parse(readFileSync(corpusPath, 'utf8')) as CorpusRecord[];
const date = '2026-11-27';

function emptyExtraction(file: string): Extraction {
  return { files: [file], references: [], stageBases: [], versions: [], pragmas: [], diagnostics: [] };
}

/** The record written into a minimal file of its kind and extracted; undefined when not rebuildable. */
function extractionOf(r: CorpusRecord): Extraction | undefined {
  if (r.kind === 'dockerfile-from') {
    if (r.from_stage || r.reference === 'scratch') return undefined;
    const placed = new Map<number, string>();
    for (const arg of Object.values(r.arg_defaults ?? {})) placed.set(arg.line, arg.text);
    const line = placed.has(r.line) ? Math.max(...placed.keys()) + 1 : r.line;
    placed.set(line, r.text!);
    const last = Math.max(...placed.keys());
    const lines: string[] = [];
    for (let n = 1; n <= last; n++) lines.push(placed.get(n) ?? '# ...');
    const out = extractDockerfile('Dockerfile', `${lines.join('\n')}\n`);
    return { ...emptyExtraction('Dockerfile'), ...out };
  }
  if (r.kind === 'compose-image') {
    const out = extractCompose('compose.yaml', `services:\n  app:\n    ${r.text}\n`);
    return {
      ...emptyExtraction('compose.yaml'),
      references: out.references,
      pragmas: out.pragmas,
      diagnostics: out.diagnostics,
    };
  }
  if (r.kind === 'gitlab-ci-image') {
    const out = extractGitlabCi('.gitlab-ci.yml', `test:\n  script: [pytest]\n  ${r.text}\n`);
    return { ...emptyExtraction('.gitlab-ci.yml'), ...out };
  }
  const wf = '.github/workflows/ci.yml';
  if (r.kind === 'gha-container' || r.kind === 'gha-image') {
    const text = r.text!.startsWith('image:')
      ? `jobs:\n  t:\n    runs-on: ubuntu-latest\n    container:\n      ${r.text}\n`
      : `jobs:\n  t:\n    runs-on: ubuntu-latest\n    ${r.text}\n`;
    return { ...emptyExtraction(wf), ...extractGithubWorkflow(wf, text) };
  }
  if (r.kind === 'gha-python-version' && r.context === 'setup-python-with' && r.step_uses) {
    const text = `jobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ${r.step_uses}\n        with:\n          ${r.text}\n`;
    return { ...emptyExtraction(wf), ...extractGithubWorkflow(wf, text) };
  }
  if (r.kind === 'python-version-file') {
    const out = extractVersionFile('python-version', '.python-version', `${(r.values ?? []).join('\n')}\n`);
    return { ...emptyExtraction('.python-version'), ...out };
  }
  return undefined;
}

describe('corpus', () => {
  it('checks every record without a crash; python references are judged or PB009', async () => {
    const catalog = createCatalog();
    const counts: Record<string, number> = {};
    const failures: string[] = [];
    let checked = 0;
    for (const r of records) {
      const extraction = extractionOf(r);
      if (!extraction) continue;
      checked++;
      const result = await runCheck('.', { date, extraction, catalog });
      for (const d of result.findings) counts[d.code] = (counts[d.code] ?? 0) + 1;
      for (const ref of extraction.references) {
        const line = ref.range.startLine;
        const at = (code: string) =>
          result.findings.some((d) => d.code === code && d.location?.startLine === line);
        if (ref.unresolved?.length) {
          if (mayBePython(ref.text) && !at('PB009'))
            failures.push(`${r.repo} ${r.file}:${r.line} '${ref.text}' unresolved without PB009`);
          continue;
        }
        const image = tryParseReference(ref.resolved ?? ref.text);
        if (!image?.isPython) continue;
        // Judged: a python tag with a status at the date (then PB005 at least in prod), or PB006.
        const judged = image.python !== undefined || at('PB006');
        if (!judged) failures.push(`${r.repo} ${r.file}:${r.line} '${ref.text}' not judged`);
      }
      for (const d of result.findings) {
        if (!d.location || d.location.startLine < 1) failures.push(`${r.repo}: ${d.code} without a location`);
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(600);
    const sorted = Object.fromEntries(Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : 1)));
    expect({ date, records: records.length, checked, findingsPerCode: sorted }).toMatchSnapshot();
  }, 120_000);
});
