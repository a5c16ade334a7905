/**
 * The report recommends what `pybase recommend` recommends: it reads the project the same way
 * (configuration, dependency file, package index, cache), for the library and the command line.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPort, type IndexServer, startIndexServer } from '../../test/support/index-server.js';
import { captureIo } from '../../test/support/run-main.js';
import { createCatalog } from '../catalog/catalog.js';
import { main } from '../cli/main.js';
import { loadConfig, recommendPolicyOf } from '../config/index.js';
import { recommendProject } from '../recommend/project.js';
import { createDefaultFetcher } from '../sources/http.js';
import { createIndexClient } from '../sources/package-index.js';
import { renderHtmlReport } from './html.js';
import { buildReportData } from './report-data.js';

const date = '2026-08-20';
const corpus = (name: string) => path.resolve('..', 'shared', 'corpus', 'lockfiles', name);

/** stage -> tag and reference, the part of a recommendation both outputs show. */
function picks(recs: readonly { stage: string; tag?: string; reference?: string }[]) {
  return Object.fromEntries(recs.map((r) => [r.stage, { tag: r.tag, reference: r.reference }]));
}

/**
 * A package index holding scikit-learn 1.5.0 with wheels for CPython 3.12 only: a requirements file
 * pinning it names no files, so only a look-up tells that 3.12 is the Python to use.
 */
async function scikitIndex(): Promise<IndexServer> {
  return startIndexServer({
    projects: [
      {
        name: 'scikit-learn',
        versions: ['1.5.0'],
        files: [
          {
            filename: 'scikit_learn-1.5.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl',
            requiresPython: '>=3.9',
          },
          {
            filename: 'scikit_learn-1.5.0-cp312-cp312-manylinux_2_17_aarch64.manylinux2014_aarch64.whl',
            requiresPython: '>=3.9',
          },
        ],
      },
    ],
  });
}

/** The pure-Python web app with `libc = "musl"` in its pybase.toml: the policy decides for alpine. */
function muslProject(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'pybase-report-musl-'));
  cpSync('test/fixtures/report-web', dir, { recursive: true });
  writeFileSync(path.join(dir, 'pybase.toml'), '[policy]\nlibc = "musl"\n');
  return dir;
}

describe('the report recommends what recommend recommends (library)', () => {
  const projects = [
    'test/fixtures/report-web',
    'test/fixtures/report-data',
    'test/fixtures/report-torch',
    'test/fixtures/recommend-flask-app',
    'test/fixtures/recommend-numpy-pin',
    'test/fixtures/deps-rule-alpine',
    'test/fixtures/deps-requirements',
    'examples/reports-api',
    corpus('fastapi__full-stack-fastapi-template'),
    corpus('healthchecks__healthchecks'),
    corpus('1229984599__fastapi-tortoise-rbac'),
  ];
  for (const project of [...projects, 'a policy from pybase.toml']) {
    it(path.basename(project), async () => {
      const root = projects.includes(project) ? project : muslProject();
      const policy = recommendPolicyOf(await loadConfig(root));
      const catalog = createCatalog();
      const expected = await recommendProject(root, { catalog, date, policy, offline: true });
      const data = await buildReportData(root, { date, catalog, policy, offline: true });
      expect(expected.recommendations.length).toBeGreaterThan(0);
      expect(picks(data.recommendations)).toEqual(picks(expected.recommendations));
    });
  }

  describe('with a package index', () => {
    let server: IndexServer;
    let dir: string;
    beforeAll(async () => {
      server = await scikitIndex();
      dir = mkdtempSync(path.join(tmpdir(), 'pybase-report-index-'));
      writeFileSync(path.join(dir, 'requirements.txt'), 'scikit-learn==1.5.0\n');
    });
    afterAll(async () => {
      await server?.close();
    });

    it('looks the files up as recommend does, and both pick Python 3.12', async () => {
      const fetcher = createDefaultFetcher();
      try {
        const index = createIndexClient({ indexUrl: server.indexUrl, fetcher });
        const catalog = createCatalog();
        const expected = await recommendProject(dir, { catalog, date, index });
        const data = await buildReportData(dir, { date, catalog, index });
        expect(server.hits('/simple/scikit-learn/')).toBeGreaterThan(0);
        expect(picks(data.recommendations)).toEqual(picks(expected.recommendations));
        expect(data.recommendations.find((r) => r.stage === 'prod')?.tag).toMatch(/^3\.12\./);
        expect(data.heatmap.incomplete).toBe(false);
        const html = renderHtmlReport(data);
        expect(html).not.toContain('offline');
      } finally {
        await fetcher.close();
      }
    });
  });
});

