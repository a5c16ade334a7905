/**
 * `pybase init`: a starting Dockerfile and container workflow for a project that has none. The
 * Dockerfile has a builder stage that installs the dependencies into a virtual environment from the
 * project's lock or requirements file, and a final stage on a pinned python image, run as a non-root
 * user, with build information as OCI labels taken from build arguments. The workflow builds, scans
 * (Trivy), writes an SBOM (Syft) and signs (cosign), with every action pinned to a release commit.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, lstatSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { link, mkdir, open, rename, rmdir, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Catalog, DebianEolPolicy } from '../catalog/catalog.js';
import { compareTagVersions, isFullySpecified, minorOf, tryParseTag } from '../catalog/tag.js';
import type { ExtractOptions } from '../files/extract.js';
import { parseDependencies } from '../files/lockfiles/index.js';
import { findDependencySource } from '../files/lockfiles/locate.js';
import { trackTemp, untrackTemp } from '../files/temp-files.js';
import type { DigestResolver } from '../fix/types.js';
import { addMonths, type IsoDate } from '../model/date.js';
import { type DependencySourceKind, dependencyReadErrors } from '../model/dependencies.js';
import { inputCodes, PybaseError } from '../model/diagnostic.js';
import type { PythonTag } from '../model/image-ref.js';
import type { RecommendStage } from '../model/stage.js';
import { type PolicyInput, resolvePolicy } from '../recommend/policy.js';
import { readProjectInputs, recommendInputOf } from '../recommend/project.js';
import { recommend } from '../recommend/recommend.js';
import type { Recommendation } from '../recommend/types.js';
import type { IndexClient } from '../sources/package-index.js';
import { pinnedActions, usesLine } from './actions.js';

export interface ChooseTagOptions {
  catalog: Catalog;
  date: IsoDate;
  /** Restrict to one Python minor (`3.12`). */
  python?: string;
  debianEol?: DebianEolPolicy;
}

function checkMinor(python: string | undefined): void {
  if (python !== undefined && !/^\d+\.\d+$/.test(python)) {
    throw new PybaseError({
      code: inputCodes.usage,
      severity: 'error',
      message: `init: --python wants a Python minor such as 3.12, got '${python}'`,
    });
  }
}

/**
 * The newest supported `X.Y.Z-slim-<distro>` listed at the date: the newest Python minor that is
 * neither end of life nor a pre-release (or the minor asked for), on the newest Debian release still
 * supported, at its newest patch. Throws PybaseError when no such tag is listed. It knows nothing of
 * a project (its requires-python, its dependencies): `pybase init` uses {@link chooseInitImage}.
 */
export function chooseInitTag(options: ChooseTagOptions): string {
  const { catalog, date } = options;
  checkMinor(options.python);
  let best: { tag: string; parsed: PythonTag; distroRank: number } | undefined;
  for (const tag of catalog.publishedTags(date)) {
    const parsed = tryParseTag(tag);
    if (!parsed?.version || parsed.prerelease || !isFullySpecified(parsed)) continue;
    if (parsed.variant !== 'slim' || parsed.distro?.family !== 'debian') continue;
    const minor = minorOf(parsed);
    if (!minor || (options.python !== undefined && minor !== options.python)) continue;
    const status = catalog.pythonLifecycle(minor, date)?.status;
    if (status !== 'bugfix' && status !== 'security') continue;
    const distro = catalog.distroLifecycle(parsed.distro, date, options.debianEol ?? 'security');
    if (!distro || distro.endOfLifeReached || distro.status === 'unreleased') continue;
    const distroRank = Number(distro.version);
    if (!best) {
      best = { tag, parsed, distroRank };
      continue;
    }
    const bv = best.parsed.version!;
    const v = parsed.version;
    const byMinor = v.major - bv.major || (v.minor ?? 0) - (bv.minor ?? 0);
    const better =
      byMinor > 0 ||
      (byMinor === 0 &&
        (distroRank > best.distroRank || (distroRank === best.distroRank && compareTagVersions(v, bv) > 0)));
    if (better) best = { tag, parsed, distroRank };
  }
  if (!best) {
    throw new PybaseError({
      code: inputCodes.usage,
      severity: 'error',
      message:
        options.python !== undefined
          ? `init: no supported python:${options.python}.*-slim image is listed at ${date}`
          : `init: no supported python slim image is listed at ${date}`,
      hint: "see 'pybase tags' for the images listed at the date",
    });
  }
  return best.tag;
}

