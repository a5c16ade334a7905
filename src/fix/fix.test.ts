import { chmodSync, cpSync, lstatSync, mkdtempSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../test/support/paths.js';
import { tempDirs } from '../../test/support/temp-dirs.js';
import { type Catalog, createCatalog } from '../catalog/catalog.js';
import { tryParseReference } from '../catalog/reference.js';
import { runCheck } from '../check/check.js';
import { writeProject } from '../check/test-project.js';
import { extractProject } from '../files/extract.js';
import { pb007 } from '../rules/pb007-frozen-tag.js';
import { pb105 } from '../rules/pb105-stale-patch.js';
import { fixProject } from './index.js';
import type { FileChange } from './types.js';

const fixture = join(repoRoot, 'test/fixtures/fix-every-kind');
const date = '2026-08-13';
const temps = tempDirs();

function copyFixture(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pybase-fix-'));
  temps.push(dir);
  cpSync(join(fixture, 'repo'), dir, { recursive: true });
  return dir;
}

/** Every character outside the edited ranges is the same, in the same order, before and after. */
function expectOnlyRangesChanged(change: FileChange): void {
  const bomShift = change.before.startsWith('\uFEFF') ? 1 : 0;
  const ranges = change.edits
    .map((e) => [e.range.startOffset! + bomShift, e.range.endOffset! + bomShift, e.after] as const)
    .sort((a, b) => a[0] - b[0]);
  let from = 0;
  let to = 0;
  for (const [start, end, after] of ranges) {
    expect(change.after.slice(to, to + (start - from))).toBe(change.before.slice(from, start));
    to += start - from;
    expect(change.after.slice(to, to + after.length)).toBe(after);
    to += after.length;
    from = end;
  }
  expect(change.after.slice(to)).toBe(change.before.slice(from));
}

describe('pybase fix --bump patch over a repository with every file kind', () => {
  let catalog: Catalog;
  beforeAll(() => {
    catalog = createCatalog();
  });

  it('plans exactly the golden diff, writes it byte for byte, and a second run changes nothing', async () => {
    const dir = copyFixture();
    chmodSync(join(dir, 'docker/worker.Dockerfile'), 0o750);
    const original = new Map(
      [
        'Dockerfile',
        'docker/worker.Dockerfile',
        'compose.yaml',
        '.github/workflows/ci.yml',
        '.gitlab-ci.yml',
        '.python-version',
      ].map((f) => [f, readFileSync(join(dir, f))]),
    );
    const golden = readFileSync(join(fixture, 'expected.diff'), 'utf8');

    const dry = await fixProject(dir, { date, dryRun: true, catalog });
    expect(dry.diff).toBe(golden);
    for (const [f, bytes] of original) expect(readFileSync(join(dir, f)).equals(bytes)).toBe(true);

    const run = await fixProject(dir, { date, catalog });
    expect(run.diff).toBe(golden);
    expect(run.applied.dropped).toEqual([]);
    for (const change of run.applied.changes) {
      expect(readFileSync(join(dir, change.file), 'utf8')).toBe(change.after);
      expectOnlyRangesChanged(change);
    }
    // One edit for the ARG default both python stages use, not one per FROM.
    const argEdits = run.plan.edits.filter((e) => e.file === 'Dockerfile' && e.before === '3.12.8');
    expect(argEdits).toHaveLength(1);
    expect(argEdits[0]!.expect).toHaveLength(2);

    // Layout details survive: BOM, CRLF, the missing final newline, the file mode; untouched files stay.
    const compose = readFileSync(join(dir, 'compose.yaml'));
    expect([...compose.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const worker = readFileSync(join(dir, 'docker/worker.Dockerfile'), 'utf8');
    expect(worker.split('\r\n')).toHaveLength(
      original.get('docker/worker.Dockerfile')!.toString().split('\r\n').length,
    );
    expect(worker.replace(/\r\n/g, '')).not.toContain('\n');
    expect(statSync(join(dir, 'docker/worker.Dockerfile')).mode & 0o777).toBe(0o750);
    expect(readFileSync(join(dir, '.gitlab-ci.yml'), 'utf8').endsWith('ruff check .')).toBe(true);
    expect(readFileSync(join(dir, '.python-version')).equals(original.get('.python-version')!)).toBe(true);

    const again = await fixProject(dir, { date, catalog });
    expect(again.plan.edits).toEqual([]);
    expect(again.applied.changes).toEqual([]);
    expect(again.diff).toBe('');
  });

  it('leaves every python tag on the newest patch published at the date, and PB105 / PB007 quiet', async () => {
    const dir = copyFixture();
    const before = await runCheck(dir, { date, catalog, rules: [pb105, pb007] });
    expect(before.findings.filter((f) => f.code === 'PB105' || f.code === 'PB007').length).toBeGreaterThan(0);

    await fixProject(dir, { date, catalog });

    const extraction = await extractProject(dir);
    let patchPinned = 0;
    for (const ref of extraction.references) {
      const parsed = tryParseReference(ref.resolved ?? ref.text);
      if (!parsed?.isPython || !parsed.python) continue;
      const tag = parsed.python;
      expect(catalog.rebuildStatus(tag.raw, date).status, tag.raw).toBe('rebuilt');
      if (tag.precision !== 'patch') continue;
      patchPinned++;
      // A tag without a distro names the default distro's image: compare that image.
      const image = catalog.resolve(tag.raw, date)!.fullTag;
      expect(catalog.newestEquivalents(tag.raw, date)?.newestPatch, `${ref.file}: ${tag.raw}`).toBe(image);
    }
    expect(patchPinned).toBeGreaterThanOrEqual(7);
    const after = await runCheck(dir, { date, catalog, rules: [pb105, pb007] });
    expect(after.findings.filter((f) => f.code === 'PB105' || f.code === 'PB007')).toEqual([]);
  });
});

describe('pybase fix on files read because another file names them', () => {
  it('edits images in included GitLab CI and compose files, and the .env value a compose image takes', async () => {
    const files: Record<string, string> = {
      '.gitlab-ci.yml': 'include:\n  - local: ci/python.yml\ntest:\n  extends: .py\n  script: [pytest]\n',
      'ci/python.yml': '.py:\n  image: python:3.12.1-slim-bookworm\n',
      '.env': '# the Python of every service\nPY="3.12.1"  # keep quoted\n',
      'compose.yaml':
        'include: [compose/common.yml]\nservices:\n  api:\n    image: python:${PY}-slim-bookworm\n',
      'compose/common.yml': 'services:\n  tools:\n    image: python:3.12.1-slim-bookworm\n',
    };
    const dir = writeProject(files);
    temps.push(dir);
    const result = await fixProject(dir, { date, target: { kind: 'bump', bump: 'patch' } });
    const newest = readFileSync(join(dir, 'ci/python.yml'), 'utf8');
    expect(newest).toMatch(/^\.py:\n {2}image: python:3\.12\.\d+-slim-bookworm\n$/);
    expect(newest).not.toContain('3.12.1-');
    expect(readFileSync(join(dir, 'compose/common.yml'), 'utf8')).toMatch(
      /image: python:3\.12\.\d+-slim-bookworm\n$/,
    );
    expect(readFileSync(join(dir, 'compose/common.yml'), 'utf8')).not.toContain('3.12.1-');
    // The value is edited where it is written, quotes and comments kept; the compose file stays.
    expect(readFileSync(join(dir, '.env'), 'utf8')).toMatch(
      /^# the Python of every service\nPY="3\.12\.\d+" {2}# keep quoted\n$/,
    );
    expect(readFileSync(join(dir, '.env'), 'utf8')).not.toContain('3.12.1"');
    expect(readFileSync(join(dir, 'compose.yaml'), 'utf8')).toBe(files['compose.yaml']);
    expect(result.applied.changes.map((c) => c.file).sort()).toEqual([
      '.env',
      'ci/python.yml',
      'compose/common.yml',
    ]);
    expect(result.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
  });

  it('leaves a .env value alone when a Dockerfile also takes it through compose build arguments', async () => {
    const files: Record<string, string> = {
      '.env': 'PY=3.12.1\n',
      'compose.yaml':
        'services:\n  api:\n    image: python:${PY}-slim-bookworm\n  web:\n    build:\n      context: svc\n      args:\n        PYV: ${PY}\n',
      'svc/Dockerfile': 'ARG PYV=3.13\nFROM python:${PYV}-alpine3.19\n',
    };
    const dir = writeProject(files);
    temps.push(dir);
    const result = await fixProject(dir, { date, target: { kind: 'bump', bump: 'patch' } });
    for (const [name, text] of Object.entries(files))
      expect(readFileSync(join(dir, name), 'utf8')).toBe(text);
    expect(result.diagnostics.map((d) => d.message)).toContainEqual(
      expect.stringMatching(
        /compose\.yaml:3: .* not applied: svc\/Dockerfile:2: a reference using this value/,
      ),
    );
  });
});

describe('pybase fix on images written after docker://', () => {
  it('edits the image of a workflow step, a composite action step and a Docker action', async () => {
    const files: Record<string, string> = {
      '.github/workflows/ci.yml':
        'jobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: docker://python:3.12.1-slim-bookworm\n',
      '.github/actions/lint/action.yml':
        'runs:\n  using: composite\n  steps:\n    - uses: "docker://python:3.12.1-slim-bookworm"\n',
      'action.yml': 'runs:\n  using: docker\n  image: docker://python:3.12.1-slim-bookworm\n',
    };
    const dir = writeProject(files);
    temps.push(dir);
    const result = await fixProject(dir, { date, target: { kind: 'bump', bump: 'patch' } });
    expect(result.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
    for (const [file, text] of Object.entries(files)) {
      const now = readFileSync(join(dir, file), 'utf8');
      expect(now, file).not.toBe(text);
      // Only the tag after docker:// changed.
      expect(now.replace(/python:3\.12\.\d+-slim-bookworm/, 'python:3.12.1-slim-bookworm'), file).toBe(text);
    }
  });
});

describe('pybase fix on a file reached under two names', () => {
  it('edits a Dockerfile and a symbolic link to it once, the same on a dry run and a real run', async () => {
    const text = 'FROM python:3.12.8-slim-bookworm\n';
    const dir = writeProject({ 'real.Dockerfile': text, 'sub/.keep': '' });
    temps.push(dir);
    symlinkSync('../real.Dockerfile', join(dir, 'sub/Dockerfile'));
    const dry = await fixProject(dir, { date, catalog: createCatalog(), dryRun: true });
    expect(dry.extraction.files).toEqual(['real.Dockerfile', 'sub/Dockerfile']);
    expect(dry.applied.changes.map((c) => c.file)).toEqual(['real.Dockerfile']);
    expect(dry.diff.match(/^--- /gm)).toHaveLength(1);

    const run = await fixProject(dir, { date, catalog: createCatalog() });
    expect(run.applied.dropped).toEqual([]);
    expect(run.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
    expect(run.diff).toBe(dry.diff);
    expect(readFileSync(join(dir, 'real.Dockerfile'), 'utf8')).toBe(text.replace('3.12.8', '3.12.14'));
    expect(lstatSync(join(dir, 'sub/Dockerfile')).isSymbolicLink()).toBe(true);
  });
});
