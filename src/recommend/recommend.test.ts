import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { createCatalog } from '../catalog/catalog.js';
import { writeProject } from '../check/test-project.js';
import { candidateImages } from '../deps/index.js';
import type {
  CompatibilityReport,
  ImageCandidate,
  ImageCompatibility,
  PackageVerdict,
  Verdict,
} from '../model/compat.js';
import { isPybaseError } from '../model/diagnostic.js';
import type { Arch } from '../model/platform.js';
import {
  decideStage,
  parseVulnerabilityReport,
  type RecommendResult,
  recommend,
  recommendProject,
  renderRecommendJson,
  renderRecommendMarkdown,
  renderRecommendText,
} from './index.js';

const catalog = createCatalog();
const fixture = (name: string) => `test/fixtures/recommend-${name}`;
const minorNum = (m: string) => Number(m.split('.')[1]);

function report(
  images: readonly ImageCandidate[],
  archs: Arch[],
  judge: (c: ImageCandidate) => Omit<PackageVerdict, 'reason'>[],
  packages: CompatibilityReport['packages'] = [],
): CompatibilityReport {
  const list: ImageCompatibility[] = [];
  for (const image of images) {
    for (const arch of archs) {
      const pkgs = judge(image).map((p) => ({ ...p, reason: `${p.name} is ${p.verdict}` }));
      const counts = { wheel: 0, pure: 0, 'sdist-build': 0, unavailable: 0, unknown: 0 } as Record<
        Verdict,
        number
      >;
      for (const p of pkgs) counts[p.verdict]++;
      list.push({
        image,
        arch,
        counts,
        packages: pkgs,
        allFromWheels: pkgs.every((p) => p.verdict === 'wheel' || p.verdict === 'pure'),
        installable: pkgs.every(
          (p) => p.verdict !== 'unavailable' && (p.verdict !== 'sdist-build' || image.hasCompiler),
        ),
      });
    }
  }
  return { date: '2025-09-01', archs, images: list, packages, diagnostics: [], incomplete: false };
}