export interface InitImageOptions {
  catalog: Catalog;
  date: IsoDate;
  /** The stage the image serves (default `prod`). */
  stage?: RecommendStage;
  /** Restrict to one Python minor (`3.12`). */
  python?: string;
  policy?: PolicyInput;
  /** Never ask the package index (dependencies without files in the lock are then unknown). */
  offline?: boolean;
  index?: IndexClient;
  /** How the project's files are read (`extractOptionsOf` of its configuration, as check reads them). */
  extract?: ExtractOptions;
}

export interface InitImageChoice {
  /** The fully specified tag to write; absent when no image fits the project. */
  tag?: string;
  /**
   * `recommended`: what `pybase recommend` proposes for the stage. `end-of-life-only`: the same
   * decision (requires-python, dependency verdicts, libc, ...) with only the end of life as the
   * support limit, because no image has the support the stage's policy asks.
   */
  how?: 'recommended' | 'end-of-life-only';
  /** Why the policy's own answer could not be used, or why nothing fits; absent for `recommended`. */
  note?: string;
}

/** Why no image of `python` survived the recommendation, from its rejections (most images first). */
function minorRejected(rec: Recommendation, python: string, date: IsoDate): string {
  const own = new Set(
    [...rec.rejected.map((r) => r.tag), ...rec.candidates.map((c) => c.tag)].filter(
      (t) => tryParseTag(t) !== undefined && minorOf(tryParseTag(t)!) === python,
    ),
  );
  if (own.size === 0) return `no python:${python} image is published at ${date}`;
  const ranked = rec.rejectionGroups
    .map((g) => ({ g, n: g.tags.filter((t) => own.has(t)).length }))
    .filter((x) => x.n > 0)
    .sort((a, b) => b.n - a.n);
  // A reason that rejects every image of the minor says it alone.
  const groups = (ranked[0]?.n === own.size ? ranked.slice(0, 1) : ranked.slice(0, 2)).map(
    (x) => `${x.g.code} (${x.g.message})`,
  );
  return `no image of Python ${python} passes: ${groups.join('; ')}`;
}

/**
 * The image `pybase init` writes: the recommendation for the stage (with `python`, its best
 * candidate of that minor). When the stage's policy leaves no image only because of the support it
 * asks (a project allowing only Python 3.11, a year before its end of life), the same decision with
 * only the end of life as limit, and a note that says so. Otherwise no tag, and a note naming the
 * reasons: a project whose requires-python or dependencies exclude every image gets no image rather
 * than one that ignores them.
 */
export async function chooseInitImage(root: string, options: InitImageOptions): Promise<InitImageChoice> {
  const { catalog, date } = options;
  const stage = options.stage ?? 'prod';
  checkMinor(options.python);
  const inputs = await readProjectInputs(root, {
    catalog,
    date,
    ...(options.policy ? { policy: options.policy } : {}),
    offline: options.offline === true || options.index === undefined,
    ...(options.index ? { index: options.index } : {}),
    ...(options.extract ? { extract: options.extract } : {}),
  });
  // A dependency file read with errors (a lock missing entries, an include cycle): an image chosen
  // for incomplete dependencies would be written as if it were right.
  const readError = dependencyReadErrors(inputs.compatibility?.diagnostics ?? [])[0];
  if (readError) throw new PybaseError(readError);
  const decide = async (policy: PolicyInput | undefined) =>
    (
      await recommend(
        recommendInputOf(inputs, { catalog, date, stages: [stage], ...(policy ? { policy } : {}) }),
      )
    ).recommendations[0]!;
  const pick = (rec: Recommendation) =>
    options.python === undefined
      ? rec.candidates[0]
      : rec.candidates.find((c) => c.candidate.python === options.python);
  const why = (rec: Recommendation) =>
    options.python === undefined ? rec.why : minorRejected(rec, options.python, date);
  const strict = await decide(options.policy);
  const chosen = pick(strict);
  if (chosen) return { tag: chosen.tag, how: 'recommended' };
  const months = resolvePolicy(options.policy).minSupportMonths[stage];
  if (months === 0) return { note: why(strict) };
  const relaxed = await decide({
    ...options.policy,
    minSupportMonths: { ...resolvePolicy(options.policy).minSupportMonths, [stage]: 0 },
  });
  const fallback = pick(relaxed);
  if (!fallback) return { note: why(relaxed) };
  const c = fallback.candidate;
  const ends = [
    catalog.pythonLifecycle(c.python, date)?.endOfLife,
    catalog.distroLifecycle(c.distro, date, resolvePolicy(options.policy).debianEol)?.endOfLife,
  ];
  const endText = [
    typeof ends[0] === 'string' ? `Python ${c.python} reaches end of life on ${ends[0]}` : undefined,
    typeof ends[1] === 'string' && ends[1] < addMonths(date, months)
      ? `${c.distro} on ${ends[1]}`
      : undefined,
  ]
    .filter(Boolean)
    .join(', ');
  return {
    tag: fallback.tag,
    how: 'end-of-life-only',
    note: `no image has the ${months} months of support asked for ${stage} (${why(strict)}); python:${fallback.tag} is the best when only the end of life counts${endText ? ` (${endText})` : ''}: plan the move to a newer Python the project allows`,
  };
}

