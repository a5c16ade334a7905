import {
  assertInitWritable,
  chooseInitImage,
  createCatalog,
  extractOptionsOf,
  findDependencySource,
  type InitImageChoice,
  initProject,
  loadConfig,
  type RecommendStage,
  recommendPolicyOf,
  recommendStages,
  registryDigestResolver,
} from '../../index.js';
import {
  dataDirOption,
  dateOption,
  type OptionSpecs,
  parseCommandArgs,
  stringOption,
  timeoutOption,
  usageError,
} from '../args.js';
import { commandDate, noteDependencyChoice, noteStaleData, projectRoot, snapshotPathOf } from '../context.js';
import type { Io } from '../io.js';
import type { Command } from '../main.js';
import { openIndex, openRegistry } from '../network.js';
import { indexOptions, indexOptionsHelp } from '../network-options.js';

const help = `Usage: pybase init [PATH] [options]

Write a starting Dockerfile, .dockerignore and .github/workflows/container.yml for a project
(PATH, default: the current directory) that has none:
  - Dockerfile: a builder stage that installs the dependencies into /opt/venv from the project's
    lock or requirements file (uv.lock, poetry.lock, pdm.lock, Pipfile.lock, requirements*.txt,
    pyproject.toml), and a final stage on a fully pinned python image, run as a non-root user,
    with OCI labels from the build arguments VCS_REF, BUILD_DATE, VERSION and SOURCE;
  - container.yml: build, scan (Trivy), SBOM (Syft), sign (cosign), every action pinned to a
    release commit.
The image is what pybase recommend proposes for the stage (policy from [tool.pybase.policy]); with
--python, its best candidate of that minor. When no image has the support the stage asks (a project
that allows only a Python near its end of life), the same decision with only the end of life as the
limit, and a note says so. The project's requires-python and its dependency verdicts always hold:
when no image fits them, nothing is written. Its digest is asked from the registry unless --offline.

Options:
  --stage STAGE        the stage the image serves: dev, ci, prod (default), prod-ai
  --python X.Y         use this Python minor
  --force              overwrite files that exist (by default: exit 2 naming the file)
  --offline            do not ask the registry for the digest, nor the package index
  --date YYYY-MM-DD    choose as of that date (default: today)
  --data-dir DIR       use DIR/snapshot.json, a refreshed data snapshot
${indexOptionsHelp(23)}
Exit codes: 0 written, 1 no image fits the project (nothing written; the reasons on stderr),
2 usage or input error (a file exists).
`;

const options: OptionSpecs = {
  ...dateOption,
  ...dataDirOption,
  ...timeoutOption,
  stage: { type: 'string' },
  python: { type: 'string' },
  force: { type: 'boolean' },
  ...indexOptions,
};

export const command: Command = {
  summary: 'write a pinned multi-stage Dockerfile and a build, scan, SBOM and sign workflow',
  help,
  options,
  async run(argv, io: Io) {
    const { values, positionals } = parseCommandArgs('init', argv, options, 1);
    const stage = (stringOption(values, 'stage') ?? 'prod') as RecommendStage;
    if (!recommendStages.includes(stage)) {
      throw usageError(`init: --stage wants one of ${recommendStages.join(', ')}, got '${stage}'`, 'init');
    }
    const date = commandDate(values, io);
    noteStaleData(values, io, date);
    const root = await projectRoot('init', positionals, io);
    const snapshotPath = snapshotPathOf(values, io);
    const catalog = createCatalog(snapshotPath ? { snapshotPath } : {});
    const python = stringOption(values, 'python');
    assertInitWritable(root, values.force === true);
    const config = await loadConfig(root);
    const policy = recommendPolicyOf(config);
    noteDependencyChoice(
      findDependencySource(root),
      io,
      'the Dockerfile installs that one; edit it to install another',
    );
    const opened = values.offline === true ? undefined : await openIndex(values, io, 'init', [], config);
    let choice: InitImageChoice;
    try {
      choice = await chooseInitImage(root, {
        catalog,
        date,
        stage,
        policy,
        ...(python !== undefined ? { python } : {}),
        offline: values.offline === true,
        ...(opened ? { index: opened.index } : {}),
        extract: extractOptionsOf(config),
      });
    } finally {
      await opened?.close();
    }
    const tag = choice.tag;
    if (tag === undefined) {
      io.err(
        `pybase: init: no image fits the project for ${stage}: ${choice.note ?? 'no reason known'}; nothing written\n`,
      );
      return 1;
    }
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
        `image: python:${result.tag}${result.digest ? `@${result.digest}` : ''} (${choice.how === 'recommended' ? `recommended for ${stage}` : `for ${stage} with only the end of life as support limit`})\n`,
      );
      if (choice.note) io.out(`note: ${choice.note}\n`);
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
