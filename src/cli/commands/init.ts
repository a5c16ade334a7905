import path from 'node:path';
import {
  type Catalog,
  chooseInitTag,
  createCatalog,
  findDependencySource,
  type IndexClient,
  type IsoDate,
  initProject,
  loadConfig,
  minorOf,
  type PolicyInput,
  type RecommendStage,
  recommendPolicyOf,
  recommendProject,
  recommendStages,
  registryDigestResolver,
  tryParseTag,
} from '../../index.js';
import { parseCommandArgs, stringOption, usageError } from '../args.js';
import { commandDate, noteDependencyChoice, noteStaleData, snapshotPathOf } from '../context.js';
import type { Io } from '../io.js';
import type { Command } from '../main.js';
import { openIndex, openRegistry } from '../network.js';
import { indexOptions } from '../network-options.js';

const help = `Usage: pybase init [PATH] [options]

Write a starting Dockerfile, .dockerignore and .github/workflows/container.yml for a project
(PATH, default: the current directory) that has none:
  - Dockerfile: a builder stage that installs the dependencies into /opt/venv from the project's
    lock or requirements file (uv.lock, poetry.lock, pdm.lock, Pipfile.lock, requirements*.txt,
    pyproject.toml), and a final stage on a fully pinned python image, run as a non-root user,
    with OCI labels from the build arguments VCS_REF, BUILD_DATE, VERSION and SOURCE;
  - container.yml: build, scan (Trivy), SBOM (Syft), sign (cosign), every action pinned to a
    release commit.
The image is what pybase recommend proposes for the stage (policy from [tool.pybase.policy]); when
it has no recommendation (or none of the --python minor), the newest supported X.Y.Z-slim-<newest
Debian> at the date, and the output says so. Its digest is asked from the registry unless --offline.

Options:
  --stage STAGE        the stage the image serves: dev, ci, prod (default), prod-ai
  --python X.Y         use this Python minor
  --force              overwrite files that exist (by default: exit 2 naming the file)
  --offline            do not ask the registry for the digest, nor the package index
  --date YYYY-MM-DD    choose as of that date (default: today)
  --data-dir DIR       use DIR/snapshot.json, a refreshed data snapshot

Exit codes: 0 written, 2 usage or input error (a file exists, no supported image).
`;

/** The recommended tag for the stage, or why there is none that init can write. */
type Recommended = { tag: string } | { why: string };

async function recommendedTag(
  root: string,
  catalog: Catalog,
  date: IsoDate,
  stage: RecommendStage,
  python: string | undefined,
  policy: PolicyInput,
  index: IndexClient | undefined,
): Promise<Recommended> {
  const result = await recommendProject(root, {
    catalog,
    date,
    stages: [stage],
    policy,
    offline: index === undefined,
    ...(index ? { index } : {}),
  });
  const rec = result.recommendations[0];
  const tag = rec?.tag;
  if (!rec || !tag)
    return { why: `pybase recommend has no recommendation for ${stage}: ${rec?.why ?? 'no result'}` };
  if (python !== undefined && minorOf(tryParseTag(tag)!) !== python) {
    // The recommendation is for another minor: take the best candidate of the minor asked, if any.
    const same = rec.candidates.find((c) => c.candidate.python === python);
    if (same) return { tag: same.tag };
    return {
      why: `no image of Python ${python} passes the constraints of ${stage} (pybase recommend ${stage}: ${tag})`,
    };
  }
  return { tag };
}

export const command: Command = {
  summary: 'write a pinned multi-stage Dockerfile and a build, scan, SBOM and sign workflow',
  help,
  async run(argv, io: Io) {
    const { values, positionals } = parseCommandArgs(
      'init',
      argv,
      { stage: { type: 'string' }, python: { type: 'string' }, force: { type: 'boolean' }, ...indexOptions },
      1,
    );
    const stage = (stringOption(values, 'stage') ?? 'prod') as RecommendStage;
    if (!recommendStages.includes(stage)) {
      throw usageError(`init: --stage wants one of ${recommendStages.join(', ')}, got '${stage}'`, 'init');
    }
    const date = commandDate(values, io);
    noteStaleData(values, io, date);
    const root = path.resolve(io.cwd, positionals[0] ?? '.');
    const snapshotPath = snapshotPathOf(values, io);
    const catalog = createCatalog(snapshotPath ? { snapshotPath } : {});
    const python = stringOption(values, 'python');
    const config = await loadConfig(root);
    const policy = recommendPolicyOf(config);
    noteDependencyChoice(
      findDependencySource(root),
      io,
      'the Dockerfile installs that one; edit it to install another',
    );
    const opened = values.offline === true ? undefined : await openIndex(values, io, 'init', [], config);
    let recommended: Recommended;
    try {
      recommended = await recommendedTag(root, catalog, date, stage, python, policy, opened?.index);
    } finally {
      await opened?.close();
    }
    const tag =
      'tag' in recommended
        ? recommended.tag
        : chooseInitTag({
            catalog,
            date,
            ...(python !== undefined ? { python } : {}),
            ...(policy.debianEol ? { debianEol: policy.debianEol } : {}),
          });
    const client = values.offline === true ? undefined : await openRegistry(values, io, 'init');
    try {
      const result = await initProject(root, {
        date,
        tag,
        force: values.force === true,
        ...(client ? { resolveDigest: registryDigestResolver(client) } : {}),
      });
      for (const file of result.written) io.out(`wrote ${file}\n`);
      io.out(
        `image: python:${result.tag}${result.digest ? `@${result.digest}` : ''} (${'tag' in recommended ? `recommended for ${stage}` : 'newest supported slim image'})\n`,
      );
      if ('why' in recommended) {
        io.out(`note: ${recommended.why}; the newest supported slim image was used instead\n`);
      }
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