/** How the builder stage installs dependencies. */
export interface DependencyInstall {
  kind: DependencySourceKind | 'none';
  /** The file, relative to the project root. */
  file?: string;
  /**
   * For a requirements file: the files it includes (`-r`, `-c`), directly or not, relative to the
   * root ('/' separators); the image build needs them beside it.
   */
  includes?: string[];
}

/** The most precise dependency file of the project (see findDependencySource). */
export function detectDependencyInstall(root: string): DependencyInstall {
  const found = findDependencySource(root);
  if (!found) return { kind: 'none' };
  const relative = (file: string) => path.relative(root, file).split(path.sep).join('/');
  const install: DependencyInstall = { kind: found.kind, file: relative(found.file) };
  if (found.kind === 'requirements') {
    const includes = requirementIncludes(found.file).map(relative);
    if (includes.length > 0) install.includes = includes;
  }
  return install;
}

/**
 * The files a requirements file includes, directly or not, as the requirements reader follows them
 * (absolute paths, in the order read). A file that cannot be read is left out; the reader reports it
 * when the dependencies are judged.
 */
function requirementIncludes(file: string): string[] {
  const read: string[] = [];
  try {
    parseDependencies(readFileSync(file, 'utf8'), file, 'requirements', {
      readInclude: (included: string) => {
        const text = readFileSync(path.resolve(included), 'utf8');
        if (!read.includes(path.resolve(included))) read.push(path.resolve(included));
        return text;
      },
    });
  } catch {
    // Unreadable: nothing more to copy than the file itself.
  }
  return read;
}

/**
 * COPY lines for the requirements files pip reads to install `installed`, each into its own folder
 * of the build context (one COPY per folder: a COPY of several files flattens them into one
 * destination). Included files outside the project cannot be copied: a comment says so.
 */
function requirementsCopyLines(installed: string, files: readonly string[]): string[] {
  const byFolder = new Map<string, string[]>();
  const outside: string[] = [];
  for (const f of files) {
    if (f.startsWith('../') || path.posix.isAbsolute(f)) {
      outside.push(f);
      continue;
    }
    const folder = path.posix.dirname(f);
    const list = byFolder.get(folder) ?? [];
    if (!list.includes(f)) list.push(f);
    byFolder.set(folder, list);
  }
  const lines = [...byFolder].map(([folder, list]) =>
    folder === '.' ? `COPY ${list.join(' ')} ./` : `COPY ${list.join(' ')} ${folder}/`,
  );
  for (const f of outside) {
    lines.push(
      `# ${installed} includes ${f}, outside the build context: copy it into the project to build this image`,
    );
  }
  return lines;
}

export interface DockerfileOptions {
  /** Fully specified python tag (`3.13.15-slim-trixie`). */
  tag: string;
  /** `sha256:...`, when known. */
  digest?: string;
  install: DependencyInstall;
  /** The command the image runs, in exec form; default `python` with a note to replace it. */
  command?: string[];
  /** The date written in the header comment. */
  date: IsoDate;
}

const venv = '/opt/venv';

