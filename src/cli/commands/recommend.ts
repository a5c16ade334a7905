import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  type Appetite,
  type Arch,
  checkArchitectures,
  defaultArchs,
  dependencySourceKind,
  extractOptionsOf,
  findDependencySource,
  inputCodes,
  type LibcChoice,
  loadConfig,
  type PolicyInput,
  PybaseError,
  parseVulnerabilityReportAsync,
  type RecommendStage,
  recommendPolicyOf,
  recommendProject,
  recommendStages,
  registryDigestResolver,
  renderRecommendJson,
  renderRecommendMarkdown,
  renderRecommendText,
  resolveCacheDir,
  type VulnerabilityReport,
} from '../../index.js';
import {
  dataDirOption,
  dateOption,
  jsonOption,
  listOption,
  type OptionSpecs,
  parseCommandArgs,
  stringOption,
  timeoutOption,
  usageError,
} from '../args.js';
import {
  catalogOf,
  commandDate,
  linuxArchsOf,
  noteDependencyChoice,
  noteStaleData,
  projectRoot,
  reportDependencyErrors,
} from '../context.js';
import type { Io } from '../io.js';
import type { Command } from '../main.js';
import { indexOptions, indexOptionsHelp, reportNetworkFailures } from '../network-options.js';

const help = `Usage: pybase recommend [PATH] [options]

The python image tag to use, per stage, and why: every fully specified tag published at the date
is a candidate; hard constraints reject some (each with a reason code); the survivors are ranked
for the stage; the winner is written at the stage's precision (dev X.Y-slim-DISTRO, ci
X.Y.Z-slim-DISTRO, prod X.Y.Z-slim-DISTRO@sha256:...). The current references get a move each;
the Python version statements (.python-version, setup-python, runtime.txt, ...) are listed after
them, with the version they follow the images to, or why they stay.

  PATH                     project root (default: .)
  --stage S                dev, ci, prod or prod-ai; repeatable (default: the stages the repository
                           uses, plus prod, plus prod-ai when ML packages are locked)
  --arch A                 architecture the image must serve; repeatable (default: amd64, arm64)
  --date YYYY-MM-DD        answer as of that date (default: today)
  --data-dir DIR           use DIR/snapshot.json, a refreshed data snapshot
  --format F               text (default), json or markdown
  --json                   same as --format json
  --libc L                 glibc, musl or any (default any)
  --prefer-small           with --libc any, let alpine win when every dependency has musl wheels
  --glibc-only NAME        an SDK or package that only runs on glibc; repeatable (no alpine then)
  --appetite A             patch (stay on the current minor), minor (default: no downgrade), any
  --min-support-months N   remaining support of Python and distro for every stage
                           (default: prod 12, ci 6, dev 0)
  --debian-eol POLICY      security (default) or lts: which Debian date counts as end of life
  --allow-build            accept building sdists on images without a compiler
  --prereleases            accept pre-release Pythons
  --vulns FILE             a Trivy or Grype JSON report of an image; repeatable
  --max-critical N, --max-high N, --max-medium N, --max-low N
                           most vulnerabilities of a severity a reported image may have
  --deps FILE              the dependency file to read (default: the most precise lock found)
  --config FILE            read the configuration from FILE instead of pybase.toml / pyproject.toml
  --offline                no network: no index look-ups, no digests
  --no-cache               analyse the dependencies even when a stored analysis for the same
                           inputs exists, and store nothing
${indexOptionsHelp(27)}
The policy is read from [tool.pybase.policy] (pybase.toml: [policy]), with the top-level keys
archs, glibc-only and debian-eol-policy; a flag overrides the configuration.

Exit codes: 0 a recommendation for every stage, 1 some stage has none, 2 usage or input error.
`;

function count(values: Record<string, unknown>, name: string): number | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !/^\d+$/.test(v)) {
    throw usageError(`recommend: --${name} must be a whole number, not '${String(v)}'`, 'recommend');
  }
  return Number(v);
}

function oneOf<T extends string>(
  value: string | undefined,
  allowed: readonly T[],
  name: string,
): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw usageError(
      `recommend: --${name} must be one of ${allowed.join(', ')}, not '${value}'`,
      'recommend',
    );
  }
  return value as T;
}

/** Architectures named by flags or by the configuration's `archs`. */
export function archsOf(values: readonly string[], where: string): Arch[] {
  return linuxArchsOf(values, 'recommend', where);
}

const options: OptionSpecs = {
  ...dateOption,
  ...dataDirOption,
  ...jsonOption,
  ...timeoutOption,
  stage: { type: 'string', multiple: true },
  arch: { type: 'string', multiple: true },
  format: { type: 'string' },
  libc: { type: 'string' },
  'prefer-small': { type: 'boolean' },
  'glibc-only': { type: 'string', multiple: true },
  appetite: { type: 'string' },
  'min-support-months': { type: 'string' },
  'debian-eol': { type: 'string' },
  'allow-build': { type: 'boolean' },
  prereleases: { type: 'boolean' },
  vulns: { type: 'string', multiple: true },
  'max-critical': { type: 'string' },
  'max-high': { type: 'string' },
  'max-medium': { type: 'string' },
  'max-low': { type: 'string' },
  deps: { type: 'string' },
  config: { type: 'string' },
  'no-cache': { type: 'boolean' },
  ...indexOptions,
};