describe('known answers from fixture projects (lock data only)', () => {
  it('a project pinning numpy 1.26.4 (wheels up to cp312) gets Python 3.12 or older, and slim', async () => {
    const r = await recommendProject(fixture('numpy-pin'), {
      catalog,
      date: '2025-09-01',
      stages: ['prod', 'ci'],
      offline: true,
    });
    for (const rec of r.recommendations) {
      expect(rec.tag).toBeDefined();
      expect(minorNum(rec.candidates[0]!.candidate.python)).toBeLessThanOrEqual(12);
      expect(rec.candidates[0]!.candidate.variant).toBe('slim');
      // Python 3.13 slim images are rejected because numpy would have to be compiled there.
      const g = rec.rejectionGroups.find(
        (x) => x.code === 'deps-need-compiler' && x.message.includes('3.13'),
      );
      expect(g?.message).toContain('numpy 1.26.4');
    }
    expect(r.recommendations.find((x) => x.stage === 'prod')?.pinCommand).toContain(
      'docker buildx imagetools inspect',
    );
  });

  it('a pure Flask app gets slim by default, alpine only when the policy allows musl and prefers small images', async () => {
    const opts = { catalog, date: '2025-09-01' as const, stages: ['prod' as const], offline: true };
    const plain = await recommendProject(fixture('flask-app'), opts);
    expect(plain.recommendations[0]?.candidates[0]?.candidate.variant).toBe('slim');
    expect(plain.recommendations[0]?.trace.find((t) => t.step === 'alpine')?.answer).toMatch(/not preferred/);
    const small = await recommendProject(fixture('flask-app'), { ...opts, policy: { preferSmall: true } });
    expect(small.recommendations[0]?.candidates[0]?.candidate.variant).toBe('alpine');
    const musl = await recommendProject(fixture('flask-app'), { ...opts, policy: { libc: 'musl' } });
    expect(musl.recommendations[0]?.reference).toMatch(/^python:3\.\d+\.\d+-alpine3\.\d+$/);
    const glibc = await recommendProject(fixture('flask-app'), {
      ...opts,
      policy: { libc: 'glibc', preferSmall: true },
    });
    expect(glibc.recommendations[0]?.candidates.every((c) => c.candidate.libc.family === 'glibc')).toBe(true);
  });

  it('a project with a glibc-only SDK never gets alpine, and its alpine reference is moved to glibc', async () => {
    const r = await recommendProject(fixture('glibc-only-sdk'), {
      catalog,
      date: '2025-09-01',
      policy: { glibcOnly: ['oracledb'], preferSmall: true },
      offline: true,
    });
    for (const rec of r.recommendations) {
      expect(rec.candidates.some((c) => c.candidate.variant === 'alpine')).toBe(false);
      expect(rec.rejectionGroups.find((g) => g.code === 'glibc-only-sdk')?.scope).toBe('all alpine');
    }
    const move = r.moves[0];
    expect(move?.current).toBe('python:3.11-alpine');
    expect(move?.to).toMatch(/^python:3\.\d+\.\d+-slim-trixie$/);
  });

  it('on 2025-09-01 a repo on 3.12-slim is told its distro became trixie', async () => {
    const r = await recommendProject(fixture('trixie-switch'), {
      catalog,
      date: '2025-09-01',
      policy: { appetite: 'patch' },
      offline: true,
    });
    const move = r.moves.find((m) => m.file === 'Dockerfile');
    expect(move?.kind).toBe('distro');
    expect(move?.reason).toContain('distro became trixie');
    expect(move?.to).toMatch(/^python:3\.12\.\d+-slim-trixie$/);
    // Appetite `patch` keeps the current minor.
    expect(r.recommendations.find((x) => x.stage === 'prod')?.tag).toMatch(/^3\.12\./);
  });

  it('a digest without a tag is an image of unknown Python, variant and distro: no move assumes any', async () => {
    const digest = `sha256:${'0'.repeat(63)}1`;
    const root = writeProject({
      Dockerfile: `FROM python@${digest}\nRUN pip install -r requirements.txt\n`,
      'requirements.txt': 'flask==3.0.0\n',
    });
    const r = await recommendProject(root, { catalog, date: '2025-09-01', offline: true });
    const move = r.moves.find((m) => m.file === 'Dockerfile');
    expect(move).toMatchObject({ current: `python@${digest}`, kind: 'none' });
    expect(move?.to).toBeUndefined();
    expect(move?.reason).toMatch(
      /^a digest without a tag: its Python, variant and distro are unknown offline/,
    );
    expect(move?.reason).toContain(
      `the recommendation for prod is ${r.recommendations.find((x) => x.stage === 'prod')?.tag}`,
    );
  });

  it('a move never loosens a pin', async () => {
    const r = await recommendProject(fixture('trixie-switch'), {
      catalog,
      date: '2025-09-01',
      offline: true,
    });
    for (const m of r.moves)
      if (m.to) expect(m.to.split(':')[1]!.split('.').length).toBeGreaterThanOrEqual(3);
  });
});

describe('numpy 1.24.4 (a real lock: wheels up to cp311)', () => {
  const numpy = 'test/fixtures/deps-numpy-1.24.4';
  // At both dates Python 3.12 and newer are published, supported long enough for the stage, and
  // ranked above 3.11 by the appetite (the Dockerfile runs 3.12): only numpy keeps them out.
  const cases = [
    { stage: 'dev', date: '2026-11-27' },
    { stage: 'prod', date: '2025-06-01' },
    { stage: 'ci', date: '2025-06-01' },
  ] as const;
  for (const { stage, date } of cases) {
    it(`gets Python 3.11 or older for ${stage} at ${date}`, async () => {
      const r = await recommendProject(numpy, { catalog, date, stages: [stage], offline: true });
      const rec = r.recommendations[0]!;
      expect(rec.tag).toBeDefined();
      expect(minorNum(rec.candidates[0]!.candidate.python)).toBeLessThanOrEqual(11);
      // The assertion means something: newer Pythons were candidates, and 3.11 is not too short-lived.
      const newer = [...rec.candidates.map((c) => c.tag), ...rec.rejected.map((x) => x.tag)].filter(
        (t) => minorNum(t) >= 12,
      );
      expect(newer.length).toBeGreaterThan(0);
      expect(rec.rejectionGroups.some((g) => g.message.includes('Python 3.11 reaches end of life'))).toBe(
        false,
      );
      // Slim images of 3.12+ are rejected because numpy would have to be compiled there.
      const slim = rec.rejectionGroups.find(
        (g) => g.code === 'deps-need-compiler' && g.tags.some((t) => /^3\.12\.\d+-slim-/.test(t)),
      );
      expect(slim?.message).toContain('numpy 1.24.4');
      // Full images of 3.12+ survive (they have a compiler) but rank below the wheels on 3.11.
      const full = rec.candidates.find((c) => minorNum(c.candidate.python) >= 12);
      if (full) expect(full.parts.wheels).toBe(0);
      expect(rec.candidates[0]!.parts.wheels).toBe(1);
    });
  }
});