/** Builder-stage lines that fill the virtual environment for one kind of dependency file. */
function installLines(install: DependencyInstall): string[] {
  const file = install.file;
  switch (install.kind) {
    case 'uv.lock':
      return [
        'COPY pyproject.toml uv.lock ./',
        'RUN pip install --no-cache-dir uv \\',
        `    && UV_PROJECT_ENVIRONMENT=${venv} uv sync --frozen --no-dev --no-install-project`,
      ];
    case 'poetry.lock':
      return [
        'COPY pyproject.toml poetry.lock ./',
        `RUN pip install --no-cache-dir poetry \\`,
        `    && VIRTUAL_ENV=${venv} POETRY_VIRTUALENVS_CREATE=false poetry install --only main --no-root --no-interaction`,
      ];
    case 'pdm.lock':
      return [
        'COPY pyproject.toml pdm.lock ./',
        'RUN pip install --no-cache-dir pdm \\',
        `    && pdm export --prod --no-hashes -o /tmp/requirements.txt \\`,
        `    && ${venv}/bin/pip install --no-cache-dir -r /tmp/requirements.txt`,
      ];
    case 'Pipfile.lock':
      return [
        'COPY Pipfile Pipfile.lock ./',
        'RUN pip install --no-cache-dir pipenv \\',
        '    && pipenv requirements > /tmp/requirements.txt \\',
        `    && ${venv}/bin/pip install --no-cache-dir -r /tmp/requirements.txt`,
      ];
    case 'requirements': {
      // A file in a folder (requirements/prod.txt) usually includes its neighbours (-r base.txt):
      // the whole folder is copied.
      const folder = path.posix.dirname(file ?? '');
      if (folder !== '.') {
        const elsewhere = (install.includes ?? []).filter((f) => !f.startsWith(`${folder}/`));
        return [
          `COPY ${folder}/ ${folder}/`,
          ...requirementsCopyLines(file ?? '', elsewhere),
          `RUN ${venv}/bin/pip install --no-cache-dir -r ${file}`,
        ];
      }
      return [
        ...requirementsCopyLines(file ?? '', [file ?? 'requirements.txt', ...(install.includes ?? [])]),
        `RUN ${venv}/bin/pip install --no-cache-dir -r ${path.posix.basename(file ?? '')}`,
      ];
    }
    case 'pyproject':
      return ['COPY . .', `RUN ${venv}/bin/pip install --no-cache-dir .`];
    default:
      return ['# no dependency file was found: add one and install it into the virtual environment here'];
  }
}

/** The Dockerfile text. */
export function renderDockerfile(options: DockerfileOptions): string {
  const parsed = tryParseTag(options.tag);
  const alpine = parsed?.variant === 'alpine';
  const image = `python:${options.tag}${options.digest ? `@${options.digest}` : ''}`;
  const addUser = alpine
    ? 'RUN addgroup -S -g 10001 app && adduser -S -D -u 10001 -G app -h /app app'
    : 'RUN groupadd --system --gid 10001 app \\\n    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home app';
  const command = options.command ?? ['python'];
  return [
    '# syntax=docker/dockerfile:1',
    `# Written by pybase init on ${options.date}. The python image is pinned to a full tag${options.digest ? ' and digest' : ''};`,
    '# keep it current with `pybase check` and `pybase fix` (or the Renovate rules of `pybase renovate`).',
    '',
    `FROM ${image} AS builder`,
    'ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \\',
    '    PYTHONDONTWRITEBYTECODE=1',
    'WORKDIR /src',
    `RUN python -m venv ${venv}`,
    ...installLines(options.install),
    '',
    `FROM ${image} AS final`,
    'ENV PYTHONDONTWRITEBYTECODE=1 \\',
    '    PYTHONUNBUFFERED=1 \\',
    `    PATH=${venv}/bin:$PATH`,
    addUser,
    'WORKDIR /app',
    `COPY --from=builder ${venv} ${venv}`,
    'COPY --chown=10001:10001 . /app',
    'USER 10001:10001',
    '',
    '# Build information as labels from build arguments: labels are metadata, so changing them',
    '# never invalidates the cached layers above.',
    'ARG VCS_REF',
    'ARG BUILD_DATE',
    'ARG VERSION',
    'ARG SOURCE',
    'LABEL org.opencontainers.image.revision=$VCS_REF \\',
    '      org.opencontainers.image.created=$BUILD_DATE \\',
    '      org.opencontainers.image.version=$VERSION \\',
    '      org.opencontainers.image.source=$SOURCE \\',
    `      org.opencontainers.image.base.name="docker.io/library/python:${options.tag}"${options.digest ? ' \\' : ''}`,
    ...(options.digest ? [`      org.opencontainers.image.base.digest="${options.digest}"`] : []),
    '',
    ...(options.command ? [] : ['# Replace with the command that starts the application.']),
    `CMD ${JSON.stringify(command)}`,
    '',
  ].join('\n');
}

