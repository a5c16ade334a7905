import {
  chmodSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DockerfileParser, type Label } from 'dockerfile-ast';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { tempDirs } from '../../test/support/temp-dirs.js';
import { createCatalog } from '../catalog/catalog.js';
import { minorOf, tryParseTag } from '../catalog/tag.js';
import { runCheck } from '../check/index.js';
import type { IsoDate } from '../model/date.js';
import { isPybaseError, type PybaseError } from '../model/diagnostic.js';
import {
  assertInitWritable,
  chooseInitImage,
  chooseInitTag,
  detectDependencyInstall,
  initProject,
  renderContainerWorkflow,
  renderDockerfile,
} from './init.js';

const catalog = createCatalog();
const fixtures = path.resolve(import.meta.dirname, '../../test/fixtures');
const temps = tempDirs();

function copyFixture(name: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'pybase-init-'));
  temps.push(dir);
  cpSync(path.join(fixtures, name), dir, { recursive: true });
  return dir;
}

/** Stands in for the registry: a sha256 digest derived from the reference asked about. */
async function fakeDigest(reference: string): Promise<string> {
  const { createHash } = await import('node:crypto');
  return `sha256:${createHash('sha256').update(reference).digest('hex')}`;
}

const dates: IsoDate[] = ['2026-08-13', '2025-10-15', '2024-06-01'];

describe('chooseInitTag', () => {
  for (const date of dates) {
    it(`picks the newest supported slim image on a supported Debian at ${date}`, () => {
      const tag = chooseInitTag({ catalog, date });
      const parsed = tryParseTag(tag)!;
      expect(catalog.isPublished(tag, date)).toBe(true);
      expect(parsed.variant).toBe('slim');
      expect(parsed.precision).toBe('patch');
      expect(parsed.prerelease).toBe(false);
      const minor = minorOf(parsed)!;
      expect(['bugfix', 'security']).toContain(catalog.pythonLifecycle(minor, date)?.status);
      expect(catalog.distroLifecycle(parsed.distro!, date)?.endOfLifeReached).toBe(false);
      expect(catalog.newestPatch(minor, date).published).toBe(parsed.version!.text);
      // no newer stable minor is listed as a slim image
      for (const other of catalog.publishedTags(date)) {
        const p = tryParseTag(other);
        if (!p?.version || p.prerelease || p.variant !== 'slim') continue;
        const m = minorOf(p);
        if (!m || catalog.pythonLifecycle(m, date)?.status === 'eol') continue;
        expect(m.localeCompare(minor, 'en', { numeric: true }), other).toBeLessThanOrEqual(0);
      }
    });
  }

  it('honours --python and refuses an end-of-life or unknown minor', () => {
    expect(chooseInitTag({ catalog, date: '2026-08-13', python: '3.12' })).toMatch(/^3\.12\.\d+-slim-/);
    expect(() => chooseInitTag({ catalog, date: '2026-08-13', python: '3.9' })).toThrow(/no supported/);
    expect(() => chooseInitTag({ catalog, date: '2026-08-13', python: 'three' })).toThrow(/Python minor/);
  });
});

describe('detectDependencyInstall', () => {
  it('reads the lock of a uv project and the requirements of another', () => {
    expect(detectDependencyInstall(path.join(fixtures, 'init-uv'))).toEqual({
      kind: 'uv.lock',
      file: 'uv.lock',
    });
    expect(detectDependencyInstall(path.join(fixtures, 'init-requirements'))).toEqual({
      kind: 'requirements',
      file: 'requirements.txt',
    });
  });
});

