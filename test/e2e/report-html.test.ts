/**
 * The HTML report in a real headless Chromium: three small projects (pure-Python web app, numpy and
 * pandas, torch), each rendered to a file and opened from disk with every network request aborted.
 * Checks: no console errors, no request leaves the page, key elements present and right, keyboard
 * use, 375 px width, and the page without JavaScript. Screenshots go to test/artifacts/.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtmlReport } from '../../src/report/html.js';
import { buildReportData, type ReportData } from '../../src/report/report-data.js';

const chromiumPath = '/usr/bin/chromium';
const haveChromium = existsSync(chromiumPath);
const date = '2026-08-20';
const artifacts = path.resolve('test/artifacts');

if (!haveChromium) {
  if (process.env.CI === 'true') {
    throw new Error(`${chromiumPath} is missing: install the chromium package (see .ci/run)`);
  }
  console.warn(
    `SKIPPING the HTML report browser tests: ${chromiumPath} is missing (apt-get install -y chromium)`,
  );
}

interface Fixture {
  name: string;
  dir: string;
  /** A package that must be a row of the heatmap. */
  somePackage: string;
  branch: ReportData['branch'];
}

const fixtures: Fixture[] = [
  { name: 'web', dir: 'test/fixtures/report-web', somePackage: 'starlette', branch: 'alpine' },
  { name: 'data', dir: 'test/fixtures/report-data', somePackage: 'pandas', branch: 'glibc' },
  { name: 'torch', dir: 'test/fixtures/report-torch', somePackage: 'torch', branch: 'glibc' },
];

const launchArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

interface Opened {
  context: BrowserContext;
  page: Page;
  errors: string[];
  requests: string[];
}

