import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { captureIo } from '../../test/support/run-main.js';
import { main } from '../cli/main.js';
import { pinnedActions, usesLine } from '../integrations/actions.js';
import { buildMatrix, formatBake, formatMatrix, imagePython, installCommand, type Matrix } from './matrix.js';

const date = '2026-08-20';

/**
 * A small sanity check of the HCL subset formatBake writes (no maintained HCL parser on npm covers
 * bake files): braces balance outside strings, and every target block has an args block naming
 * PYTHON_IMAGE. Returns the targets with their image.
 */
function checkBake(text: string): { group: string[]; targets: Map<string, string> } {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}') {
      depth--;
      if (depth < 0) throw new Error(`unbalanced } at ${i}`);
    }
  }
  if (depth !== 0 || inString) throw new Error('unbalanced braces or open string');
  const group = JSON.parse(
    /group "default" \{\s*targets = (\[[^\]]*\])/.exec(text)?.[1] ?? 'null',
  ) as string[];
  const targets = new Map<string, string>();
  for (const chunk of text.split(/^(?=target ")/m).slice(1)) {
    const name = /^target "([^"]+)" \{/.exec(chunk)?.[1];
    if (!name) throw new Error(`bad target header: ${chunk.slice(0, 40)}`);
    const image = /\bargs = \{\s*PYTHON_IMAGE = ("[^"]*")\s*\}/.exec(chunk)?.[1];
    if (!image) throw new Error(`target ${name} has no args.PYTHON_IMAGE`);
    targets.set(name, JSON.parse(image) as string);
  }
  return { group, targets };
}