describe('a requirements file that includes others', () => {
  it('copies every file it includes, nested ones too, each into its own folder', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pybase-init-includes-'));
    writeFileSync(path.join(dir, 'requirements.txt'), '-r base.txt\n-c constraints/pins.txt\nflask==3.0.0\n');
    writeFileSync(path.join(dir, 'base.txt'), '-r shared/common.txt\nrequests==2.32.3\n');
    mkdirSync(path.join(dir, 'shared'));
    mkdirSync(path.join(dir, 'constraints'));
    writeFileSync(path.join(dir, 'shared', 'common.txt'), 'click==8.1.7\n');
    writeFileSync(path.join(dir, 'constraints', 'pins.txt'), 'click<9\n');
    const install = detectDependencyInstall(dir);
    expect(install).toEqual({
      kind: 'requirements',
      file: 'requirements.txt',
      includes: ['base.txt', 'shared/common.txt', 'constraints/pins.txt'],
    });
    const text = renderDockerfile({ tag: '3.12.14-slim-trixie', install, date: '2026-11-27' });
    expect(text).toContain('COPY requirements.txt base.txt ./\n');
    expect(text).toContain('COPY shared/common.txt shared/\n');
    expect(text).toContain('COPY constraints/pins.txt constraints/\n');
    // Every file pip reads is in the build context of the image.
    const copied = [...text.matchAll(/^COPY (.+) \S+\/$/gm)].flatMap((m) => m[1]!.split(' '));
    expect(copied.sort()).toEqual([
      'base.txt',
      'constraints/pins.txt',
      'requirements.txt',
      'shared/common.txt',
    ]);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('initProject', () => {
  it('writes a multi-stage Dockerfile run as a non-root user with OCI labels from build arguments', async () => {
    const dir = copyFixture('init-requirements');
    const tag = chooseInitTag({ catalog, date: '2026-08-13' });
    const result = await initProject(dir, { date: '2026-08-13', tag, resolveDigest: fakeDigest });
    expect(result.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    const text = readFileSync(path.join(dir, 'Dockerfile'), 'utf8');
    const dockerfile = DockerfileParser.parse(text);
    const froms = dockerfile.getFROMs();
    expect(froms).toHaveLength(2);
    expect(froms.map((f) => f.getImage())).toEqual([
      `python:${tag}@${result.digest}`,
      `python:${tag}@${result.digest}`,
    ]);
    expect(froms[0]!.getBuildStage()).toBe('builder');
    const instructions = dockerfile.getInstructions();
    const keywords = instructions.map((i) => i.getKeyword());
    // the final stage installs nothing itself: it copies the environment made by the builder
    expect(text).toMatch(/COPY --from=builder \/opt\/venv \/opt\/venv/);
    expect(text).toContain('pip install --no-cache-dir -r requirements.txt');
    const users = instructions.filter((i) => i.getKeyword() === 'USER');
    expect(users).toHaveLength(1);
    const user = users[0]!.getArgumentsContent()!.split(':')[0]!;
    expect(['root', '0']).not.toContain(user);
    expect(keywords.lastIndexOf('USER')).toBeGreaterThan(keywords.lastIndexOf('FROM'));
    const args = new Set(
      instructions.filter((i) => i.getKeyword() === 'ARG').map((i) => i.getArgumentsContent()!.split('=')[0]),
    );
    const labels = instructions.filter((i) => i.getKeyword() === 'LABEL') as Label[];
    const props = labels.flatMap((l) => l.getProperties());
    const byName = new Map(props.map((p) => [p.getName(), p.getValue()]));
    expect(byName.get('org.opencontainers.image.revision')).toBe('$VCS_REF');
    expect(byName.get('org.opencontainers.image.created')).toBe('$BUILD_DATE');
    for (const value of [
      byName.get('org.opencontainers.image.revision'),
      byName.get('org.opencontainers.image.created'),
    ])
      expect(args.has(value!.slice(1))).toBe(true);
    // build information never goes through a RUN (that would break the layer cache on every build)
    for (const run of instructions.filter((i) => i.getKeyword() === 'RUN'))
      expect(run.getArgumentsContent()).not.toMatch(/VCS_REF|BUILD_DATE/);
    expect(text).toContain('CMD ["python","main.py"]');
  });

  it('installs a uv project from its lock', async () => {
    const dir = copyFixture('init-uv');
    await initProject(dir, { date: '2026-08-13', tag: chooseInitTag({ catalog, date: '2026-08-13' }) });
    const text = readFileSync(path.join(dir, 'Dockerfile'), 'utf8');
    expect(text).toContain('COPY pyproject.toml uv.lock ./');
    expect(text).toMatch(/uv sync --frozen --no-dev/);
  });

  it('installs a requirements file kept in a folder with the folder, for the files it includes', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pybase-init-'));
    temps.push(dir);
    mkdirSync(path.join(dir, 'requirements'));
    writeFileSync(path.join(dir, 'requirements', 'base.txt'), 'flask==3.0.3\n');
    writeFileSync(path.join(dir, 'requirements', 'production.txt'), '-r base.txt\ngunicorn==23.0.0\n');
    writeFileSync(path.join(dir, 'requirements', 'local.txt'), '-r base.txt\npytest==8.3.3\n');
    const result = await initProject(dir, {
      date: '2026-08-13',
      tag: chooseInitTag({ catalog, date: '2026-08-13' }),
    });
    expect(result.install).toEqual({
      kind: 'requirements',
      file: 'requirements/production.txt',
      includes: ['requirements/base.txt'],
    });
    const text = readFileSync(path.join(dir, 'Dockerfile'), 'utf8');
    expect(text).toContain('COPY requirements/ requirements/');
    expect(text).toContain('pip install --no-cache-dir -r requirements/production.txt');
  });

  it('writes a workflow whose every action is pinned to a full commit with its release as a comment', async () => {
    const dir = copyFixture('init-requirements');
    await initProject(dir, { date: '2026-08-13', tag: chooseInitTag({ catalog, date: '2026-08-13' }) });
    const text = readFileSync(path.join(dir, '.github/workflows/container.yml'), 'utf8');
    const workflow = parseYaml(text) as {
      on: unknown;
      jobs: Record<string, { 'runs-on': string; steps: { uses?: string; run?: string }[] }>;
    };
    expect(workflow.on).toBeDefined();
    const steps = Object.values(workflow.jobs).flatMap((j) => j.steps);
    const uses = steps.map((s) => s.uses).filter((u): u is string => u !== undefined);
    for (const needed of [
      'docker/build-push-action',
      'aquasecurity/trivy-action',
      'anchore/sbom-action',
      'sigstore/cosign-installer',
    ])
      expect(uses.some((u) => u.startsWith(`${needed}@`))).toBe(true);
    for (const u of uses) expect(u, u).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
    // the version comment stays on the line (yaml drops comments, so read the text)
    for (const line of text.split('\n').filter((l) => /uses: /.test(l)))
      expect(line, line).toMatch(/@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
    expect(text).toMatch(/cosign sign --yes/);
  });

  it('refuses to overwrite an existing Dockerfile, naming it, and --force replaces it', async () => {
    const dir = copyFixture('init-existing');
    const before = readFileSync(path.join(dir, 'Dockerfile'), 'utf8');
    const tag = chooseInitTag({ catalog, date: '2026-08-13' });
    const err = await initProject(dir, { date: '2026-08-13', tag }).catch((e: unknown) => e);
    expect(isPybaseError(err)).toBe(true);
    expect((err as Error).message).toMatch(/Dockerfile already exists/);
    expect(readFileSync(path.join(dir, 'Dockerfile'), 'utf8')).toBe(before);
    // nothing else was written either
    expect(() => readFileSync(path.join(dir, '.dockerignore'))).toThrow();
    await initProject(dir, { date: '2026-08-13', tag, force: true });
    expect(readFileSync(path.join(dir, 'Dockerfile'), 'utf8')).toContain(`python:${tag}`);
  });

  it('refuses to overwrite the workflow alone too', async () => {
    const dir = copyFixture('init-requirements');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(path.join(dir, '.github/workflows'), { recursive: true });
    writeFileSync(path.join(dir, '.github/workflows/container.yml'), 'name: mine\n');
    await expect(
      initProject(dir, { date: '2026-08-13', tag: chooseInitTag({ catalog, date: '2026-08-13' }) }),
    ).rejects.toThrow(/container\.yml already exists/);
  });

  it('leaves the digest out and says why when the registry cannot answer', async () => {
    const dir = copyFixture('init-requirements');
    const result = await initProject(dir, {
      date: '2026-08-13',
      tag: chooseInitTag({ catalog, date: '2026-08-13' }),
      resolveDigest: async () => {
        throw new Error('network unreachable');
      },
    });
    expect(result.digest).toBeUndefined();
    expect(result.digestError).toBe('network unreachable');
    expect(readFileSync(path.join(dir, 'Dockerfile'), 'utf8')).not.toContain('@sha256:');
  });

  const forbidden = /^PB00[1-7]$|^PB10[13]$/;
  for (const date of dates) {
    for (const fixture of ['init-requirements', 'init-uv']) {
      it(`pybase check finds nothing of PB001-PB007, PB101, PB103 in what it writes for ${fixture} at ${date}`, async () => {
        const dir = copyFixture(fixture);
        await initProject(dir, { date, tag: chooseInitTag({ catalog, date }), resolveDigest: fakeDigest });
        const result = await runCheck(dir, { date, catalog });
        const codes = result.findings.map((f) => f.code);
        // the check did read the two FROMs of the Dockerfile (and the workflow)
        expect(result.extraction.references.length).toBeGreaterThanOrEqual(2);
        expect(result.extraction.files).toEqual(
          expect.arrayContaining(['Dockerfile', '.github/workflows/container.yml']),
        );
        expect(codes.filter((c) => forbidden.test(c))).toEqual([]);
      });
    }
  }

  it('without a digest the only finding of those rules is the PB005 note on the final stage', async () => {
    const dir = copyFixture('init-requirements');
    const date: IsoDate = '2026-08-13';
    await initProject(dir, { date, tag: chooseInitTag({ catalog, date }) });
    const result = await runCheck(dir, { date, catalog });
    expect(result.findings.map((f) => f.code).filter((c) => forbidden.test(c))).toEqual(['PB005']);
  });

  it('the workflow text is stable', () => {
    expect(renderContainerWorkflow()).toBe(renderContainerWorkflow());
  });
});

describe('chooseInitImage: the project constraints always hold', () => {
  const date: IsoDate = '2026-11-27';
  const corpus = (name: string) => path.resolve('..', 'shared', 'corpus', 'lockfiles', name);
  const project = (lockDir: string) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pybase-init-choice-'));
    temps.push(dir);
    cpSync(corpus(lockDir), dir, { recursive: true });
    return dir;
  };

  it('a project allowing only 3.11 (==3.11.*) gets 3.11 with only the end of life as limit, and a note', async () => {
    const choice = await chooseInitImage(project('zylon-ai__private-gpt'), { catalog, date, offline: true });
    expect(choice.how).toBe('end-of-life-only');
    expect(choice.tag).toMatch(/^3\.11\.\d+-slim-trixie$/);
    expect(choice.note).toMatch(/^no image has the 12 months of support asked for prod \(/);
    expect(choice.note).toContain('Python 3.11 reaches end of life on 2027-10-31');
  });

  it('a project whose dependencies must compile gets the full image of the minor that builds the fewest', async () => {
    const dir = project('mealie-recipes__mealie');
    const choice = await chooseInitImage(dir, { catalog, date, offline: true });
    expect(choice).toEqual({ tag: expect.stringMatching(/^3\.12\.\d+-trixie$/), how: 'recommended' });
    // --python 3.11: only sdist-only (pure) packages build there, so slim is fine; support is short.
    const old = await chooseInitImage(dir, { catalog, date, offline: true, python: '3.11' });
    expect(old.tag).toMatch(/^3\.11\.\d+-slim-trixie$/);
    expect(old.note).toMatch(
      /no image of Python 3\.11 passes: support-too-short \(Python 3\.11 reaches end of life/,
    );
    expect(old.note).not.toContain('bookworm');
  });

  it('a project excluding every published Python gets no image and the reason', async () => {
    const dash = await chooseInitImage(project('chunyeow__dash-coronavirus'), {
      catalog,
      date,
      offline: true,
    });
    expect(dash.tag).toBeUndefined();
    expect(dash.note).toMatch(
      /python-excluded rejects every image \(their Python is excluded by '==3\.7\.\*'/,
    );
    const root = mkdtempSync(path.join(tmpdir(), 'pybase-init-choice-'));
    temps.push(root);
    writeFileSync(
      path.join(root, 'pyproject.toml'),
      '[tool.poetry]\nname = "demo"\n\n[tool.poetry.dependencies]\npython = "~3.9"\nflask = "3.1.0"\n',
    );
    const tilde = await chooseInitImage(root, { catalog, date, offline: true });
    expect(tilde.tag).toBeUndefined();
    expect(tilde.note).toContain("excluded by '~3.9' (pyproject.toml:5)");
    const none = await chooseInitImage(root, { catalog, date, offline: true, python: '3.9' });
    expect(none).toEqual({ note: 'no python:3.9 image is published at 2026-11-27' });
  });
});

describe('initProject writes inside the project, all of its files or none', () => {
  const date = '2026-08-13' as IsoDate;
  const tag = chooseInitTag({ catalog, date });
  function outsideDir(): string {
    const dir = mkdtempSync(path.join(tmpdir(), 'pybase-init-outside-'));
    temps.push(dir);
    return dir;
  }

  it('never creates a file outside the project through a dangling symbolic link', async () => {
    const dir = copyFixture('init-requirements');
    const outside = outsideDir();
    symlinkSync(path.join(outside, 'created'), path.join(dir, 'Dockerfile'));
    const err = await initProject(dir, { date, tag }).catch((e: unknown) => e);
    expect(isPybaseError(err)).toBe(true);
    expect((err as Error).message).toMatch(/Dockerfile/);
    expect(existsSync(path.join(outside, 'created'))).toBe(false);
    expect(existsSync(path.join(dir, '.dockerignore'))).toBe(false);
  });

  it('--force never overwrites a file outside the project through a symbolic link', async () => {
    const dir = copyFixture('init-requirements');
    const outside = outsideDir();
    writeFileSync(path.join(outside, 'precious'), 'keep me\n');
    symlinkSync(path.join(outside, 'precious'), path.join(dir, 'Dockerfile'));
    const err = await initProject(dir, { date, tag, force: true }).catch((e: unknown) => e);
    expect(isPybaseError(err)).toBe(true);
    const d = (err as PybaseError).diagnostic;
    expect(d.message).toMatch(/Dockerfile.*symbolic link.*outside/);
    expect(d.hint).toBeTruthy();
    expect(readFileSync(path.join(outside, 'precious'), 'utf8')).toBe('keep me\n');
    expect(existsSync(path.join(dir, '.dockerignore'))).toBe(false);
  });

  it('--force replaces the file a symbolic link inside the project leads to, keeping the link', async () => {
    const dir = copyFixture('init-requirements');
    mkdirSync(path.join(dir, 'docker'));
    writeFileSync(path.join(dir, 'docker/Dockerfile'), 'FROM scratch\n');
    symlinkSync('docker/Dockerfile', path.join(dir, 'Dockerfile'));
    await initProject(dir, { date, tag, force: true });
    expect(lstatSync(path.join(dir, 'Dockerfile')).isSymbolicLink()).toBe(true);
    expect(readFileSync(path.join(dir, 'docker/Dockerfile'), 'utf8')).toContain(`python:${tag}`);
  });

  it('a directory named Dockerfile is an error naming it, with --force too, and nothing is written', async () => {
    for (const force of [false, true]) {
      const dir = copyFixture('init-requirements');
      mkdirSync(path.join(dir, 'Dockerfile'));
      const err = await initProject(dir, { date, tag, force }).catch((e: unknown) => e);
      expect(isPybaseError(err)).toBe(true);
      const d = (err as PybaseError).diagnostic;
      expect(d.message).toMatch(/Dockerfile/);
      expect(d.hint).toBeTruthy();
      expect(existsSync(path.join(dir, '.dockerignore'))).toBe(false);
      expect(() => assertInitWritable(dir, force)).toThrow(/Dockerfile/);
    }
  });

  it('a file named .github is an error naming it before anything is written', async () => {
    const dir = copyFixture('init-requirements');
    writeFileSync(path.join(dir, '.github'), '');
    expect(() => assertInitWritable(dir, false)).toThrow(/\.github.*not a directory/);
    const err = await initProject(dir, { date, tag }).catch((e: unknown) => e);
    expect(isPybaseError(err)).toBe(true);
    expect(existsSync(path.join(dir, 'Dockerfile'))).toBe(false);
    expect(existsSync(path.join(dir, '.dockerignore'))).toBe(false);
  });

  it('a write that fails midway leaves none of the files, and no temporary file', async () => {
    if (process.getuid?.() === 0) return; // root writes into a read-only directory
    const dir = copyFixture('init-requirements');
    mkdirSync(path.join(dir, '.github/workflows'), { recursive: true });
    chmodSync(path.join(dir, '.github/workflows'), 0o555);
    try {
      const err = await initProject(dir, { date, tag }).catch((e: unknown) => e);
      expect(isPybaseError(err)).toBe(true);
      const d = (err as PybaseError).diagnostic;
      expect(d.message).toMatch(/container\.yml/);
      expect(d.message).toMatch(/nothing written/);
      expect(readdirSync(dir).sort()).toEqual(
        readdirSync(path.join(fixtures, 'init-requirements')).concat('.github').sort(),
      );
    } finally {
      chmodSync(path.join(dir, '.github/workflows'), 0o755);
    }
  });
});