/** Files the build context leaves out. */
export function renderDockerignore(): string {
  return ['.git', '.venv', 'venv', '__pycache__', '*.pyc', '.pytest_cache', '.mypy_cache', 'dist', ''].join(
    '\n',
  );
}

/** The GitHub workflow that builds, scans, writes an SBOM for and signs the image. */
export function renderContainerWorkflow(): string {
  const a = pinnedActions;
  return `# Written by pybase init. Every action is pinned to the commit of a release (the comment names it).
name: container

on:
  push:
    branches: [main]
    tags: ['v*']
  pull_request:

permissions:
  contents: read

jobs:
  image:
    runs-on: ubuntu-latest
    permissions:
      contents: read
      packages: write
      id-token: write
    steps:
      - uses: ${usesLine(a.checkout)}
      - name: Image name and build information
        id: info
        run: |
          echo "image=ghcr.io/\${GITHUB_REPOSITORY,,}" >> "$GITHUB_OUTPUT"
          echo "created=$(date -u +%Y-%m-%dT%H:%M:%SZ)" >> "$GITHUB_OUTPUT"
      - uses: ${usesLine(a.setupBuildx)}
      - name: Build
        uses: ${usesLine(a.buildPush)}
        with:
          context: .
          load: true
          tags: \${{ steps.info.outputs.image }}:\${{ github.sha }}
          build-args: |
            VCS_REF=\${{ github.sha }}
            BUILD_DATE=\${{ steps.info.outputs.created }}
            VERSION=\${{ github.ref_name }}
            SOURCE=\${{ github.server_url }}/\${{ github.repository }}
      - name: Scan
        uses: ${usesLine(a.trivy)}
        with:
          image-ref: \${{ steps.info.outputs.image }}:\${{ github.sha }}
          severity: CRITICAL,HIGH
          ignore-unfixed: true
          exit-code: '1'
      - name: SBOM
        uses: ${usesLine(a.sbom)}
        with:
          image: \${{ steps.info.outputs.image }}:\${{ github.sha }}
          format: spdx-json
          output-file: sbom.spdx.json
      - name: Log in to the registry
        if: github.event_name != 'pull_request'
        uses: ${usesLine(a.login)}
        with:
          registry: ghcr.io
          username: \${{ github.actor }}
          password: \${{ secrets.GITHUB_TOKEN }}
      - name: Push
        id: push
        if: github.event_name != 'pull_request'
        uses: ${usesLine(a.buildPush)}
        with:
          context: .
          push: true
          tags: \${{ steps.info.outputs.image }}:\${{ github.sha }}
          build-args: |
            VCS_REF=\${{ github.sha }}
            BUILD_DATE=\${{ steps.info.outputs.created }}
            VERSION=\${{ github.ref_name }}
            SOURCE=\${{ github.server_url }}/\${{ github.repository }}
      - uses: ${usesLine(a.cosignInstaller)}
        if: github.event_name != 'pull_request'
      - name: Sign the image and attach the SBOM
        if: github.event_name != 'pull_request'
        env:
          IMAGE: \${{ steps.info.outputs.image }}@\${{ steps.push.outputs.digest }}
        run: |
          cosign sign --yes "$IMAGE"
          cosign attest --yes --type spdxjson --predicate sbom.spdx.json "$IMAGE"
`;
}

export interface InitOptions {
  date: IsoDate;
  /** Fully specified python tag for both stages; see chooseInitTag. */
  tag: string;
  /** Asked for the digest of `python:<tag>`; a failure leaves the digest out (see `digestError`). */
  resolveDigest?: DigestResolver;
  /** Overwrite files that exist. */
  force?: boolean;
}

export interface InitResult {
  tag: string;
  digest?: string;
  /** Why the digest could not be resolved, when a resolver was given. */
  digestError?: string;
  install: DependencyInstall;
  /** Paths written, relative to the root. */
  written: string[];
}

/** The files init writes, relative to the root. */
export const initFiles = ['Dockerfile', '.dockerignore', '.github/workflows/container.yml'] as const;