describe('pybase report and pybase recommend agree (command line)', () => {
  let server: IndexServer;
  let dir: string;
  let work: string;
  beforeAll(async () => {
    server = await scikitIndex();
    dir = mkdtempSync(path.join(tmpdir(), 'pybase-report-cli-'));
    writeFileSync(path.join(dir, 'requirements.txt'), 'scikit-learn==1.5.0\n');
    writeFileSync(path.join(dir, 'pybase.toml'), `index-url = "${server.indexUrl}"\n`);
    work = mkdtempSync(path.join(tmpdir(), 'pybase-report-out-'));
  });
  afterAll(async () => {
    await server?.close();
  });

  const env = () => ({ XDG_CACHE_HOME: mkdtempSync(path.join(tmpdir(), 'pybase-cache-')) });

  /** The reference per stage of `pybase recommend --format json` (offline: no registry either). */
  async function recommendedOffline(root: string) {
    const io = captureIo({ now: `${date}T12:00:00Z`, env: env() });
    const code = await main(['recommend', root, '--format', 'json', '--date', date, '--offline'], io);
    expect(code, io.stderr()).toBe(0);
    const json = JSON.parse(io.stdout()) as { recommendations: { stage: string; reference?: string }[] };
    return Object.fromEntries(json.recommendations.map((r) => [r.stage, r.reference]));
  }

  /** The page `pybase report` writes, and the reference it recommends per stage. */
  async function reported(root: string, extra: string[] = []) {
    const io = captureIo({ now: `${date}T12:00:00Z`, env: env() });
    const file = path.join(work, `r-${Math.random().toString(36).slice(2)}.html`);
    const code = await main(['report', root, '--html', file, '--date', date, ...extra], io);
    expect(code, io.stderr()).toBe(0);
    const html = readFileSync(file, 'utf8');
    const references: Record<string, string> = {};
    for (const m of html.matchAll(
      /<section class="rec" data-stage="([^"]+)"><h3>[^<]*<\/h3><div class="ref"><code id="ref-\d+">([^<]+)<\/code>/g,
    )) {
      references[m[1]!] = m[2]!;
    }
    return { html, references };
  }

  it('asks the index named in pybase.toml, as recommend does, and recommends the same images', async () => {
    const before = server.hits('/simple/scikit-learn/');
    const { html, references } = await reported(dir);
    expect(server.hits('/simple/scikit-learn/')).toBeGreaterThan(before);
    expect(html).not.toContain('pybase is offline');
    expect(html).not.toContain('Some verdicts are unknown');
    // What 'pybase recommend' computes with the index its configuration names (the command would
    // also ask Docker Hub for the production digest, which a test cannot).
    const fetcher = createDefaultFetcher();
    try {
      const config = await loadConfig(dir);
      const index = createIndexClient({ indexUrl: config.indexUrl!, fetcher });
      const expected = await recommendProject(dir, {
        catalog: createCatalog(),
        date,
        policy: recommendPolicyOf(config),
        index,
      });
      const prod = expected.recommendations.find((r) => r.stage === 'prod');
      expect(prod?.tag).toMatch(/^3\.12\./);
      expect(references).toEqual(
        Object.fromEntries(expected.recommendations.map((r) => [r.stage, r.reference])),
      );
    } finally {
      await fetcher.close();
    }
  });

  it('--offline asks nothing, says the verdicts were not looked up, and agrees with recommend --offline', async () => {
    const before = server.requests.length;
    const { html, references } = await reported(dir, ['--offline']);
    expect(server.requests.length).toBe(before);
    expect(html).toContain('they were not looked up (pybase was offline)');
    expect(references).toEqual(await recommendedOffline(dir));
  });

  it('a failed look-up: the page says so, stderr names the host, exit 2 as for recommend', async () => {
    const port = await closedPort();
    const io = captureIo({ now: `${date}T12:00:00Z`, env: env() });
    const file = path.join(work, 'failed.html');
    const argv = [
      'report',
      dir,
      '--html',
      file,
      '--date',
      date,
      '--index-url',
      `http://127.0.0.1:${port}/simple/`,
    ];
    expect(await main([...argv, '--timeout', '10'], io)).toBe(2);
    expect(io.stderr()).toContain(`127.0.0.1:${port}`);
    expect(readFileSync(file, 'utf8')).toContain('the index look-up failed');
  });

  it("applies the project's configured policy as recommend does", async () => {
    const root = muslProject();
    const { references } = await reported(root, ['--offline']);
    expect(references.prod).toMatch(/alpine/);
    expect(references).toEqual(await recommendedOffline(root));
  });
});
