/**
 * `pybase matrix`: the best candidate images of a project as a CI test matrix. The order is the
 * recommendation's ranking (CI stage when the project has one, else production); the output is a
 * GitHub Actions `strategy.matrix`, a docker-bake.hcl or plain JSON, optionally with one job per
 * image that installs the locked dependencies from binaries only and runs a smoke command.
 */
import path from 'node:path';
import { Document, isScalar, visit } from 'yaml';
import { createCatalog } from '../catalog/catalog.js';
import { pinnedActions } from '../integrations/actions.js';
import type { IsoDate } from '../model/date.js';
import type { DependencySourceKind } from '../model/dependencies.js';
import type { Diagnostic } from '../model/diagnostic.js';
import type { Arch } from '../model/platform.js';
import type { PolicyInput } from '../recommend/policy.js';
import { recommendProject } from '../recommend/project.js';
import type { Recommendation, RecommendResult } from '../recommend/types.js';

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
}

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
}

/** The top `top` ranked candidates of the CI (else prod, else first) recommendation. */
export function matrixFromRecommendation(result: RecommendResult, top = 3): Omit<Matrix, 'lock'> {
  const rec: Recommendation | undefined =
    result.recommendations.find((r) => r.stage === 'ci') ??
    result.recommendations.find((r) => r.stage === 'prod') ??
    result.recommendations[0];
  const ranked = [...(rec?.candidates ?? [])].sort((a, b) => a.rank - b.rank).slice(0, Math.max(1, top));
  return {
    date: result.date,
    stage: rec?.stage ?? 'prod',
    ...(ranked.length === 0 ? { why: rec?.why ?? 'no recommendation was made' } : {}),
    entries: ranked.map((s) => ({
      image: `python:${s.tag}`,
      tag: s.tag,
      python: s.candidate.python,
      pythonVersion: s.candidate.pythonVersion,
      variant: s.candidate.variant,
      distro: s.candidate.distro,
      libc: `${s.candidate.libc.family} ${s.candidate.libc.version}`,
      rank: s.rank,
    })),
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
  const result = await recommendProject(root, {
    catalog,
    date: options.date,
    offline: true,
    ...(options.policy ? { policy: options.policy } : {}),
    ...(options.archs && options.archs.length > 0 ? { archs: options.archs } : {}),
  });
  const base = matrixFromRecommendation(result, options.top ?? 3);
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
 * Shell command that installs the locked dependencies from binary wheels only (no sdist builds):
 * the runtime dependencies pybase judged, without dependency groups (dev, test), without the
 * project itself and other local packages (pybase does not judge them, and they are always built).
 */
export function installCommand(lock: Matrix['lock']): string {
  if (!lock) return 'echo "no dependency file: nothing to install"';
  const file = lock.file.split(path.sep).join('/');
  switch (lock.kind) {
    case 'uv.lock':
      // --no-default-groups: no dev (nor any other default) group; --no-install-local: not the
      // project, its workspace members or path dependencies, which --no-build would refuse to build.
      return 'pip install uv && uv sync --frozen --no-default-groups --no-install-local --no-build';
    case 'poetry.lock':
      return 'pip install poetry poetry-plugin-export && poetry export -f requirements.txt --only main -o /tmp/requirements.txt && pip install --only-binary=:all: -r /tmp/requirements.txt';
    case 'pdm.lock':
      return 'pip install pdm && pdm export --prod --no-hashes -o /tmp/requirements.txt && pip install --only-binary=:all: -r /tmp/requirements.txt';
    case 'Pipfile.lock':
      return 'pip install pipenv && pipenv requirements > /tmp/requirements.txt && pip install --only-binary=:all: -r /tmp/requirements.txt';
    case 'pyproject':
      return 'pip install --only-binary=:all: .';
    default:
      return `pip install --only-binary=:all: -r ${file}`;
  }
}

/** A name usable as a bake target or a job id: `py-3-12-14-slim-trixie`. */
export function targetName(tag: string): string {
  return `py-${tag.replace(/[^A-Za-z0-9]+/g, '-')}`;
}

function jsonString(s: string): string {
  // HCL string literals share JSON's escapes for everything a tag or path can contain.
  return JSON.stringify(s);
}

export function formatBake(m: Matrix, options: { dockerfile?: string } = {}): string {
  const names = m.entries.map((e) => targetName(e.tag));
  const lines = [
    `# python image test matrix of ${m.date}, best first (pybase matrix --format bake)`,
    'group "default" {',
    `  targets = [${names.map(jsonString).join(', ')}]`,
    '}',
  ];
  m.entries.forEach((e, i) => {
    lines.push(
      '',
      `target ${jsonString(names[i]!)} {`,
      `  dockerfile = ${jsonString(options.dockerfile ?? 'Dockerfile')}`,
      '  args = {',
      `    PYTHON_IMAGE = ${jsonString(e.image)}`,
      '  }',
      `  tags = [${jsonString(`app:${e.tag}`)}]`,
      '}',
    );
  });
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
 * A complete workflow: one job per image, installing from binaries only, then the smoke command.
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
        { name: 'install the locked dependencies from wheels only', run: installCommand(m.lock) },
        ...(smoke
          ? [
              {
                name: 'smoke test',
                run: m.lock?.kind === 'uv.lock' ? `uv run --frozen --no-sync ${smoke}` : smoke,
              },
            ]
          : []),
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
}

export function formatMatrix(m: Matrix, format: MatrixFormat, options: MatrixFormatOptions = {}): string {
  switch (format) {
    case 'github':
      return options.verify ? verifyWorkflow(m, options.smoke) : `${JSON.stringify(githubMatrix(m))}\n`;
    case 'bake':
      return formatBake(m);
    default:
      return `${JSON.stringify(
        {
          ...m,
          ...(options.verify
            ? {
                verify: m.entries.map((e) => ({
                  image: e.image,
                  install: installCommand(m.lock),
                  ...(options.smoke ? { smoke: options.smoke } : {}),
                })),
              }
            : {}),
        },
        null,
        2,
      )}\n`;
  }
}
