import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpusDir, requireShared } from '../../test/support/paths.js';
import { tempDirs } from '../../test/support/temp-dirs.js';
import { createCatalog } from '../catalog/catalog.js';
import { parseIsoDate } from '../model/date.js';
import { decisionDir } from './decision-cache.js';
import { type RecommendProjectOptions, recommendProject } from './project.js';
import { renderRecommendJson, renderRecommendMarkdown, renderRecommendText } from './render.js';

const repo = path.resolve(import.meta.dirname, '../..');
const fixtures = path.join(repo, 'test/fixtures');
const catalog = createCatalog();
const date = parseIsoDate('2026-08-13');

const temps = tempDirs();

/** A copy of a project, so its files can be changed. */
function copy(from: string): string {
  const dir = temps.make('pybase-decisions-project-');
  cpSync(from, dir, { recursive: true });
  return dir;
}

function options(cacheDir: string | undefined, extra: Partial<RecommendProjectOptions> = {}) {
  return { catalog, date, offline: true, ...(cacheDir ? { cacheDir } : {}), ...extra };
}

function stored(cacheDir: string): string[] {
  try {
    return readdirSync(decisionDir(cacheDir)).filter((f) => f.endsWith('.json'));
  } catch {
    return [];
  }
}

/** Mark the one stored entry, so that a run answered from it can be told from one that decides. */
function markEntry(cacheDir: string): void {
  const [name] = stored(cacheDir);
  if (!name) throw new Error('no stored decisions');
  const file = path.join(decisionDir(cacheDir), name);
  const entry = JSON.parse(readFileSync(file, 'utf8'));
  entry.decisions.recommendations[0].why = 'MARKED';
  writeFileSync(file, JSON.stringify(entry));
}

const renders = [renderRecommendText, renderRecommendJson, renderRecommendMarkdown];