describe('rejection groups read once per reason (examples/reports-api)', () => {
  it('merges one specifier found in two files, and one package missing on several Pythons', async () => {
    const r = await recommendProject('examples/reports-api', {
      catalog,
      date: '2026-11-27',
      stages: ['prod'],
      offline: true,
    });
    expect(r.source?.file).toBe('uv.lock');
    const groups = r.recommendations[0]!.rejectionGroups;
    const excluded = groups.filter((g) => g.code === 'python-excluded');
    expect(excluded).toHaveLength(1);
    expect(excluded[0]!.message).toBe("Python 3.10 is excluded by '>=3.11' (uv.lock, pyproject.toml:5)");
    const sklearn = groups.filter(
      (g) => g.code === 'deps-need-compiler' && g.message.startsWith('scikit-learn 1.9.0 has no musllinux'),
    );
    expect(sklearn).toHaveLength(1);
    expect(sklearn[0]!.message).not.toMatch(/Python 3\.\d+/);
    expect(sklearn[0]!.scope).toBe('all alpine on Python 3.11 to 3.14');
    expect(sklearn[0]!.tags.every((t) => t.includes('-alpine'))).toBe(true);
    expect(new Set(sklearn[0]!.tags.map((t) => t.split('.').slice(0, 2).join('.')))).toEqual(
      new Set(['3.11', '3.12', '3.13', '3.14']),
    );
    // Every rejected tag is still listed per candidate with its own Python.
    const perTag = r.recommendations[0]!.rejected.find((x) => x.tag === sklearn[0]!.tags[0]);
    expect(perTag?.reasons.some((x) => /for Python 3\.\d+/.test(x.message))).toBe(true);
  });

  it('tells how to move an alpine reference that no musl image can serve', async () => {
    const r = await recommendProject('examples/reports-api', {
      catalog,
      date: '2026-11-27',
      offline: true,
    });
    const alpine = r.moves.find((m) => m.current === 'python:3.11-alpine');
    expect(alpine?.kind).toBe('none');
    expect(alpine?.reason).toMatch(/--libc glibc/);
    expect(alpine?.reason).toContain(`python:${r.recommendations.find((x) => x.stage === 'prod')?.tag}`);
    const swapped = await recommendProject('examples/reports-api', {
      catalog,
      date: '2026-11-27',
      offline: true,
      policy: { libc: 'glibc' },
    });
    const moved = swapped.moves.find((m) => m.current === 'python:3.11-alpine');
    expect(moved?.to).toMatch(/^python:3\.\d+\.\d+-slim-trixie$/);
    const text = renderRecommendText(r);
    expect(text).not.toContain(process.cwd());
    expect(text).toMatch(/dependencies uv\.lock(\s|$)/m);
    expect(text).not.toContain('(uv.lock)');
  });
});

