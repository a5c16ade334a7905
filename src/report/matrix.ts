/**
 * `pybase matrix`: the best candidate images of a project as a CI test matrix. The order is the
 * recommendation's ranking (CI stage when the project has one, else production); the output is a
 * GitHub Actions `strategy.matrix`, a docker-bake.hcl or plain JSON, optionally with one job per
 * image that installs the locked dependencies the way pybase judged they install there (from a
 * wheel, or built from the sdist) with the image's own Python, and runs a smoke command.
 */
import path from 'node:path';
import { Document, isScalar, visit } from 'yaml';
import { createCatalog } from '../catalog/catalog.js';
import type { ExtractOptions } from '../files/extract.js';
import { pinnedActions } from '../integrations/actions.js';
import type { CompatibilityReport, Verdict } from '../model/compat.js';
import type { IsoDate } from '../model/date.js';
import type { DependencySourceKind } from '../model/dependencies.js';
import type { Diagnostic } from '../model/diagnostic.js';
import type { Arch } from '../model/platform.js';
import type { PolicyInput } from '../recommend/policy.js';
import { readProjectInputs, recommendInputOf } from '../recommend/project.js';
import { recommend } from '../recommend/recommend.js';
import type { Recommendation, RecommendResult } from '../recommend/types.js';
import type { BakePlan } from './matrix-bake.js';

export type MatrixFormat = 'github' | 'bake' | 'json';
export const matrixFormats: readonly MatrixFormat[] = ['github', 'bake', 'json'];

export interface MatrixEntry {
  /** `python:3.12.14-slim-trixie` */
  image: string;
  tag: string;
  python: string;
  pythonVersion: string;
  variant: string;
  distro: string;
  libc: string;
  /** 1 = the recommendation. */
  rank: number;
  /**
   * How pybase judged the dependencies install on this image, for the job that verifies it
   * (absent without a dependency file). Not part of the JSON output.
   */
  judged?: JudgedInstall;
}

/**
 * The verdicts a verify job proves: on the architecture the job runs on (GitHub's ubuntu-latest,
 * amd64; every architecture judged when amd64 is not), PEP 503 names, sorted.
 */
export interface JudgedInstall {
  /** Judged to install from a wheel (binary or pure Python): the job must not build them. */
  wheels: string[];
  /** Judged to be built from their sdist (sdist-only packages, or a build on an image with a compiler). */
  sdists: string[];
  /** Without a verdict (unknown, or unavailable on some architecture): left to the installer. */
  unjudged: string[];
}

/** The interpreter of the official python images: verify jobs make every tool use it. */
export const imagePython = '/usr/local/bin/python';

export interface Matrix {
  date: IsoDate;
  /** The stage whose ranking was used. */
  stage: string;
  entries: MatrixEntry[];
  /** The dependency file the verify jobs install, relative to the project root. */
  lock?: { file: string; kind: DependencySourceKind | string };
  /** When there are no entries: why no image passes (the recommendation's why). */
  why?: string;
}

export interface MatrixBuildOptions {
  date: IsoDate;
  top?: number;
  snapshotPath?: string;
  /** The recommendation policy (the project's configuration, as `recommendPolicyOf` gives it). */
  policy?: PolicyInput;
  /** Architectures the images must be built for (default amd64 and arm64). */
  archs?: readonly Arch[];
  /** How the project's files are read (`extractOptionsOf` of its configuration, as check reads them). */
  extract?: ExtractOptions;
}