describe('recommendProject with a cache directory', () => {
  it('answers a repeated run from the stored decisions, word for word as deciding again', async () => {
    const cache = temps.make('pybase-decisions-cache-');
    const root = copy(path.join(repo, 'examples/reports-api'));
    const first = await recommendProject(root, options(cache));
    expect(stored(cache)).toHaveLength(1);
    const again = await recommendProject(root, options(cache));
    const fresh = await recommendProject(root, options(undefined));
    for (const render of renders) {
      expect(render(again)).toBe(render(fresh));
      expect(render(first)).toBe(render(fresh));
    }
    markEntry(cache);
    const marked = await recommendProject(root, options(cache));
    expect(marked.recommendations[0]?.why).toBe('MARKED');
  });

  it('decides again when the project, the policy, the stages or the reports change', async () => {
    const cache = temps.make('pybase-decisions-cache-');
    const root = copy(path.join(repo, 'examples/reports-api'));
    await recommendProject(root, options(cache));
    markEntry(cache);
    const changes: [string, Partial<RecommendProjectOptions>][] = [
      ['policy', { policy: { libc: 'glibc' } }],
      ['stages', { stages: ['ci'] }],
      ['architectures', { archs: ['amd64'] }],
      ['date', { date: parseIsoDate('2026-09-01') }],
      [
        'vulnerabilities',
        {
          vulnerabilities: [
            {
              scanner: 'trivy',
              file: 'scan.json',
              image: 'python:3.12-slim',
              counts: { critical: 1, high: 0, medium: 0, low: 0, negligible: 0, unknown: 0 },
            },
          ],
        },
      ],
    ];
    for (const [what, extra] of changes) {
      const r = await recommendProject(root, options(cache, extra));
      expect(r.recommendations[0]?.why, what).not.toBe('MARKED');
    }
    // A changed Dockerfile (its references are read anew on every run) is another project.
    const dockerfile = path.join(root, 'Dockerfile');
    writeFileSync(
      dockerfile,
      readFileSync(dockerfile, 'utf8').replace(/FROM python:\S+/, 'FROM python:3.11-slim'),
    );
    const edited = await recommendProject(root, options(cache));
    expect(edited.recommendations.every((r) => r.why !== 'MARKED')).toBe(true);
    // So is a changed lock.
    const lock = path.join(root, 'uv.lock');
    writeFileSync(lock, `${readFileSync(lock, 'utf8')}\n`);
    await recommendProject(root, options(cache));
    expect(stored(cache).length).toBeGreaterThanOrEqual(changes.length + 2);
  });

  it('ignores a corrupt entry and writes it anew', async () => {
    const cache = temps.make('pybase-decisions-cache-');
    const root = copy(path.join(repo, 'examples/reports-api'));
    const first = await recommendProject(root, options(cache));
    const [name] = stored(cache);
    const file = path.join(decisionDir(cache), name ?? '');
    for (const broken of ['{"format":1', '{"format":1,"key":"x","inputs":[],"decisions":{}}', 'null']) {
      writeFileSync(file, broken);
      const r = await recommendProject(root, options(cache));
      expect(renderRecommendText(r)).toBe(renderRecommendText(first));
      expect(JSON.parse(readFileSync(file, 'utf8')).decisions.recommendations).toHaveLength(
        first.recommendations.length,
      );
    }
  });

  it('decides again when a file a requirements file includes changes', async () => {
    const cache = temps.make('pybase-decisions-cache-');
    const root = copy(path.join(fixtures, 'deps-requirements'));
    await recommendProject(root, options(cache));
    expect(stored(cache)).toHaveLength(1);
    markEntry(cache);
    expect((await recommendProject(root, options(cache))).recommendations[0]?.why).toBe('MARKED');
    const base = path.join(root, 'sub/base.txt');
    writeFileSync(base, `${readFileSync(base, 'utf8')}\nsix==1.16.0\n`);
    expect((await recommendProject(root, options(cache))).recommendations[0]?.why).not.toBe('MARKED');
  });

  it('stores nothing without a dependency file, or when verdicts came from the package index', async () => {
    const cache = temps.make('pybase-decisions-cache-');
    const root = temps.make('pybase-decisions-nodeps-');
    writeFileSync(path.join(root, 'Dockerfile'), 'FROM python:3.12-slim\n');
    await recommendProject(root, options(cache));
    expect(stored(cache)).toEqual([]);
  });

  it('finishes stored decisions with fresh digests', async () => {
    const cache = temps.make('pybase-decisions-cache-');
    const root = copy(path.join(repo, 'examples/reports-api'));
    const resolve = (digest: string) => async () => `sha256:${digest.repeat(64)}`;
    const a = await recommendProject(root, options(cache, { resolveDigest: resolve('a') }));
    const b = await recommendProject(root, options(cache, { resolveDigest: resolve('b') }));
    const prod = (r: typeof a) => r.recommendations.find((x) => x.stage === 'prod')?.reference;
    expect(prod(a)).toMatch(/@sha256:a{64}$/);
    expect(prod(b)).toMatch(/@sha256:b{64}$/);
    const plain = await recommendProject(root, options(cache));
    expect(prod(plain)).not.toMatch(/@sha256:/);
  });
});

describe.runIf(requireShared())('stored decisions on the corpus locks', () => {
  it('render exactly as decided ones, for every lock', async () => {
    const cache = temps.make('pybase-decisions-cache-');
    const locks = readdirSync(path.join(corpusDir, 'lockfiles'), { withFileTypes: true }).filter((d) =>
      d.isDirectory(),
    );
    expect(locks.length).toBeGreaterThan(10);
    let withDeps = 0;
    for (const lock of locks) {
      const root = path.join(corpusDir, 'lockfiles', lock.name);
      const first = await recommendProject(root, options(cache));
      if (first.source) withDeps++;
      const second = await recommendProject(root, options(cache));
      for (const render of renders) expect(render(second), lock.name).toBe(render(first));
    }
    // A folder whose file pybase does not find by name (a bare main.txt) has no dependencies to store.
    expect(withDeps).toBeGreaterThan(10);
    expect(stored(cache)).toHaveLength(withDeps);
  }, 240_000);
});