describe('pybase matrix', () => {
  it('ranks the data project and writes a GitHub matrix', async () => {
    const m = await buildMatrix('test/fixtures/report-data', { date, top: 4 });
    expect(m.entries).toHaveLength(4);
    expect(m.entries.map((e) => e.rank)).toEqual([1, 2, 3, 4]);
    expect(m.lock).toEqual({ file: 'uv.lock', kind: 'uv.lock' });
    const parsed = JSON.parse(formatMatrix(m, 'github')) as { include: { image: string; python: string }[] };
    expect(parsed.include.map((x) => x.image)).toEqual(m.entries.map((e) => e.image));
    for (const x of parsed.include)
      expect(x.image).toBe(`python:${m.entries.find((e) => e.image === x.image)!.tag}`);
    for (const x of parsed.include) expect(x.image.startsWith(`python:${x.python}.`)).toBe(true);
  });

  it('keeps torch on the only Python its lock has wheels for', async () => {
    const m = await buildMatrix('test/fixtures/report-torch', { date, top: 3 });
    expect(m.entries.length).toBeGreaterThan(0);
    expect(m.entries.every((e) => e.python === '3.11')).toBe(true);
  });

  it('writes a bake file whose targets are the images', async () => {
    const m = await buildMatrix('test/fixtures/report-web', { date, top: 3 });
    const { group, targets } = checkBake(formatBake(m));
    expect(group).toEqual([...targets.keys()]);
    expect([...targets.values()]).toEqual(m.entries.map((e) => e.image));
    expect(() => checkBake('target "x" { args = { PYTHON_IMAGE = "a" }')).toThrow(/unbalanced/);
    expect(() => checkBake('group "default" { targets = ["x"] }\ntarget "x" { dockerfile = "D" }')).toThrow(
      /no args/,
    );
  });

  it('verify: a workflow with one job per image, binaries only, and the smoke command', async () => {
    const m = await buildMatrix('test/fixtures/report-data', { date, top: 3 });
    const wf = parse(formatMatrix(m, 'github', { verify: true, smoke: 'python job.py' })) as {
      jobs: Record<string, { container: { image: string }; steps: { run?: string }[] }>;
    };
    const jobs = Object.values(wf.jobs);
    expect(jobs.map((j) => j.container.image)).toEqual(m.entries.map((e) => e.image));
    jobs.forEach((j, i) => {
      expect(j.steps.some((s) => s.run === installCommand(m.lock, m.entries[i]!.judged))).toBe(true);
      expect(j.steps.some((s) => s.run?.endsWith('python job.py'))).toBe(true);
    });
  });

  it('verify: checkout pinned to the commit init pins, the release in a comment', async () => {
    const m = await buildMatrix('test/fixtures/report-data', { date, top: 2 });
    const text = formatMatrix(m, 'github', { verify: true });
    const { checkout } = pinnedActions;
    const lines = text.split('\n').filter((l) => l.includes('uses:'));
    expect(lines).toHaveLength(2);
    for (const l of lines) expect(l.trim()).toBe(`- uses: ${usesLine(checkout)}`);
    const wf = parse(text) as { jobs: Record<string, { steps: { uses?: string }[] }> };
    for (const j of Object.values(wf.jobs))
      expect(j.steps[0]?.uses).toBe(`actions/checkout@${checkout.commit}`);
  });

  it('verify: uv installs the judged runtime dependencies only, never the project or a group', () => {
    const uv = installCommand({ file: 'uv.lock', kind: 'uv.lock' });
    expect(uv).toBe(
      'pip install uv && uv sync --frozen --python /usr/local/bin/python --no-python-downloads --no-default-groups --no-install-local --no-build',
    );
    expect(installCommand({ file: 'poetry.lock', kind: 'poetry.lock' })).toContain('--only main');
    expect(installCommand({ file: 'pdm.lock', kind: 'pdm.lock' })).toContain('pdm export --prod');
    expect(installCommand({ file: 'pyproject.toml', kind: 'pyproject' })).toBe(
      'pip install --only-binary=:all: .',
    );
  });

  it('verify: every uv command of a job runs on the image Python, not the one .python-version names', async () => {
    // The example pins 3.11 in .python-version; uv's project commands would honour it (and may
    // download a CPython 3.11), so a job on a 3.14 image would test 3.11.
    const root = 'examples/reports-api';
    expect(readFileSync(path.join(root, '.python-version'), 'utf8').trim()).toBe('3.11');
    const m = await buildMatrix(root, { date: '2026-11-27', top: 3 });
    expect(m.entries.some((e) => e.python !== '3.11')).toBe(true);
    const wf = parse(formatMatrix(m, 'github', { verify: true, smoke: 'python -m pytest' })) as {
      jobs: Record<string, { steps: { run?: string }[] }>;
    };
    const uvCommands = Object.values(wf.jobs).flatMap((j) =>
      j.steps.flatMap((s) =>
        (s.run ?? '')
          .split('&&')
          .map((c) => c.trim())
          .filter((c) => /^uv (sync|run)\b/.test(c)),
      ),
    );
    expect(uvCommands.filter((c) => c.startsWith('uv sync'))).toHaveLength(m.entries.length);
    expect(uvCommands.filter((c) => c.startsWith('uv run'))).toHaveLength(m.entries.length);
    for (const c of uvCommands) {
      const words = c.split(/\s+/);
      expect(words[words.indexOf('--python') + 1], c).toBe(imagePython);
      expect(words, c).toContain('--no-python-downloads');
    }
    expect(imagePython).toBe('/usr/local/bin/python');
    const json = JSON.parse(formatMatrix(m, 'json', { verify: true, smoke: 'python -m pytest' })) as {
      verify: { smoke: string }[];
    };
    for (const v of json.verify) expect(v.smoke).toContain(`--python ${imagePython}`);
  });

  it("verify: pdm exports with the image's Python; poetry and pipenv only read their lock", () => {
    const pdm = installCommand({ file: 'pdm.lock', kind: 'pdm.lock' });
    expect(pdm).toContain(`PDM_PYTHON=${imagePython} pdm export`);
    for (const kind of ['poetry.lock', 'Pipfile.lock']) {
      const cmd = installCommand({ file: kind, kind });
      // the export writes a requirements file and the image's own pip installs it
      expect(cmd).toMatch(
        /(poetry export|pipenv requirements)[^&]*&& pip install [^&]*-r \/tmp\/requirements\.txt$/,
      );
      expect(cmd).not.toMatch(/poetry install|pipenv install|pipenv sync/);
    }
  });

  it('verify: uv may build the sdist-only package pybase accepts, and no package judged to install from a wheel', async () => {
    // dkimpy 1.1.8 publishes only an sdist (pure Python): pybase accepts it, and '--no-build' refuses it.
    const root = path.resolve('..', 'shared', 'corpus', 'lockfiles', 'fastapi__full-stack-fastapi-template');
    const m = await buildMatrix(root, { date: '2026-11-27', top: 3 });
    expect(m.entries.length).toBeGreaterThan(0);
    for (const e of m.entries) {
      expect(e.judged?.sdists).toContain('dkimpy');
      const words = installCommand(m.lock, e.judged).split(/\s+/);
      expect(words).not.toContain('--no-build');
      const noBuild = words.flatMap((w, i) => (w === '--no-build-package' ? [words[i + 1]] : []));
      expect(noBuild).toEqual(e.judged?.wheels);
      expect(noBuild).toContain('pydantic-core');
      expect(noBuild).not.toContain('dkimpy');
    }
  });

  it('verify: pip builds the packages pybase judged to build from their sdist, and only those', async () => {
    // mealie's lock pins html2text and paho-mqtt (sdists only) and packages with no wheel for the
    // image's Python: the matrix picks full images to build them; --only-binary=:all: refused them.
    const root = path.resolve('..', 'shared', 'corpus', 'lockfiles', 'mealie-recipes__mealie');
    const m = await buildMatrix(root, { date: '2026-11-27', top: 3 });
    expect(m.entries.length).toBeGreaterThan(0);
    const wf = parse(formatMatrix(m, 'github', { verify: true })) as {
      jobs: Record<string, { steps: { run?: string }[] }>;
    };
    Object.values(wf.jobs).forEach((job, i) => {
      const judged = m.entries[i]!.judged!;
      expect(judged.sdists).toEqual(expect.arrayContaining(['html2text', 'paho-mqtt']));
      const run = job.steps.map((s) => s.run ?? '').find((r) => r.includes('pip install --only-binary'))!;
      expect(run).not.toContain(':all:');
      const binary = /--only-binary=(\S+)/.exec(run)?.[1]?.split(',');
      expect(binary).toEqual(judged.wheels);
      for (const name of judged.sdists) expect(binary).not.toContain(name);
    });
  });

  it('verify: binaries only when every package was judged to install from a wheel', () => {
    const all = { wheels: ['numpy', 'pandas'], sdists: [], unjudged: [] };
    expect(installCommand({ file: 'requirements.txt', kind: 'requirements.txt' }, all)).toBe(
      'pip install --only-binary=:all: -r requirements.txt',
    );
    expect(installCommand({ file: 'uv.lock', kind: 'uv.lock' }, all)).toMatch(/ --no-build$/);
    const none = { wheels: [], sdists: ['dkimpy'], unjudged: [] };
    expect(installCommand({ file: 'requirements.txt', kind: 'requirements.txt' }, none)).toBe(
      'pip install -r requirements.txt',
    );
    expect(installCommand({ file: 'uv.lock', kind: 'uv.lock' }, none)).not.toMatch(/--no-build/);
    // a package without a verdict is left to the installer
    const unknown = { wheels: ['numpy'], sdists: [], unjudged: ['private-pkg'] };
    expect(installCommand({ file: 'requirements.txt', kind: 'requirements.txt' }, unknown)).toBe(
      'pip install --only-binary=numpy -r requirements.txt',
    );
  });

  it('json: the verdict lists are not part of the entries', async () => {
    const m = await buildMatrix('test/fixtures/report-data', { date, top: 2 });
    expect(m.entries[0]?.judged).toBeDefined();
    const json = JSON.parse(formatMatrix(m, 'json')) as { entries: Record<string, unknown>[] };
    for (const e of json.entries) expect(e).not.toHaveProperty('judged');
  });

  it('an empty matrix is an error: exit 1, the reason on stderr, nothing GitHub would reject on stdout', async () => {
    const dash = path.resolve('..', 'shared', 'corpus', 'lockfiles', 'chunyeow__dash-coronavirus');
    const io = captureIo({ now: '2026-11-27T12:00:00Z' });
    expect(await main(['matrix', dash], io)).toBe(1);
    expect(io.stdout()).toBe('');
    expect(io.stderr()).toMatch(
      /matrix: no candidate image passes the constraints, the matrix would be empty: .*python-excluded rejects every image/,
    );
    const json = captureIo({ now: '2026-11-27T12:00:00Z' });
    expect(await main(['matrix', dash, '--format', 'json'], json)).toBe(1);
    expect(JSON.parse(json.stdout())).toMatchObject({
      entries: [],
      why: expect.stringContaining('python-excluded'),
    });
  });

  it('installs from binaries only for every lock kind', () => {
    const lock = (kind: string, file = kind): Matrix['lock'] => ({ file, kind });
    expect(installCommand(lock('requirements.txt', 'requirements/prod.txt'))).toBe(
      'pip install --only-binary=:all: -r requirements/prod.txt',
    );
    for (const k of ['poetry.lock', 'pdm.lock', 'Pipfile.lock']) {
      expect(installCommand(lock(k))).toContain('--only-binary=:all:');
    }
    expect(installCommand(lock('uv.lock'))).toContain('--no-build');
  });

  it('the command line refuses a bad --top and prints JSON', async () => {
    const io = captureIo({ now: '2026-08-20T12:00:00Z' });
    expect(await main(['matrix', 'test/fixtures/report-web', '--top', 'x'], io)).toBe(2);
    expect(io.stderr()).toContain('--top');
    expect(await main(['matrix', 'test/fixtures/report-web', '--format', 'json', '--top', '2'], io)).toBe(0);
    const json = JSON.parse(io.stdout()) as { entries: unknown[]; date: string };
    expect(json.entries).toHaveLength(2);
    expect(json.date).toBe(date);
  });
});