describe('vulnerability reports', () => {
  const trivy = parseVulnerabilityReport(
    readFileSync(`${fixture('vulns')}/trivy-3.12-slim-trixie.json`, 'utf8'),
    'trivy.json',
  );
  const grype = parseVulnerabilityReport(
    readFileSync(`${fixture('vulns')}/grype-3.12-slim-bookworm.json`, 'utf8'),
    'grype.json',
  );

  it('reads Trivy and Grype reports, counting a CVE once per image', () => {
    expect(trivy).toMatchObject({ scanner: 'trivy', image: 'python:3.12.11-slim-trixie' });
    expect(trivy.counts).toMatchObject({ critical: 1, high: 1, low: 1 });
    expect(grype).toMatchObject({ scanner: 'grype', image: 'python:3.12-slim-bookworm' });
    expect(grype.counts).toMatchObject({ critical: 0, high: 2, medium: 1 });
  });

  it('rejects the reported images over the limits and keeps the others', () => {
    const date = '2025-09-01';
    const candidates = candidateImages(catalog, date).filter((c) => c.python === '3.12');
    const rec = decideStage(
      {
        catalog,
        date,
        candidates,
        archs: ['amd64'],
        policy: { vulnLimits: { critical: 0, high: 1 }, appetite: 'patch' },
        vulnerabilities: [trivy, grype],
      },
      'prod',
    );
    const rejected = rec.rejected
      .filter((x) => x.reasons.some((r) => r.code === 'vulnerabilities'))
      .map((x) => x.tag);
    expect(rejected).toHaveLength(2);
    expect(rejected).toContain('3.12.11-slim-trixie');
    expect(rejected.some((t) => t.endsWith('-slim-bookworm'))).toBe(true);
    expect(rec.tag).not.toBe('3.12.11-slim-trixie');
    expect(rec.tag).toMatch(/^3\.12\./);
  });

  it('names the file of a report it cannot read', () => {
    try {
      parseVulnerabilityReport('{"foo": 1}', 'scan.json');
      expect.unreachable();
    } catch (err) {
      expect(isPybaseError(err)).toBe(true);
      if (isPybaseError(err)) expect(err.diagnostic.location?.file).toBe('scan.json');
    }
  });
});

