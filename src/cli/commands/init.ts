import path from 'node:path';
import {
  type Catalog,
  chooseInitTag,
  createCatalog,
  createRegistryClient,
  type IsoDate,
  initProject,
  isoDateOf,
  loadDockerConfig,
  parseIsoDate,
  type RecommendStage,
  recommendStages,
  registryDigestResolver,
  tryParseTag,
} from '../../index.js';
import { parseCommandArgs, stringOption, usageError } from '../args.js';
import type { Io } from '../io.js';
import type { Command } from '../main.js';
import { snapshotPathOf } from './tag.js';

const help = `Usage: pybase init [PATH] [options]

Write a starting Dockerfile, .dockerignore and .github/workflows/container.yml for a project
(PATH, default: the current directory) that has none:
  - Dockerfile: a builder stage that installs the dependencies into /opt/venv from the project's
    lock or requirements file (uv.lock, poetry.lock, pdm.lock, Pipfile.lock, requirements*.txt,
    pyproject.toml), and a final stage on a fully pinned python image, run as a non-root user,
    with OCI labels from the build arguments VCS_REF, BUILD_DATE, VERSION and SOURCE;
  - container.yml: build, scan (Trivy), SBOM (Syft), sign (cosign), every action pinned to a
    release commit.
The image is pybase's recommendation for the stage when available, else the newest supported
X.Y.Z-slim-<newest Debian> at the date. Its digest is asked from the registry unless --offline.

Options:
  --stage STAGE        the stage the image serves: dev, ci, prod (default), prod-ai
  --python X.Y         use this Python minor
  --force              overwrite files that exist (by default: exit 2 naming the file)
  --offline            do not ask the registry for the digest
  --date YYYY-MM-DD    choose as of that date (default: today)
  --data-dir DIR       use DIR/snapshot.json, a refreshed data snapshot

Exit codes: 0 written, 2 usage or input error (a file exists, no supported image).
`;

/** The recommendation for the stage, when the recommendation engine is part of this build. */
async function recommendedTag(
  root: string,
  catalog: Catalog,
  date: IsoDate,
  stage: RecommendStage,
  python: string | undefined,
): Promise<string | undefined> {
  // Looked up by name so that init keeps working in builds without the recommendation engine.
  const lib = (await import('../../index.js')) as Record<string, unknown>;
  const recommend = lib.recommendProject;
  if (typeof recommend !== 'function') return undefined;
  try {
    const result = (await recommend(root, { catalog, date, stages: [stage], offline: true })) as {
      recommendations?: { tag?: string }[];
    };
    const tag = result.recommendations?.[0]?.tag;
    const parsed = tag ? tryParseTag(tag) : undefined;
    if (!tag || !parsed || parsed.precision !== 'patch' || !parsed.distro || !catalog.isPublished(tag, date))
      return undefined;
    if (python !== undefined && !tag.startsWith(`${python}.`)) return undefined;
    return tag;
  } catch {
    return undefined;
  }
}

export const command: Command = {
  summary: 'write a pinned multi-stage Dockerfile and a build, scan, SBOM and sign workflow',
  help,
  async run(argv, io: Io) {
    const { values, positionals } = parseCommandArgs(
      'init',
      argv,
      { stage: { type: 'string' }, python: { type: 'string' }, force: { type: 'boolean' } },
      1,
    );
    const stage = (stringOption(values, 'stage') ?? 'prod') as RecommendStage;
    if (!recommendStages.includes(stage)) {
      throw usageError(`init: --stage wants one of ${recommendStages.join(', ')}, got '${stage}'`, 'init');
    }
    const date = parseIsoDate(stringOption(values, 'date') ?? isoDateOf(io.now), '--date');
    const root = path.resolve(io.cwd, positionals[0] ?? '.');
    const snapshotPath = snapshotPathOf(values);
    const catalog = createCatalog(snapshotPath ? { snapshotPath: path.resolve(io.cwd, snapshotPath) } : {});
    const python = stringOption(values, 'python');
    const recommended = await recommendedTag(root, catalog, date, stage, python);
    const tag = recommended ?? chooseInitTag({ catalog, date, ...(python !== undefined ? { python } : {}) });
    const client =
      values.offline === true
        ? undefined
        : createRegistryClient({ dockerConfig: await loadDockerConfig({ env: io.env }) });
    try {
      const result = await initProject(root, {
        date,
        tag,
        force: values.force === true,
        ...(client ? { resolveDigest: registryDigestResolver(client) } : {}),
      });
      for (const file of result.written) io.out(`wrote ${file}\n`);
      io.out(
        `image: python:${result.tag}${result.digest ? `@${result.digest}` : ''} (${recommended ? `recommended for ${stage}` : 'newest supported slim image'})\n`,
      );
      io.out(
        `dependencies: ${result.install.kind === 'none' ? 'no dependency file found' : `installed from ${result.install.file}`}\n`,
      );
      if (!result.digest) {
        io.out(
          `digest: not pinned${result.digestError ? ` (${result.digestError})` : ''}; run 'pybase fix --pin-digest' when the registry is reachable\n`,
        );
      }
      return 0;
    } finally {
      await client?.close();
    }
  },
};