/** How the dependencies were judged on the image `tag` (see {@link JudgedInstall}). */
export function judgedInstall(compatibility: CompatibilityReport, tag: string): JudgedInstall | undefined {
  const onImage = compatibility.images.filter((ic) => ic.image.tag === tag);
  if (onImage.length === 0) return undefined;
  const runner = onImage.filter((ic) => ic.arch === 'amd64');
  const verdicts = new Map<string, Verdict[]>();
  for (const ic of runner.length > 0 ? runner : onImage) {
    for (const p of ic.packages) verdicts.set(p.name, [...(verdicts.get(p.name) ?? []), p.verdict]);
  }
  const out: JudgedInstall = { wheels: [], sdists: [], unjudged: [] };
  for (const [name, vs] of [...verdicts].sort(([a], [b]) => a.localeCompare(b))) {
    if (vs.every((v) => v === 'wheel' || v === 'pure')) out.wheels.push(name);
    else if (vs.every((v) => v === 'wheel' || v === 'pure' || v === 'sdist-build')) out.sdists.push(name);
    else out.unjudged.push(name);
  }
  return out;
}

/**
 * The top `top` ranked candidates of the CI (else prod, else first) recommendation; with the
 * dependency verdicts the recommendation was made from, each entry says how they install there.
 */
export function matrixFromRecommendation(
  result: RecommendResult,
  top = 3,
  compatibility?: CompatibilityReport,
): Omit<Matrix, 'lock'> {
  const rec: Recommendation | undefined =
    result.recommendations.find((r) => r.stage === 'ci') ??
    result.recommendations.find((r) => r.stage === 'prod') ??
    result.recommendations[0];
  const ranked = [...(rec?.candidates ?? [])].sort((a, b) => a.rank - b.rank).slice(0, Math.max(1, top));
  return {
    date: result.date,
    stage: rec?.stage ?? 'prod',
    ...(ranked.length === 0 ? { why: rec?.why ?? 'no recommendation was made' } : {}),
    entries: ranked.map((s) => {
      const judged = compatibility ? judgedInstall(compatibility, s.tag) : undefined;
      return {
        image: `python:${s.tag}`,
        tag: s.tag,
        python: s.candidate.python,
        pythonVersion: s.candidate.pythonVersion,
        variant: s.candidate.variant,
        distro: s.candidate.distro,
        libc: `${s.candidate.libc.family} ${s.candidate.libc.version}`,
        rank: s.rank,
        ...(judged ? { judged } : {}),
      };
    }),
  };
}

/** Gather the matrix of the project at `root` (offline: wheel files come from the lock). */
export async function buildMatrix(root: string, options: MatrixBuildOptions): Promise<Matrix> {
  return (await buildMatrixReport(root, options)).matrix;
}

/**
 * `buildMatrix`, with the problems met while reading the project (a dependency file with errors
 * leaves the ranking about incomplete dependencies: callers should not use the matrix then).
 */
export async function buildMatrixReport(
  root: string,
  options: MatrixBuildOptions,
): Promise<{ matrix: Matrix; diagnostics: Diagnostic[] }> {
  const catalog = createCatalog(options.snapshotPath ? { snapshotPath: options.snapshotPath } : {});
  // recommendProject, keeping the verdicts: the verify jobs install as they were judged.
  const inputs = await readProjectInputs(root, {
    catalog,
    date: options.date,
    offline: true,
    ...(options.policy ? { policy: options.policy } : {}),
    ...(options.archs && options.archs.length > 0 ? { archs: options.archs } : {}),
    ...(options.extract ? { extract: options.extract } : {}),
  });
  const result = await recommend(
    recommendInputOf(inputs, {
      catalog,
      date: options.date,
      ...(options.policy ? { policy: options.policy } : {}),
    }),
  );
  const base = matrixFromRecommendation(result, options.top ?? 3, inputs.compatibility);
  // The dependency file is named as found (relative to the working directory, or absolute).
  const source = result.source;
  const matrix: Matrix = {
    ...base,
    ...(source
      ? {
          lock: {
            file: path.relative(path.resolve(root), path.resolve(root, source.file)),
            kind: source.kind,
          },
        }
      : {}),
  };
  return { matrix, diagnostics: result.diagnostics };
}