describe('constraints and ranking on constructed verdicts', () => {
  const date = '2025-09-01';
  const candidates = candidateImages(catalog, date);

  it('prefers the full image in dev when something must compile, rejects slim without --allow-build', () => {
    const compat = report(candidates, ['amd64'], (c) => [
      { name: 'cext', version: '1.0', verdict: c.python === '3.13' ? 'wheel' : 'sdist-build' },
    ]);
    compat.packages = [{ name: 'cext', version: '1.0', hasBinaryWheels: true, hasMusllinuxWheel: false }];
    const dev = decideStage({ catalog, date, candidates, compatibility: compat, archs: ['amd64'] }, 'dev');
    expect(dev.tag).toMatch(/^3\.13\.\d+-slim-/);
    const only312 = candidates.filter((c) => c.python === '3.12');
    const dev312 = decideStage(
      { catalog, date, candidates: only312, compatibility: compat, archs: ['amd64'] },
      'dev',
    );
    expect(dev312.candidates[0]?.candidate.variant).toBe('full');
    expect(dev312.rejected.some((r) => r.reasons.some((x) => x.code === 'deps-need-compiler'))).toBe(true);
    const built = decideStage(
      {
        catalog,
        date,
        candidates: only312,
        compatibility: compat,
        archs: ['amd64'],
        policy: { allowBuild: true },
      },
      'prod',
    );
    expect(built.candidates[0]?.candidate.variant).toBe('slim');
  });

  it('prod-ai honours the glibc floor of ML wheels and never picks musl', () => {
    const compat = report(
      candidates,
      ['amd64'],
      () => [{ name: 'torch', version: '2.8.0', verdict: 'wheel' }],
      [
        {
          name: 'torch',
          version: '2.8.0',
          hasBinaryWheels: true,
          hasMusllinuxWheel: false,
          glibcFloor: { amd64: '2.38' },
        },
      ],
    );
    const rec = decideStage(
      { catalog, date, candidates, compatibility: compat, archs: ['amd64'] },
      'prod-ai',
    );
    expect(rec.candidates.every((c) => c.candidate.libc.family === 'glibc')).toBe(true);
    expect(rec.candidates.every((c) => Number(c.candidate.libc.version.split('.')[1]) >= 38)).toBe(true);
    expect(rec.rejectionGroups.some((g) => g.code === 'ml-glibc-floor' && g.scope === 'all bookworm')).toBe(
      true,
    );
  });

  it('rejects pre-releases, short support, missing architectures and excluded Pythons with their codes', () => {
    const all = candidateImages(catalog, '2026-08-13', { includePrerelease: true });
    const rec = decideStage(
      {
        catalog,
        date: '2026-08-13',
        candidates: all,
        archs: ['amd64', 's390x'],
        requiresPython: '<3.14',
      },
      'prod',
    );
    const codes = new Set(rec.rejected.flatMap((r) => r.reasons.map((x) => x.code)));
    for (const code of ['prerelease', 'support-too-short', 'arch-missing', 'python-excluded'] as const) {
      expect(codes).toContain(code);
    }
    expect(rec.tag).toMatch(/^3\.13\.\d+-slim-trixie$/);
    expect(rec.candidates.every((c) => c.candidate.architectures.includes('s390x'))).toBe(true);
  });

  it('ranks survivors strictly by score', () => {
    const rec = decideStage({ catalog, date, candidates, archs: ['amd64'] }, 'ci');
    const scores = rec.candidates.map((c) => c.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    expect(rec.alternatives).toHaveLength(3);
    expect(rec.alternatives[0]?.trades.length).toBeGreaterThan(0);
  });
});

describe('output', () => {
  const schema = JSON.parse(readFileSync('schemas/recommend-result.schema.json', 'utf8'));
  const validate = new Ajv2020({ strict: false }).compile(schema);
  let result: RecommendResult;

  it('JSON validates against the shipped schema', async () => {
    result = await recommendProject(fixture('trixie-switch'), {
      catalog,
      date: '2025-09-01',
      stages: ['dev', 'ci', 'prod'],
      offline: true,
      resolveDigest: async () => `sha256:${'ab'.repeat(32)}`,
    });
    const ok = validate(JSON.parse(renderRecommendJson(result)));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    expect(result.recommendations.find((r) => r.stage === 'prod')?.reference).toMatch(/@sha256:(ab){32}$/);
    expect(result.recommendations.find((r) => r.stage === 'dev')?.reference).toMatch(
      /^python:3\.\d+-slim-trixie$/,
    );
    expect(result.recommendations.find((r) => r.stage === 'ci')?.reference).toMatch(
      /^python:3\.\d+\.\d+-slim-trixie$/,
    );
  });

  it('a digest failure is a warning, and the pin command stays', async () => {
    const r = await recommend({
      catalog,
      date: '2025-09-01',
      candidates: candidateImages(catalog, '2025-09-01'),
      archs: ['amd64'],
      stages: ['prod'],
      resolveDigest: async () => {
        throw new Error('registry unreachable');
      },
    });
    expect(r.diagnostics[0]?.message).toContain('registry unreachable');
    expect(r.recommendations[0]?.pinCommand).toBeDefined();
    expect(validate(JSON.parse(renderRecommendJson(r)))).toBe(true);
  });

  it('lists the Python version statements beside the image references: those that follow the images, and why the others stay', async () => {
    const root = writeProject({
      Dockerfile: 'FROM python:3.12.4-slim-bookworm\n',
      '.python-version': '3.12\n',
      'runtime.txt': 'python-3.12.4\n',
      'pyproject.toml': '[project]\nname = "x"\nversion = "0"\nrequires-python = ">=3.10"\n',
      '.github/workflows/ci.yml':
        'on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n        py: ["3.11", "3.12"]\n    steps:\n      - uses: actions/setup-python@v5\n        with:\n          python-version: ${{ matrix.py }}\n',
    });
    const r = await recommendProject(root, { catalog, date: '2026-08-13', stages: ['prod'], offline: true });
    expect(validate(JSON.parse(renderRecommendJson(r)))).toBe(true);
    expect(validate.errors ?? []).toEqual([]);
    expect(r.moves.map((m) => m.to)).toEqual(['python:3.14.7-slim-trixie']);
    expect(r.statements.map((s) => [`${s.file}:${s.line}`, s.statement, s.kind, s.to])).toEqual([
      ['.github/workflows/ci.yml:11', 'setup-python', 'none', undefined],
      ['.python-version:1', 'python-version-file', 'minor', '3.14'],
      ['pyproject.toml:4', 'requires-python', 'none', undefined],
      ['runtime.txt:1', 'runtime-txt', 'none', undefined],
    ]);
    const text = renderRecommendText(r);
    const listed = text.slice(text.indexOf('Current references:')).split('\n');
    expect(listed).toEqual([
      'Current references:',
      '  Dockerfile:1 (prod) python:3.12.4-slim-bookworm -> python:3.14.7-slim-trixie  [minor] Python 3.12 -> 3.14 (then pin its digest: pybase fix --pin-digest)',
      "  .github/workflows/ci.yml:11 (ci) setup-python python-version '${{ matrix.py }}'  [none] no python image of the repository runs Python 3.11; the python images of Python 3.12 move to 3.14; its value is written elsewhere (a matrix, env or input): change it there",
      "  .python-version:1 (dev) .python-version '3.12' -> 3.14  [minor] follows the python images from Python 3.12 to 3.14",
      "  pyproject.toml:4 (dev) requires-python '>=3.10'  [none] a range, which pybase fix never edits: it admits Python 3.14.7, recommended for prod",
      "  runtime.txt:1 (dev) runtime.txt 'python-3.12.4'  [none] the python images of Python 3.12 move to 3.14; pybase fix does not edit runtime.txt: change it by hand",
      '',
    ]);
    expect(renderRecommendMarkdown(r)).toContain(
      "| `.python-version:1` | dev | `.python-version '3.12'` | minor | `3.14` | follows the python images from Python 3.12 to 3.14 |",
    );
  });

  it('text and Markdown snapshots', () => {
    expect(renderRecommendText(result)).toMatchSnapshot();
    expect(renderRecommendMarkdown(result)).toMatchSnapshot();
  });
});

describe('ranking by native source builds, and the reasons told (real locks of the corpus)', () => {
  const corpus = (name: string) => path.resolve('..', 'shared', 'corpus', 'lockfiles', name);
  const at = { catalog, date: '2026-11-27' as const, offline: true };

  it('mealie: no image installs everything from wheels, so the minor building the fewest native packages wins', async () => {
    const r = await recommendProject(corpus('mealie-recipes__mealie'), { ...at, stages: ['prod'] });
    const rec = r.recommendations[0]!;
    const best = rec.candidates[0]!;
    const newest = rec.candidates.find((c) => c.candidate.python === '3.14');
    // 3.14 survives (its full image has a compiler) but builds pydantic-core, jiter, orjson...
    expect(newest).toBeDefined();
    expect(newest!.parts.builds).toBeLessThan(best.parts.builds);
    expect(rec.tag).toMatch(/^3\.12\.\d+-trixie$/);
    expect(best.candidate.hasCompiler).toBe(true);
    expect(rec.why).toMatch(/^Python 3\.12 builds the fewest packages with native code from source \(3: /);
    const python = rec.trace.find((t) => t.step === 'python')?.answer ?? '';
    expect(python).toMatch(/^3\.12: the fewest packages with native code built from source \(3\)/);
    expect(python).toMatch(/3\.14 builds \d+ from source/);
    expect(newest!.trades.join('; ')).toMatch(
      /builds \d+ packages with native code from source \(3 on the recommendation\)/,
    );
  });

  it('mealie on 3.14 already: the minor appetite allows the downgrade that builds fewer native packages', async () => {
    const root = writeProject({
      'poetry.lock': readFileSync(path.join(corpus('mealie-recipes__mealie'), 'poetry.lock')),
      Dockerfile: 'FROM python:3.14-slim\nRUN pip install .\n',
    });
    const rec = (await recommendProject(root, { ...at, stages: ['prod'] })).recommendations[0]!;
    expect(rec.tag).toMatch(/^3\.12\.\d+-trixie$/);
    expect(rec.candidates[0]!.parts.appetite).toBe(1);
    // With the patch appetite the current minor still comes first.
    const keep = (await recommendProject(root, { ...at, stages: ['prod'], policy: { appetite: 'patch' } }))
      .recommendations[0]!;
    expect(keep.tag).toMatch(/^3\.14\.\d+-trixie$/);
  });

  it('counts only the packages installed on Linux: Windows-only pywin32 and macOS-only pyobjc are left out', async () => {
    const prefect = (await recommendProject(corpus('PrefectHQ__prefect'), { ...at, stages: ['prod'] }))
      .recommendations[0]!;
    const alpine = prefect.trace.find((t) => t.step === 'alpine')?.answer ?? '';
    expect(alpine).not.toContain('pywin32');
    const openhands = (await recommendProject(corpus('All-Hands-AI__OpenHands'), { ...at, stages: ['prod'] }))
      .recommendations[0]!;
    const ext = openhands.trace.find((t) => t.step === 'c-extensions')?.answer ?? '';
    const count = Number(/^yes: (\d+) packages/.exec(ext)?.[1]);
    expect(count).toBeGreaterThan(10);
    expect(count).toBeLessThan(100);
    expect(ext).not.toMatch(/pyobjc/);
  });

  it('says why nothing passes by counting images: the project excludes every Python first', async () => {
    const dash = (await recommendProject(corpus('chunyeow__dash-coronavirus'), { ...at, stages: ['prod'] }))
      .recommendations[0]!;
    expect(dash.tag).toBeUndefined();
    expect(dash.why).toBe(
      "no published image passes every constraint: python-excluded rejects every image (their Python is excluded by '==3.7.*' (Pipfile.lock))",
    );
    const gpt = (await recommendProject(corpus('zylon-ai__private-gpt'), { ...at, stages: ['prod'] }))
      .recommendations[0]!;
    expect(gpt.why).toMatch(
      /: python-excluded rejects 24 of 30 images \(their Python is excluded by '==3\.11\.\*'/,
    );
    expect(gpt.why).toMatch(
      /; the other 6 \(all Python 3\.11\): support-too-short \(Python 3\.11 reaches end of life on 2027-10-31, within the 12 months of support asked\)$/,
    );
  });

  it('does not judge dependencies on Pythons the project excludes (lerobot: torch +cu128 on 3.10, 3.11)', async () => {
    const rec = (await recommendProject(corpus('huggingface__lerobot'), { ...at, stages: ['prod'] }))
      .recommendations[0]!;
    for (const r of rec.rejected) {
      if (!/^3\.1[01]\./.test(r.tag)) continue;
      expect(r.reasons.map((x) => x.code)).toContain('python-excluded');
      expect(r.reasons.some((x) => x.code.startsWith('deps-'))).toBe(false);
    }
  });
});

describe('the project Python constraints', () => {
  const date = '2026-11-27' as const;

  it('names a constraint once with its line, and explains newer minors by their own reasons only', async () => {
    const root = writeProject({
      'pyproject.toml':
        '[project]\nname = "demo"\nversion = "0.1"\nrequires-python = ">=3.10,<3.13"\ndependencies = ["flask==3.1.0"]\n',
    });
    const rec = (await recommendProject(root, { catalog, date, stages: ['prod'], offline: true }))
      .recommendations[0]!;
    expect(rec.tag).toMatch(/^3\.12\.\d+-slim-trixie$/);
    const excluded = rec.rejectionGroups.filter((g) => g.code === 'python-excluded');
    expect(excluded.map((g) => [g.scope, g.message])).toEqual([
      ['all Python 3.13, 3.14', "their Python is excluded by '>=3.10,<3.13' (pyproject.toml:4)"],
    ]);
    // bookworm is past its end of life, but that does not explain why 3.13 and 3.14 lost.
    expect(rec.trace.find((t) => t.step === 'python')?.answer).toBe(
      '3.12 (newer: 3.13, 3.14 rejected: python-excluded)',
    );
  });

  it("reads Poetry's python constraint in Poetry syntax ('^3.11' allows 3.12 to 3.14)", async () => {
    const root = writeProject({
      'pyproject.toml':
        '[tool.poetry]\nname = "demo"\n\n[tool.poetry.dependencies]\npython = "^3.11"\nflask = "3.1.0"\n',
    });
    const rec = (await recommendProject(root, { catalog, date, stages: ['prod'], offline: true }))
      .recommendations[0]!;
    expect(rec.tag).toMatch(/^3\.14\.\d+-slim-trixie$/);
    const excluded = rec.rejectionGroups.filter((g) => g.code === 'python-excluded');
    expect(excluded.map((g) => g.message)).toEqual(["Python 3.10 is excluded by '^3.11' (pyproject.toml:5)"]);
  });

  it('a rejection of no whole class of images names its Pythons', () => {
    const candidates = candidateImages(catalog, date);
    const compat = report(candidates, ['amd64'], (c) => [
      {
        name: 'cext',
        version: '1.0',
        verdict:
          (c.python === '3.12' || c.python === '3.13') && c.libc.family === 'glibc' ? 'unavailable' : 'wheel',
      },
    ]);
    const rec = decideStage({ catalog, date, candidates, compatibility: compat, archs: ['amd64'] }, 'prod');
    const g = rec.rejectionGroups.find((x) => x.code === 'deps-unavailable');
    expect(g?.scope).toBe('8 glibc images of Python 3.12, 3.13');
  });

  it('ranks fewer native source builds before a newer minor; sdist-only packages do not count', () => {
    const candidates = candidateImages(catalog, date).filter((c) => c.distro === 'trixie');
    const compat = report(
      candidates,
      ['amd64'],
      (c) => [
        { name: 'cext', version: '1.0', verdict: c.python === '3.14' ? 'sdist-build' : 'wheel' },
        { name: 'cext2', version: '1.0', verdict: c.python === '3.14' ? 'sdist-build' : 'wheel' },
        { name: 'cext3', version: '1.0', verdict: c.python === '3.13' ? 'sdist-build' : 'wheel' },
        { name: 'puresdist', version: '1.0', verdict: 'sdist-build' },
      ],
      [
        { name: 'cext', version: '1.0', hasBinaryWheels: true, hasMusllinuxWheel: true },
        { name: 'cext2', version: '1.0', hasBinaryWheels: true, hasMusllinuxWheel: true },
        { name: 'cext3', version: '1.0', hasBinaryWheels: true, hasMusllinuxWheel: true },
        { name: 'puresdist', version: '1.0', hasBinaryWheels: false, hasMusllinuxWheel: false },
      ],
    );
    const rec = decideStage({ catalog, date, candidates, compatibility: compat, archs: ['amd64'] }, 'prod');
    // 3.12 builds no native package (only the sdist-only one, on slim: no compiler needed).
    expect(rec.tag).toMatch(/^3\.12\.\d+-slim-trixie$/);
    const byMinor = (m: string) => rec.candidates.find((c) => c.candidate.python === m)!;
    expect(byMinor('3.12').parts.builds).toBe(0);
    expect(byMinor('3.13').parts.builds).toBe(-1);
    expect(byMinor('3.14').parts.builds).toBe(-2);
    expect(byMinor('3.13').rank).toBeLessThan(byMinor('3.14').rank);
    expect(rec.why).toMatch(
      /puresdist 1\.0 publishes only an sdist, built from source \(no binary wheel anywhere/,
    );
    expect(rec.trace.find((t) => t.step === 'python')?.answer).toBe(
      '3.12: no package with native code is built from source (newer: 3.13 builds 1 from source; 3.14 builds 2 from source)',
    );
  });
});

describe('a stage without a recommendation', () => {
  const project = '../shared/corpus/lockfiles/zylon-ai__private-gpt';
  it('names the policy change that would give one, and that change gives exactly that tag', async () => {
    const opts = { catalog, date: '2026-11-27', stages: ['prod' as const], offline: true };
    const strict = (await recommendProject(project, opts)).recommendations[0]!;
    expect(strict.tag).toBeUndefined();
    expect(strict.relaxations?.length).toBeGreaterThan(0);
    const [first] = strict.relaxations!;
    expect(first!.flags).toEqual(['--min-support-months 0']);
    const relaxed = (await recommendProject(project, { ...opts, policy: { minSupportMonths: { prod: 0 } } }))
      .recommendations[0]!;
    expect(relaxed.tag).toBe(first!.tag);
    expect(relaxed.relaxations).toBeUndefined();
    expect(renderRecommendText(await recommendProject(project, opts))).toContain(
      `hint: with --min-support-months 0, python:${first!.tag} would be chosen`,
    );
  });
});

describe('dependency verdicts partly unknown (a hash-only Pipfile.lock, offline)', () => {
  it('alpine is not said to have musl wheels for every dependency', async () => {
    const r = await recommendProject('../shared/corpus/lockfiles/jonaswinkler__paperless-ng', {
      catalog,
      date: '2026-11-27',
      stages: ['prod'],
      offline: true,
      policy: { libc: 'musl' },
    });
    expect(r.incomplete).toBe(true);
    const rec = r.recommendations[0]!;
    expect(rec.tag).toMatch(/alpine/);
    const said = [rec.why, ...rec.trace.map((t) => t.answer)].join('\n');
    expect(said).not.toContain('every dependency has a wheel for musl');
    expect(said).not.toContain('every dependency installs from a wheel on musl');
    expect(rec.why).toContain('musl wheels not confirmed');
  });
});