describe.skipIf(!haveChromium)('pybase report --html in Chromium', () => {
  let browser: Browser;
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'pybase-chromium-'));
  const pages = new Map<string, { file: string; data: ReportData }>();

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    for (const f of fixtures) {
      const data = await buildReportData(f.dir, { date, offline: true });
      const file = path.join(artifacts, `report-${f.name}.html`);
      writeFileSync(file, renderHtmlReport(data));
      pages.set(f.name, { file, data });
    }
    // chromium.launch starts the browser on a fresh temporary profile of its own (playwright refuses a
    // --user-data-dir argument), so every run starts clean; TMPDIR points it at our own directory.
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: launchArgs,
      env: { ...process.env, TMPDIR: userDataDir },
    });
  });

  afterAll(async () => {
    await browser?.close();
    rmSync(userDataDir, { recursive: true, force: true });
  });

  async function open(name: string, options: { javaScript?: boolean; width?: number } = {}): Promise<Opened> {
    const context = await browser.newContext({
      javaScriptEnabled: options.javaScript ?? true,
      viewport: { width: options.width ?? 1280, height: 900 },
    });
    const page = await context.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file://')) return route.continue();
      requests.push(url);
      return route.abort();
    });
    await page.goto(pathToFileURL(pages.get(name)!.file).href);
    return { context, page, errors, requests };
  }

  for (const f of fixtures) {
    it(`${f.name}: key elements, no errors, no network`, async () => {
      const { data } = pages.get(f.name)!;
      expect(data.branch).toBe(f.branch);
      const { context, page, errors, requests } = await open(f.name);
      try {
        // One recommendation card per stage with the reference as plain text.
        const refs = await page.locator('#recommendations code[id^="ref-"]').allTextContents();
        expect(refs).toEqual(data.recommendations.flatMap((r) => (r.reference ? [r.reference] : [])));
        expect(refs.length).toBeGreaterThan(0);
        for (const r of refs) expect(r).toMatch(/^python:\d+\.\d+\.\d+-/);
        // Findings link to their rule documentation.
        const links = await page
          .locator('#findings a')
          .evaluateAll((as) => as.map((a) => ({ text: a.textContent, href: a.getAttribute('href') })));
        expect(links.length).toBe(data.findings.filter((x) => x.docUrl).length);
        for (const l of links) expect(l.href).toContain(`${l.text}.md`);
        // The heatmap: a row per package, a column per image, a symbol in each cell.
        const rowNames = await page.locator('#heatmap tbody th').allTextContents();
        expect(rowNames.some((n) => n.startsWith(`${f.somePackage} `))).toBe(true);
        const headers = await page.locator('#heatmap thead th').count();
        expect(headers).toBe(data.heatmap.images.length + 1);
        const symbols = await page.locator('#heatmap tbody td span[aria-hidden]').allTextContents();
        expect(symbols.length).toBe(data.heatmap.rows.length * data.heatmap.images.length);
        for (const s of symbols) expect(['●', '○', '▲', '✕', '?']).toContain(s);
        // Every image name in the column headers is shown whole, inside its header cell.
        const clipped = await page.locator('#heatmap thead th .col').evaluateAll((labels) =>
          labels.flatMap((label) => {
            const box = label.getBoundingClientRect();
            const cell = label.closest('th')?.getBoundingClientRect();
            const inside = cell !== undefined && box.top >= cell.top - 1 && box.bottom <= cell.bottom + 1;
            return inside && label.scrollHeight <= label.clientHeight + 1 ? [] : [label.textContent];
          }),
        );
        expect(clipped).toEqual([]);
        // The timeline: a bar per cycle, the date line, the images in use marked.
        expect(await page.locator('#timeline g.bar').count()).toBe(data.timeline.bars.length);
        expect(await page.locator('#timeline-today').count()).toBe(1);
        expect(await page.locator('#timeline g.in-use').count()).toBeGreaterThan(0);
        // The decision path highlights the branch the project takes.
        const taken = await page.locator('#decision [aria-current="step"]').getAttribute('data-branch');
        expect(taken).toBe(f.branch);
        await page.screenshot({ path: path.join(artifacts, `report-${f.name}.png`), fullPage: true });
        expect(errors).toEqual([]);
        expect(requests).toEqual([]);
      } finally {
        await context.close();
      }
    });
  }

  it('sorts the heatmap by an image column with the keyboard and filters packages', async () => {
    const { context, page, errors } = await open('torch');
    try {
      const names = () => page.locator('#heatmap tbody tr:not([hidden]) th').allTextContents();
      // Tab from the top reaches the copy button, then (further on) the filter and the sort headers.
      const reached: string[] = [];
      for (let i = 0; i < 60; i++) {
        await page.keyboard.press('Tab');
        // Page-side code as a string: the project's TypeScript settings have no DOM types.
        const what = String(
          await page.evaluate(
            "(() => { const e = document.activeElement; return e ? e.tagName.toLowerCase() + '.' + e.className + '#' + e.id : ''; })()",
          ),
        );
        reached.push(what);
      }
      expect(reached.some((r) => r.startsWith('button.copy'))).toBe(true);
      expect(reached.some((r) => r.endsWith('#filter-packages'))).toBe(true);
      expect(reached.some((r) => r.startsWith('button.sort'))).toBe(true);

      // Sort by the first image column (Enter): torch is unavailable on Python > 3.11, so the
      // worst-first order puts it at the bottom ascending and at the top descending.
      const firstImage = page.locator('#heatmap thead th').nth(1);
      await firstImage.locator('button').focus();
      await page.keyboard.press('Enter');
      expect(await firstImage.getAttribute('aria-sort')).toBe('ascending');
      const asc = await names();
      await page.keyboard.press(' ');
      expect(await firstImage.getAttribute('aria-sort')).toBe('descending');
      const desc = await names();
      expect(desc[0]).toMatch(/^torch /);
      expect(asc.at(-1)).toMatch(/^torch /);

      // Sort by package name: alphabetical.
      const pkgHead = page.locator('#heatmap thead th').nth(0);
      await pkgHead.locator('button').focus();
      await page.keyboard.press('Enter');
      const byName = await names();
      expect(byName).toEqual([...byName].sort((a, b) => a.localeCompare(b)));

      await page.locator('#filter-packages').fill('sym');
      expect(await names()).toEqual(expect.arrayContaining([expect.stringMatching(/^sympy /)]));
      expect((await names()).every((n) => n.includes('sym'))).toBe(true);
      await page.locator('#filter-packages').fill('');
      await page.locator('#filter-images').fill('alpine');
      const visibleCols = await page.locator('#heatmap thead th:not([hidden])').allTextContents();
      expect(visibleCols.slice(1).every((c) => c.includes('alpine'))).toBe(true);
      expect(visibleCols.length).toBeGreaterThan(1);

      // The copy button answers in the status line.
      await page.locator('button.copy').first().click();
      await expect.poll(() => page.locator('#copy-status').textContent()).toMatch(/python:/);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('fits a 375 px wide screen without a horizontal scrollbar on the page', async () => {
    for (const f of fixtures) {
      const { context, page, errors } = await open(f.name, { width: 375 });
      try {
        const { doc, view } = (await page.evaluate(
          '({ doc: document.documentElement.scrollWidth, view: window.innerWidth })',
        )) as { doc: number; view: number };
        expect(doc).toBeLessThanOrEqual(view);
        await page.screenshot({ path: path.join(artifacts, `report-${f.name}-375.png`), fullPage: true });
        expect(errors).toEqual([]);
      } finally {
        await context.close();
      }
    }
  });

  it('reads without JavaScript: recommendation, findings and heatmap', async () => {
    const { context, page } = await open('data', { javaScript: false });
    try {
      const { data } = pages.get('data')!;
      expect(await page.locator('#recommendations code').first().textContent()).toBe(
        data.recommendations[0]!.reference,
      );
      expect(await page.locator('#findings li').count()).toBe(data.findings.length);
      expect(await page.locator('#heatmap tbody tr').count()).toBe(data.heatmap.rows.length);
      expect(await page.locator('#heatmap').isVisible()).toBe(true);
      // Controls that need the script stay hidden.
      expect(await page.locator('button.copy').first().isVisible()).toBe(false);
      await page.screenshot({ path: path.join(artifacts, 'report-data-nojs.png'), fullPage: true });
    } finally {
      await context.close();
    }
  });
});