/**
 * pip's options that hold it to the verdicts: `--only-binary=:all:` when every package was judged to
 * install from a wheel, else `--only-binary=` naming those (the others may build their sdist), else
 * nothing. Without verdicts, binaries only.
 */
function pipBinaryOption(judged: JudgedInstall | undefined): string {
  if (!judged || (judged.sdists.length === 0 && judged.unjudged.length === 0)) return ' --only-binary=:all:';
  return judged.wheels.length > 0 ? ` --only-binary=${judged.wheels.join(',')}` : '';
}

/** uv's counterpart: `--no-build`, else `--no-build-package NAME` per package judged to install from a wheel. */
function uvBuildOptions(judged: JudgedInstall | undefined): string {
  if (!judged || (judged.sdists.length === 0 && judged.unjudged.length === 0)) return ' --no-build';
  return judged.wheels.map((name) => ` --no-build-package ${name}`).join('');
}

/** uv options that keep it on the image's Python: no `.python-version`, no downloaded interpreter. */
const uvImagePython = `--python ${imagePython} --no-python-downloads`;

/**
 * Shell command that installs the locked dependencies as pybase judged them on the image: a
 * package judged to install from a wheel must not be built from its sdist (the job fails if it
 * would), a package judged to build from its sdist may be. The runtime dependencies pybase judged,
 * without dependency groups (dev, test), without the project itself and other local packages
 * (pybase does not judge them, and they are always built). Every tool uses the image's Python.
 */
export function installCommand(lock: Matrix['lock'], judged?: JudgedInstall): string {
  if (!lock) return 'echo "no dependency file: nothing to install"';
  const file = lock.file.split(path.sep).join('/');
  const pip = `pip install${pipBinaryOption(judged)}`;
  switch (lock.kind) {
    case 'uv.lock':
      // --python: uv's project commands would otherwise honour .python-version and may download
      // another CPython; --no-default-groups: no dev (nor any other default) group;
      // --no-install-local: not the project, its workspace members or path dependencies, which
      // --no-build would refuse to build.
      return `pip install uv && uv sync --frozen ${uvImagePython} --no-default-groups --no-install-local${uvBuildOptions(judged)}`;
    case 'poetry.lock':
      // poetry export reads the lock only; pip is the image's.
      return `pip install poetry poetry-plugin-export && poetry export -f requirements.txt --only main -o /tmp/requirements.txt && ${pip} -r /tmp/requirements.txt`;
    case 'pdm.lock':
      // PDM_PYTHON wins over .pdm-python and .python-version.
      return `pip install pdm && PDM_PYTHON=${imagePython} pdm export --prod --no-hashes -o /tmp/requirements.txt && ${pip} -r /tmp/requirements.txt`;
    case 'Pipfile.lock':
      // pipenv requirements reads the lock only, creating no virtual environment.
      return `pip install pipenv && pipenv requirements > /tmp/requirements.txt && ${pip} -r /tmp/requirements.txt`;
    case 'pyproject':
      return `${pip} .`;
    default:
      return `${pip} -r ${file}`;
  }
}

/** The smoke command as the job runs it: through `uv run` on the image's Python for a uv project. */
export function smokeCommand(lock: Matrix['lock'], smoke: string): string {
  return lock?.kind === 'uv.lock' ? `uv run --frozen --no-sync ${uvImagePython} ${smoke}` : smoke;
}

/** A name usable as a bake target or a job id: `py-3-12-14-slim-trixie`. */
export function targetName(tag: string): string {
  return `py-${tag.replace(/[^A-Za-z0-9]+/g, '-')}`;
}

function jsonString(s: string): string {
  // HCL string literals share JSON's escapes for everything a tag or path can contain.
  return JSON.stringify(s);
}

/**
 * A docker-bake.hcl with one target per image. Each target sets the build arguments of `plan`
 * (see planBake: the argument the Dockerfile's python FROM takes; targets it cannot build are left
 * out), else `PYTHON_IMAGE`.
 */