/** The command of the image: a `main.py`, `app.py` or Django `manage.py` at the root, else none. */
function guessCommand(root: string): string[] | undefined {
  if (existsSync(path.join(root, 'manage.py'))) return ['python', 'manage.py', 'runserver', '0.0.0.0:8000'];
  for (const f of ['main.py', 'app.py']) if (existsSync(path.join(root, f))) return ['python', f];
  return undefined;
}

/** Where one of init's files goes: its own name, or the real file a symbolic link in the root leads to. */
interface InitTarget {
  rel: (typeof initFiles)[number];
  /** The path written: the file itself, or (with --force) the real file behind a link inside the root. */
  file: string;
  /** Something is there already (only with --force: it is replaced). */
  exists: boolean;
}

function initRefusal(rel: string, why: string, hint: string, file?: string): PybaseError {
  return new PybaseError({
    code: inputCodes.unreadableFile,
    severity: 'error',
    message: `init: ${rel} ${why}; nothing written`,
    ...(file ? { location: { file, startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 } } : {}),
    hint,
  });
}

function isInsideDir(dir: string, candidate: string): boolean {
  return candidate.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep);
}

/**
 * Where each of init's files goes, or a PybaseError naming the first that cannot be written: one
 * that exists without `force`, a directory or other non-file under its name, a symbolic link that
 * leads outside the root or nowhere, a folder on its way that is a file or leads outside the root.
 */
function initTargets(root: string, force: boolean): InitTarget[] {
  if (!statSync(root, { throwIfNoEntry: false })?.isDirectory()) {
    throw new PybaseError({
      code: inputCodes.unreadableFile,
      severity: 'error',
      message: `init: ${root} is not a directory`,
      hint: 'give the root directory of the project',
    });
  }
  const realRoot = realpathSync(root);
  const targets: InitTarget[] = [];
  for (const rel of initFiles) {
    const file = path.join(root, rel);
    // The folders on the way: each one that exists must be a directory inside the root.
    const parts = rel.split('/');
    for (let i = 1; i < parts.length; i++) {
      const folder = parts.slice(0, i).join('/');
      const abs = path.join(root, folder);
      const info = lstatSync(abs, { throwIfNoEntry: false });
      if (!info) break;
      const real = info.isSymbolicLink() ? tryRealpath(abs) : abs;
      if (!real || !statSync(real, { throwIfNoEntry: false })?.isDirectory()) {
        throw initRefusal(
          folder,
          `is not a directory, and pybase init writes ${rel} in it`,
          `move ${folder} away, or write ${rel} by hand`,
          abs,
        );
      }
      if (info.isSymbolicLink() && !isInsideDir(realRoot, real)) {
        throw initRefusal(
          folder,
          'is a symbolic link that leads outside the project, and pybase init never writes outside it',
          `replace the link by a directory, or write ${rel} by hand`,
          abs,
        );
      }
    }
    const info = lstatSync(file, { throwIfNoEntry: false });
    if (!info) {
      targets.push({ rel, file, exists: false });
      continue;
    }
    if (!force) {
      throw new PybaseError({
        code: inputCodes.usage,
        severity: 'error',
        message: `init: ${rel} already exists; pybase init does not overwrite it`,
        location: { file, startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 },
        hint: 'pass --force to replace it, or check the existing file with pybase check',
      });
    }
    let real = file;
    if (info.isSymbolicLink()) {
      const resolved = tryRealpath(file);
      if (resolved === undefined || !isInsideDir(realRoot, resolved)) {
        throw initRefusal(
          rel,
          resolved === undefined
            ? 'is a symbolic link that leads nowhere, and pybase init --force does not follow it'
            : `is a symbolic link that leads outside the project (${resolved}), and pybase init never writes outside it`,
          `remove the link (rm ${rel}) and run pybase init again`,
          file,
        );
      }
      real = resolved;
    }
    if (!statSync(real).isFile()) {
      throw initRefusal(
        rel,
        'is not a regular file (a directory or a special file), and --force only replaces files',
        `move ${rel} away and run pybase init again`,
        file,
      );
    }
    targets.push({ rel, file: real, exists: true });
  }
  return targets;
}

function tryRealpath(file: string): string | undefined {
  try {
    return realpathSync(file);
  } catch {
    return undefined;
  }
}

/**
 * Throws PybaseError when `root` is not a directory, or (without `force`) when one of the files init
 * writes exists, naming it, or when one of them cannot be written there (a directory under its name,
 * a symbolic link out of the project, a folder on its way that is a file). `initProject` checks this
 * itself; callers that first do costly work (choosing the image) check it before.
 */