export const command: Command = {
  summary: 'the python image tag to use, per stage, and why',
  help,
  options,
  async run(argv, io: Io) {
    const { values, positionals } = parseCommandArgs('recommend', argv, options, 1);
    const date = commandDate(values, io);
    noteStaleData(values, io, date);
    const format =
      oneOf(stringOption(values, 'format'), ['text', 'json', 'markdown'] as const, 'format') ??
      (values.json === true ? 'json' : 'text');
    const stages = listOption(values, 'stage').map(
      (s) => oneOf(s, recommendStages, 'stage') as RecommendStage,
    );
    const archs = archsOf(listOption(values, 'arch'), '--arch');
    const libc = oneOf<LibcChoice>(stringOption(values, 'libc'), ['glibc', 'musl', 'any'], 'libc');
    const appetite = oneOf<Appetite>(stringOption(values, 'appetite'), ['patch', 'minor', 'any'], 'appetite');
    const debianEol = oneOf(stringOption(values, 'debian-eol'), ['security', 'lts'] as const, 'debian-eol');
    const months = count(values, 'min-support-months');
    const flagLimits: PolicyInput['vulnLimits'] = {};
    for (const s of ['critical', 'high', 'medium', 'low'] as const) {
      const n = count(values, `max-${s}`);
      if (n !== undefined) flagLimits[s] = n;
    }
    const glibcOnly = listOption(values, 'glibc-only');
    // Flags are laid over the configuration: only the ones given count.
    const flags: PolicyInput = {
      ...(libc ? { libc } : {}),
      ...(appetite ? { appetite } : {}),
      ...(debianEol ? { debianEol } : {}),
      ...(months !== undefined ? { minSupportMonths: months } : {}),
      ...(values['prefer-small'] === true ? { preferSmall: true } : {}),
      ...(glibcOnly.length > 0 ? { glibcOnly } : {}),
      ...(values['allow-build'] === true ? { allowBuild: true } : {}),
      ...(values.prereleases === true ? { prereleases: true } : {}),
    };
    const vulnerabilities: VulnerabilityReport[] = [];
    for (const file of listOption(values, 'vulns')) {
      const full = path.resolve(io.cwd, file);
      const text = await readFile(full, 'utf8').catch((err: NodeJS.ErrnoException) => {
        throw new PybaseError({
          code: inputCodes.unreadableFile,
          severity: 'error',
          message: `recommend: cannot read ${file}: ${err.message}`,
        });
      });
      vulnerabilities.push(await parseVulnerabilityReportAsync(text, file));
    }
    const root = await projectRoot('recommend', positionals, io, {
      dependencyFile: (file) => dependencySourceKind(file) !== undefined,
    });
    const configFile = stringOption(values, 'config');
    const config = await loadConfig(root, configFile ? { configFile, cwd: io.cwd } : {});
    const fromConfig = recommendPolicyOf(config);
    const policy: PolicyInput = {
      ...fromConfig,
      ...flags,
      vulnLimits: { ...(fromConfig.vulnLimits ?? {}), ...flagLimits },
    };
    const configArchs = archs.length > 0 ? [] : archsOf(config.archs ?? [], `'archs' of ${config.source}`);
    const offline = values.offline === true;
    const catalog = catalogOf(values, io);
    // The network clients are loaded only when the command goes online.
    const network = offline ? undefined : await import('../network.js');
    const client = await network?.openRegistry(values, io, 'recommend');
    const opened = await network?.openIndex(values, io, 'recommend', [], config);
    const deps = stringOption(values, 'deps');
    if (deps === undefined)
      noteDependencyChoice(findDependencySource(root), io, 'read another with --deps FILE');
    const cacheDir = stringOption(values, 'cache-dir');
    try {
      const result = await recommendProject(root, {
        catalog,
        date,
        // Architectures that cannot be judged at the date are refused before any dependency is judged.
        checkCandidates: (candidates) =>
          checkArchitectures(
            catalog,
            candidates,
            archs.length > 0 ? archs : configArchs.length > 0 ? configArchs : defaultArchs,
            date,
            { command: 'recommend' },
          ),
        ...(stages.length ? { stages } : {}),
        ...(archs.length ? { archs } : configArchs.length ? { archs: configArchs } : {}),
        policy,
        vulnerabilities,
        ...(deps ? { deps: path.resolve(io.cwd, deps) } : {}),
        // The files as check reads them: the configuration's exclude, stages and build arguments.
        extract: extractOptionsOf(config),
        offline,
        ...(opened ? { index: opened.index } : {}),
        ...(client ? { resolveDigest: registryDigestResolver(client) } : {}),
        ...(values['no-cache'] === true
          ? {}
          : {
              cacheDir: path.join(
                resolveCacheDir({ env: io.env, ...(cacheDir !== undefined ? { cacheDir } : {}) }),
                'deps',
              ),
            }),
      });
      io.out(
        format === 'json'
          ? renderRecommendJson(result)
          : format === 'markdown'
            ? renderRecommendMarkdown(result)
            : renderRecommendText(result),
      );
      const network = reportNetworkFailures(result.diagnostics, io);
      if (reportDependencyErrors(result.diagnostics, io) || network) return 2;
      return result.recommendations.every((r) => r.reference !== undefined) ? 0 : 1;
    } finally {
      await client?.close();
      await opened?.close();
    }
  },
};