export function formatBake(m: Matrix, options: { dockerfile?: string; plan?: BakePlan } = {}): string {
  const { plan } = options;
  const targets = m.entries.flatMap((e, i) => {
    const args = plan ? plan.args[i] : { PYTHON_IMAGE: e.image };
    return args ? [{ e, args, name: targetName(e.tag) }] : [];
  });
  const names = targets.map((t) => t.name);
  const lines = [
    `# python image test matrix of ${m.date}, best first (pybase matrix --format bake)`,
    'group "default" {',
    `  targets = [${names.map(jsonString).join(', ')}]`,
    '}',
  ];
  for (const { e, args, name } of targets) {
    lines.push(
      '',
      `target ${jsonString(name)} {`,
      `  dockerfile = ${jsonString(options.dockerfile ?? plan?.dockerfile ?? 'Dockerfile')}`,
      '  args = {',
      ...Object.entries(args).map(([k, v]) => `    ${k} = ${jsonString(v)}`),
      '  }',
      `  tags = [${jsonString(`app:${e.tag}`)}]`,
      '}',
    );
  }
  return `${lines.join('\n')}\n`;
}

export function githubMatrix(m: Matrix): { include: Record<string, string | number>[] } {
  return {
    include: m.entries.map((e) => ({
      image: e.image,
      python: e.python,
      'python-version': e.pythonVersion,
      variant: e.variant,
      distro: e.distro,
      rank: e.rank,
    })),
  };
}

/**
 * A complete workflow: one job per image, installing as pybase judged, then the smoke command.
 * Actions are pinned to a release commit, the release named in a comment, as `pybase init` does.
 */
export function verifyWorkflow(m: Matrix, smoke?: string): string {
  const checkout = pinnedActions.checkout;
  const jobs: Record<string, unknown> = {};
  for (const e of m.entries) {
    jobs[targetName(e.tag)] = {
      name: `install on ${e.image}`,
      'runs-on': 'ubuntu-latest',
      container: { image: e.image },
      steps: [
        { uses: `${checkout.uses}@${checkout.commit}` },
        {
          name: 'install the locked dependencies as pybase judged them',
          run: installCommand(m.lock, e.judged),
        },
        ...(smoke ? [{ name: 'smoke test', run: smokeCommand(m.lock, smoke) }] : []),
      ],
    };
  }
  const doc = new Document({ name: 'python image matrix', on: { push: null, pull_request: null }, jobs });
  const versions = new Map(Object.values(pinnedActions).map((a) => [`${a.uses}@${a.commit}`, a.version]));
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && pair.key.value === 'uses' && isScalar(pair.value)) {
        const version = versions.get(String(pair.value.value));
        if (version) pair.value.comment = ` ${version}`;
      }
    },
  });
  return doc.toString({ lineWidth: 0 });
}

export interface MatrixFormatOptions {
  verify?: boolean;
  smoke?: string;
  /** For `bake`: the build arguments per target (see planBake). */
  bake?: BakePlan;
}

export function formatMatrix(m: Matrix, format: MatrixFormat, options: MatrixFormatOptions = {}): string {
  switch (format) {
    case 'github':
      return options.verify ? verifyWorkflow(m, options.smoke) : `${JSON.stringify(githubMatrix(m))}\n`;
    case 'bake':
      return formatBake(m, options.bake ? { plan: options.bake } : {});
    default:
      return `${JSON.stringify(
        {
          ...m,
          entries: m.entries.map(({ judged: _judged, ...e }) => e),
          ...(options.verify
            ? {
                verify: m.entries.map((e) => ({
                  image: e.image,
                  install: installCommand(m.lock, e.judged),
                  ...(options.smoke ? { smoke: smokeCommand(m.lock, options.smoke) } : {}),
                })),
              }
            : {}),
        },
        null,
        2,
      )}\n`;
  }
}