export function assertInitWritable(root: string, force: boolean): void {
  initTargets(root, force);
}

/**
 * Writes init's files together: each to a temporary file beside it first (flushed to disk), then
 * each put in place, a new file only while its name is still free (a file created meanwhile is not
 * overwritten), a replaced one by a rename. When one of them fails, the temporary files and the files
 * already put in place are removed, and the folders made for them: the project is as it was (a file
 * replaced by --force keeps its new content).
 */
async function writeInitFiles(
  targets: readonly InitTarget[],
  contents: Record<string, string>,
): Promise<void> {
  const staged: { target: InitTarget; temp: string }[] = [];
  const created: string[] = [];
  /** Folders made for the files, deepest first: removed again (when empty) if the writing fails. */
  const madeDirs: string[] = [];
  let current: InitTarget | undefined;
  try {
    for (const target of targets) {
      current = target;
      const dir = path.dirname(target.file);
      const made = await mkdir(dir, { recursive: true });
      if (made !== undefined) {
        for (let d = dir; d.length >= made.length; d = path.dirname(d)) madeDirs.push(d);
      }
      const temp = path.join(
        path.dirname(target.file),
        `.${path.basename(target.file)}.pybase-${process.pid}-${randomBytes(4).toString('hex')}.tmp`,
      );
      // Tracked before it exists: an interruption while it is being created removes it too.
      trackTemp(temp);
      staged.push({ target, temp });
      const handle = await open(temp, 'wx', 0o666);
      try {
        await handle.writeFile(contents[target.rel] ?? '', 'utf8');
        if (target.exists) await handle.chmod(Number((await stat(target.file)).mode & 0o7777));
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
    for (const { target, temp } of staged) {
      current = target;
      if (target.exists) {
        await rename(temp, target.file);
      } else {
        // link() fails when the name was taken meanwhile: a file made by someone else stays.
        await link(temp, target.file);
        created.push(target.file);
        await unlink(temp);
      }
      untrackTemp(temp);
    }
  } catch (error) {
    for (const { temp } of staged) {
      await unlink(temp).catch(() => undefined);
      untrackTemp(temp);
    }
    for (const file of created) await unlink(file).catch(() => undefined);
    for (const dir of madeDirs) await rmdir(dir).catch(() => undefined);
    const reason = error instanceof Error ? error.message : String(error);
    const rel = current?.rel ?? 'a file';
    const raced =
      (error as NodeJS.ErrnoException)?.code === 'EEXIST' && current !== undefined && !current.exists;
    throw initRefusal(
      rel,
      raced
        ? 'was created by another program while pybase init was writing'
        : `cannot be written (${reason})`,
      raced
        ? 'look at that file, then run pybase init again (--force replaces it)'
        : 'make the folder writable, or run pybase init where you can write',
      current?.file,
    );
  }
}

/**
 * Write the Dockerfile, .dockerignore and the container workflow into `root`. Throws PybaseError
 * (naming the file) when one of them exists and `force` is not set; then nothing is written.
 */
export async function initProject(root: string, options: InitOptions): Promise<InitResult> {
  const targets = initTargets(root, options.force === true);
  let digest: string | undefined;
  let digestError: string | undefined;
  if (options.resolveDigest) {
    try {
      const d = await options.resolveDigest(`python:${options.tag}`);
      if (/^sha256:[0-9a-f]{64}$/.test(d)) digest = d;
      else digestError = `the registry answered '${d}', which is not a sha256 digest`;
    } catch (err) {
      digestError = err instanceof Error ? err.message : String(err);
    }
  }
  const install = detectDependencyInstall(root);
  const command = guessCommand(root);
  const contents: Record<(typeof initFiles)[number], string> = {
    Dockerfile: renderDockerfile({
      tag: options.tag,
      ...(digest ? { digest } : {}),
      install,
      ...(command ? { command } : {}),
      date: options.date,
    }),
    '.dockerignore': renderDockerignore(),
    '.github/workflows/container.yml': renderContainerWorkflow(),
  };
  await writeInitFiles(targets, contents);
  return {
    tag: options.tag,
    ...(digest ? { digest } : {}),
    ...(digestError ? { digestError } : {}),
    install,
    written: [...initFiles],
  };
}
