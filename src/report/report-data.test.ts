import { chmodSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { captureIo } from '../../test/support/run-main.js';
import { createCatalog } from '../catalog/catalog.js';
import { main } from '../cli/main.js';
import { recommendProject } from '../recommend/project.js';
import { renderRecommendText } from '../recommend/render.js';
import { esc, renderHtmlReport, timelineSvg } from './html.js';
import { buildReportData, type ReportData } from './report-data.js';

const date = '2026-08-20';

describe('buildReportData', () => {
  it('marks the images in use, the branch and the worst verdict per cell (torch fixture)', async () => {
    const d = await buildReportData('test/fixtures/report-torch', { date, offline: true });
    expect(d.branch).toBe('glibc');
    expect(d.current.map((c) => c.tag)).toEqual(['3.11-slim-bullseye']);
    // bullseye is no longer published at the date: no fully specified tag, but still marked in the timeline
    expect(d.current[0]?.fullTag).toBeUndefined();
    const inUse = d.timeline.bars.filter((b) => b.inUse).map((b) => b.name);
    expect(inUse).toEqual(['3.11', 'bullseye']);
    const torch = d.heatmap.rows.find((r) => r.name === 'torch');
    expect(torch).toBeDefined();
    // The lock only has cp311 wheels: every non-3.11 image is a dead end, 3.11 glibc images take the wheel.
    d.heatmap.images.forEach((img, i) => {
      const v = torch!.cells[i]!.verdict;
      if (img.python !== '3.11') expect(v).toBe('unavailable');
      else if (img.libc.startsWith('glibc')) expect(v).toBe('wheel');
    });
    expect(d.recommendations.every((r) => r.tag?.startsWith('3.11.'))).toBe(true);
    expect(d.heatmap.images.filter((i) => i.recommended).map((i) => i.tag)).toContain(
      d.recommendations[0]!.tag,
    );
  });

  it("leaves out images whose Python the project's requires-python excludes, and says so", async () => {
    const d = await buildReportData('examples/reports-api', { date: '2026-11-27', offline: true });
    expect(d.heatmap.excludedPythons).toEqual(['3.10']);
    expect(d.heatmap.images.length).toBeGreaterThan(0);
    expect(d.heatmap.images.filter((i) => i.python === '3.10')).toEqual([]);
    expect(renderHtmlReport(d)).toContain(
      "Images of Python 3.10 are left out: the project's requires-python excludes it.",
    );
  });

  it('takes the alpine branch for a pure-Python project and links findings to rule docs', async () => {
    const d = await buildReportData('test/fixtures/report-web', { date, offline: true });
    expect(d.branch).toBe('alpine');
    expect(d.heatmap.rows.every((r) => r.cells.every((c) => c.verdict === 'pure'))).toBe(true);
    expect(d.findings.map((f) => f.code)).toContain('PB001');
    for (const f of d.findings) expect(f.docUrl).toMatch(new RegExp(`${f.code}\\.md$`));
  });
});

describe('the report counts and names as recommend does', () => {
  it('counts rejected images, not reasons, as recommend does', async () => {
    const root = 'examples/reports-api';
    const catalog = createCatalog();
    const result = await recommendProject(root, { catalog, date, offline: true });
    const d = await buildReportData(root, { date, catalog, offline: true });
    const html = renderHtmlReport(d);
    for (const rec of result.recommendations) {
      const r = d.recommendations.find((x) => x.stage === rec.stage)!;
      expect(r.rejectedImages).toBe(rec.rejected.length);
      expect(r.candidateImages).toBe(rec.rejected.length + rec.candidates.length);
      // more images than reasons: counting the groups would say less
      expect(rec.rejected.length).toBeGreaterThan(rec.rejectionGroups.length);
    }
    const text = renderRecommendText(result);
    const prod = d.recommendations.find((r) => r.stage === 'prod')!;
    const counted = `${prod.rejectedImages} of ${prod.candidateImages} images`;
    expect(text).toContain(`rejected (${counted})`);
    expect(html).toContain(`<summary>Rejected (${counted})</summary>`);
  });

  it('spells the architectures as the documentation does (amd64, arm64)', async () => {
    const d = await buildReportData('test/fixtures/report-data', { date, offline: true });
    const html = renderHtmlReport(d);
    expect(html).toContain('worst verdict over amd64, arm64.');
    expect(html).not.toContain('arm64v8');
    const details = d.heatmap.rows.flatMap((r) => r.cells.map((c) => c.detail)).join('\n');
    expect(details).toMatch(/^arm64: /m);
    expect(details).not.toMatch(/^arm64v8: /m);
  });
});

describe('renderHtmlReport', () => {
  it('escapes everything user-derived', async () => {
    const d = await buildReportData('test/fixtures/report-web', { date, offline: true });
    const evil = '<img src=x onerror=alert(1)>"\'&';
    const data: ReportData = {
      ...d,
      project: evil,
      findings: [
        {
          code: 'PB001',
          severity: 'error',
          message: evil,
          file: evil,
          line: 1,
          docUrl: `https://x/"${evil}`,
        },
      ],
      current: [{ file: evil, line: 2, text: evil, stage: 'prod', tag: 'x' }],
      heatmap: {
        ...d.heatmap,
        rows: [{ name: evil, cells: d.heatmap.images.map(() => ({ verdict: 'wheel', detail: evil })) }],
      },
    };
    const html = renderHtmlReport(data);
    expect(html).not.toContain('<img');
    expect(html).not.toContain('"\'&<');
    expect(html).toContain(esc(evil));
  });

  it('needs no network: no external URL is loaded', async () => {
    const d = await buildReportData('test/fixtures/report-data', { date, offline: true });
    const html = renderHtmlReport(d);
    expect(html).not.toMatch(/<(?:link|img|iframe)\b/);
    expect(html).not.toMatch(/\bsrc=/);
    expect(html).not.toMatch(/url\(/);
  });

  it('draws the date line between the bars of the timeline', () => {
    const svg = timelineSvg({
      date: '2026-01-01',
      from: '2024-01-01',
      to: '2028-01-01',
      bars: [
        {
          kind: 'python',
          name: '3.12',
          label: 'Python 3.12',
          start: '2023-10-02',
          end: '2028-10-31',
          inUse: true,
          endOfLifeReached: false,
        },
      ],
    });
    const x = Number(/id="timeline-today" x1="([\d.]+)"/.exec(svg)?.[1]);
    // 170 px of labels, 720 px of chart for 1461 days: the date is 731 days in, half way.
    expect(x).toBeCloseTo(170 + (720 * 731) / 1461, 0);
    expect(svg).toContain('◆ in use');
  });
});

describe('pybase report (command line)', () => {
  it('writes the page, and wants --html', async () => {
    const dir = mkdtempSync(`${tmpdir()}/pybase-report-`);
    const io = captureIo({ now: '2026-08-20T12:00:00Z' });
    expect(await main(['report', 'test/fixtures/report-data'], io)).toBe(2);
    expect(io.stderr()).toContain('--html');
    const file = `${dir}/r.html`;
    expect(await main(['report', 'test/fixtures/report-data', '--html', file, '--offline'], io)).toBe(0);
    const html = readFileSync(file, 'utf8');
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('As of 2026-08-20');
    expect(await main(['report', 'test/fixtures/no-such-dir', '--html', file], io)).toBe(2);
  });

  it('refuses an output in a missing folder or on a folder before reading the project, with a hint', async () => {
    const dir = mkdtempSync(`${tmpdir()}/pybase-report-`);
    for (const [out, said, hint] of [
      [
        `${dir}/missing/r.html`,
        /report: cannot write .*missing\/r\.html: the folder .*missing does not exist/,
        /mkdir -p/,
      ],
      [dir, /report: cannot write .*: it is a directory/, /give a file name/],
    ] as const) {
      const io = captureIo({ now: '2026-08-20T12:00:00Z' });
      // The project does not exist either: the output is looked at first.
      expect(await main(['report', 'test/fixtures/no-such-dir', '--html', out, '--offline'], io)).toBe(2);
      expect(io.stderr()).toMatch(said);
      expect(io.stderr()).toMatch(new RegExp(`hint: .*${hint.source}`));
    }
    expect(readdirSync(dir)).toEqual([]);
  });

  it('replaces an existing page whole, keeping its mode, and leaves no temporary file', async () => {
    const dir = mkdtempSync(`${tmpdir()}/pybase-report-`);
    const file = `${dir}/r.html`;
    writeFileSync(file, 'old page\n');
    chmodSync(file, 0o640);
    const io = captureIo({ now: '2026-08-20T12:00:00Z' });
    expect(await main(['report', 'test/fixtures/report-data', '--html', file, '--offline'], io)).toBe(0);
    expect(readFileSync(file, 'utf8').startsWith('<!DOCTYPE html>')).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o640);
    expect(readdirSync(dir)).toEqual(['r.html']);
  });
});
