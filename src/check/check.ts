/**
 * `runCheck`: extract every image reference and version statement of a project, judge them with
 * the rules, apply configuration and ignore pragmas, and return one sorted result.
 */
import path from 'node:path';
import { type Catalog, createCatalog } from '../catalog/catalog.js';
import { tryParseReference } from '../catalog/reference.js';
import { isFullySpecified } from '../catalog/tag.js';
import {
  extractOptionsOf,
  type PybaseConfig,
  recommendPolicyOf,
  withConfigDefaults,
} from '../config/load.js';
import { defaultArchs } from '../deps/candidates.js';
import { dependenciesToLookUp, lookUpDependencies } from '../deps/engine.js';
import {
  createDependencyFacts,
  type DependencyFactsOptions,
  nameList,
  readDependencySet,
} from '../deps/facts.js';
import { extractProject } from '../files/extract.js';
import { type IsoDate, parseIsoDate } from '../model/date.js';
import type { DependencySet } from '../model/dependencies.js';
import { atLeast, type Diagnostic, inputCodes, isPybaseError, type Severity } from '../model/diagnostic.js';
import type { PythonTag } from '../model/image-ref.js';
import { type Arch, normalizeArch } from '../model/platform.js';
import type { ExtractedReference, Extraction } from '../model/project.js';
import type { Stage } from '../model/stage.js';
import { resolvePolicy } from '../recommend/policy.js';
import { findingStage } from '../rules/finding.js';
import { placeableImages } from '../rules/helpers.js';
import { rules as allRules } from '../rules/index.js';
import type {
  ImageFacts,
  ImageStatus,
  PythonReference,
  Rule,
  RuleCatalog,
  RuleContext,
  RuleLevel,
} from '../rules/types.js';
import type { IndexClient, IndexProgress, ProjectLookup } from '../sources/package-index.js';
import { ruleCatalogOf } from './catalog-view.js';
import { applySuppressions } from './suppress.js';

export interface CheckOptions {
  /** The date every judgement is made at (YYYY-MM-DD). */
  date: IsoDate;
  /**
   * The configuration (as `loadConfig` reads it); keys left out take their defaults. Without it the
   * defaults apply: the project's own `[tool.pybase]` is not read here.
   */
  config?: Partial<PybaseConfig>;
  /** Extra exclude globs on top of the configuration's. */
  exclude?: readonly string[];
  /** A refreshed data snapshot instead of the embedded one. */
  snapshotPath?: string;
  catalog?: Catalog;
  /** Rules to run (default: every rule), before `select` / `ignore` of the configuration. */
  rules?: readonly Rule[];
  /** Dependency facts for PB2xx rules, passed through to the rule context (then nothing is read or looked up). */
  dependencies?: unknown;
  /**
   * The package index in which the dependencies whose files the lock does not name (hashes only,
   * plain pins, ranges) are looked up for the PB2xx rules, before the rules run, as `pybase deps`
   * looks them up: a client, or a function that opens one when a look-up is needed (given the
   * dependencies, whose `indexUrls` are the lock's own indexes; undefined: none). Without an index,
   * or with `offline`, those dependencies are not judged, and a notice says how many and why.
   */
  index?: IndexClient | ((deps: DependencySet) => Promise<IndexClient | undefined>);
  /** Never look anything up (`--offline`). */
  offline?: boolean;
  /** Progress of the index look-ups. */
  onProgress?: (progress: IndexProgress) => void;
  /** An extraction made earlier (then the project is not read again). */
  extraction?: Extraction;
}

export interface CheckCounts {
  error: number;
  warning: number;
  info: number;
  total: number;
  byCode: Record<string, number>;
}

export interface CheckDataAge {
  dataDate: IsoDate;
  ageDays: number;
  stale: boolean;
}

export interface CheckResult {
  root: string;
  date: IsoDate;
  /** Rule findings, input problems and unused ignores, sorted by file, line, column, code. */
  findings: Diagnostic[];
  /** Findings silenced by ignore pragmas. */
  suppressed: Diagnostic[];
  /** Messages about the run itself (stale data), without a file. */
  notices: Diagnostic[];
  counts: CheckCounts;
  /** Codes of the rules that ran. */
  rulesRun: string[];
  dataAge: CheckDataAge;
  extraction: Extraction;
  config: PybaseConfig;
}

const staleDays = 90;

function matchesCode(pattern: string, code: string): boolean {
  return code === pattern || code.startsWith(pattern);
}

/** Rules left after the configuration's `select` and `ignore`. */
export function selectRules(all: readonly Rule[], config: Pick<PybaseConfig, 'select' | 'ignore'>): Rule[] {
  return all.filter(
    (r) =>
      (config.select === undefined || config.select.some((p) => matchesCode(p, r.code))) &&
      !config.ignore.some((p) => matchesCode(p, r.code)),
  );
}

/** The level of a rule in a stage after configuration overrides. */
export function levelFor(rule: Rule, stage: Stage, config: Pick<PybaseConfig, 'severity'>): RuleLevel {
  const o = config.severity[rule.code];
  if (typeof o === 'string') return o;
  return o?.[stage] ?? rule.defaultSeverity[stage];
}

/** Placeholders of `${VAR}`, `$VAR` and `${{ expr }}` in a reference text. */
const variablePattern = /\$\{\{[^}]*\}\}|\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*/g;

/**
 * True when a reference with unknown variables may name the python image: its repository ends in
 * `python`, or the repository itself is a variable.
 */
export function mayBePython(text: string): boolean {
  const marked = text.replace(variablePattern, '\u0000');
  const withoutDigest = marked.split('@')[0] ?? '';
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', slash + 1);
  const repo = colon >= 0 ? withoutDigest.slice(0, colon) : withoutDigest;
  const last = repo.slice(repo.lastIndexOf('/') + 1);
  return (
    last === '\u0000' ||
    last
      .replace(/\u0000/g, '')
      .toLowerCase()
      .endsWith('python') ||
    last.includes('\u0000')
  );
}

function compareFindings(a: Diagnostic, b: Diagnostic): number {
  const la = a.location;
  const lb = b.location;
  const fa = la?.file ?? '';
  const fb = lb?.file ?? '';
  if (fa !== fb) return fa < fb ? -1 : 1;
  return (
    (la?.startLine ?? 0) - (lb?.startLine ?? 0) ||
    (la?.startColumn ?? 0) - (lb?.startColumn ?? 0) ||
    (a.code < b.code ? -1 : a.code > b.code ? 1 : 0) ||
    (a.message < b.message ? -1 : a.message > b.message ? 1 : 0)
  );
}

export function countFindings(findings: readonly Diagnostic[]): CheckCounts {
  const counts: CheckCounts = { error: 0, warning: 0, info: 0, total: findings.length, byCode: {} };
  for (const d of findings) {
    counts[d.severity]++;
    counts.byCode[d.code] = (counts.byCode[d.code] ?? 0) + 1;
  }
  return counts;
}

export interface JudgedReferences {
  python: PythonReference[];
  unresolved: ExtractedReference[];
  /** References that look like python but could not be read as image references. */
  unreadable: Diagnostic[];
}

/**
 * The status of a digest-pinned reference (`python:3.12@sha256:...`): the digest names one image that
 * never moves, and the tag beside it says only what it names. What the tag resolves to at the date
 * (the newest patch, the default distro) is not that image, so only the facts the tag itself states are
 * kept: the minor when it names one, the patch when it names one, the distro and its libc when it names
 * one (else the libc family of its variant). A bare digest (`python@sha256:...`) has no known Python.
 */
export function pinnedStatus(tag: PythonTag, status: ImageStatus): ImageStatus {
  if (isFullySpecified(tag)) return status;
  const from = status.facts;
  const facts: ImageFacts = {};
  if (tag.version?.minor !== undefined && from.minor) facts.minor = from.minor;
  if (tag.precision === 'patch' && from.python) facts.python = from.python;
  if (tag.distro) {
    if (from.distro) facts.distro = from.distro;
    if (from.libc) facts.libc = from.libc;
  } else if (tag.variant === 'alpine') facts.libc = { family: 'musl' };
  else if (tag.variant === 'full' || tag.variant === 'slim' || tag.variant === 'onbuild')
    facts.libc = { family: 'glibc' };
  return { ...status, facts };
}

/** Split extracted references into python ones (with their status at the date) and unresolved ones. */
export function judgeReferences(
  extraction: Extraction,
  catalog: RuleCatalog,
  date: IsoDate,
  mirrors: readonly string[],
): JudgedReferences {
  const out: JudgedReferences = { python: [], unresolved: [], unreadable: [] };
  // A monorepo names the same few images thousands of times: each text is parsed once. The parsed
  // reference is shared between the references that write it, and nothing changes it.
  const parsed = new Map<string, ReturnType<typeof tryParseReference>>();
  for (const ref of extraction.references) {
    if (ref.unresolved && ref.unresolved.length > 0) {
      if (mayBePython(ref.text)) out.unresolved.push(ref);
      continue;
    }
    const text = ref.resolved ?? ref.text;
    let image = parsed.get(text);
    if (image === undefined && !parsed.has(text)) {
      image = tryParseReference(text, { mirrors });
      parsed.set(text, image);
    }
    if (!image) {
      if (/python/i.test(text)) {
        out.unreadable.push({
          code: inputCodes.badReference,
          severity: 'warning',
          message: `'${text}' is not a valid image reference`,
          location: ref.range,
          hint: 'write references as [registry/]name[:tag][@sha256:<digest>]',
        });
      }
      continue;
    }
    if (!image.isPython) continue;
    const pr: PythonReference = { ref, text, image };
    if (image.python) {
      const status = catalog.status(image.tag ?? 'latest', date);
      pr.status = image.digest ? pinnedStatus(image.python, status) : status;
    }
    out.python.push(pr);
  }
  return out;
}

/** The configured architectures, normalized (`linux/arm64` is `arm64v8`); unknown names are left out. */
export function configuredArchs(archs: readonly string[] | undefined): Arch[] {
  const out: Arch[] = [];
  for (const a of archs ?? []) {
    const arch = normalizeArch(a);
    if (arch && arch !== 'windows-amd64' && !out.includes(arch)) out.push(arch);
  }
  return out.length > 0 ? out : [...defaultArchs];
}

interface ReadFacts {
  facts?: unknown;
  /** Input findings: the dependency file cannot be read, or reads with errors. */
  problems: Diagnostic[];
  /** Notices: dependencies that could not be judged, and why. */
  notices: Diagnostic[];
}

/** True when some reference is one the PB2xx rules judge: a python image placed at the date. */
function judgesImages(python: readonly PythonReference[]): boolean {
  return placeableImages(python).some((pr) => pr.image.python && pr.status?.state !== 'unknown');
}

/**
 * Dependency facts for the PB2xx rules, from the project's lock file (src/deps/ does the work),
 * when one of those rules runs. Dependencies whose files the lock does not name are looked up in
 * the package index first, as `pybase deps` looks them up, when some image is there to judge them
 * on. A lock that cannot be read, or that reads with errors, is an input finding, and dependencies
 * left unjudged (offline, no index, a failed look-up) are a notice: the rules would otherwise judge
 * nothing, or too little, in silence.
 */
async function dependencyFactsFor(
  root: string,
  selected: readonly Rule[],
  catalog: Catalog,
  config: PybaseConfig,
  python: readonly PythonReference[],
  options: Pick<CheckOptions, 'index' | 'offline' | 'onProgress'>,
): Promise<ReadFacts> {
  if (!selected.some((r) => r.code.startsWith('PB2'))) return { problems: [], notices: [] };
  const read = readDependencySet(root);
  const problems = read.problems.map((d) => relativeTo(root, d));
  const deps = read.deps;
  if (!deps) return { problems, notices: [] };
  const factsOptions: DependencyFactsOptions = {
    catalog,
    ...(config.archs ? { archs: config.archs } : {}),
    ...(config.glibcOnly ? { glibcOnly: config.glibcOnly } : {}),
  };
  const missing = dependenciesToLookUp(deps);
  // Look-ups serve the images the rules judge: a project without one asks the index nothing.
  if (missing.length === 0 || !judgesImages(python)) {
    return { facts: createDependencyFacts(root, deps, factsOptions), problems, notices: [] };
  }
  let lookups: Map<string, ProjectLookup> | undefined;
  let notice: Diagnostic | undefined;
  let notFound: Diagnostic | undefined;
  if (options.offline) notice = unjudgedNotice(deps, missing, { why: 'offline' });
  else {
    const index = typeof options.index === 'function' ? await options.index(deps) : options.index;
    if (!index) notice = unjudgedNotice(deps, missing, { why: 'no-index' });
    else {
      lookups = await lookUpDependencies(deps, index, options.onProgress);
      const failed = missing.flatMap((name) => {
        const lookup = lookups?.get(name);
        return lookup?.status === 'error' ? [lookup] : [];
      });
      const absent = missing.flatMap((name) => {
        const lookup = lookups?.get(name);
        return lookup?.status === 'notFound' ? [lookup] : [];
      });
      if (absent.length > 0) notFound = notFoundNotice(deps, absent);
      if (failed.length > 0) {
        notice = unjudgedNotice(
          deps,
          failed.map((f) => f.name),
          { why: 'lookup-failed', first: failed[0]!.diagnostic },
        );
      }
    }
  }
  const facts = createDependencyFacts(root, deps, {
    ...factsOptions,
    ...(lookups ? { lookups } : { offline: options.offline === true }),
  });
  const notices = [notice, notFound].filter((d): d is Diagnostic => d !== undefined);
  return { facts, problems, notices: notices.map((d) => relativeTo(root, d)) };
}

/**
 * The notice for dependencies the package index does not have (a private package, a typo, the wrong
 * index): pip cannot install them from there on any image, which no image rule reports.
 */
function notFoundNotice(
  deps: DependencySet,
  absent: readonly { name: string; searched: string[] }[],
): Diagnostic {
  const file = deps.source.file;
  const names = absent.map((a) => a.name);
  const indexes = [...new Set(absent.flatMap((a) => a.searched))];
  return {
    code: inputCodes.network,
    severity: 'warning',
    message: `${names.length} ${names.length === 1 ? 'dependency' : 'dependencies'} of ${file} ${names.length === 1 ? 'is' : 'are'} not on the package index (${indexes.join(', ')}), so pip cannot install ${names.length === 1 ? 'it' : 'them'} from there: ${nameList([...names])}`,
    hint: 'check the index URL (--index-url, index-url of the configuration, PIP_INDEX_URL) and the names in the dependency file',
    data: { dependencyFile: file, reason: 'not-found', packages: names, indexes },
  };
}

/**
 * The notice for dependencies the PB2xx rules could not judge: how many, which, and why (pybase is
 * offline, no package index was given, or the look-up failed, with its first error).
 */
function unjudgedNotice(
  deps: DependencySet,
  names: readonly string[],
  reason: { why: 'offline' | 'no-index' } | { why: 'lookup-failed'; first: Diagnostic },
): Diagnostic {
  const file = deps.source.file;
  const count = `${names.length} ${names.length === 1 ? 'dependency' : 'dependencies'}`;
  const lead = `${count} of ${file} could not be judged by the dependency rules (PB201-PB206)`;
  const shown = nameList([...names]);
  const data = { dependencyFile: file, reason: reason.why, packages: [...names] };
  if (reason.why === 'lookup-failed') {
    return {
      code: inputCodes.network,
      severity: 'warning',
      message: `${lead}: the package index look-up failed (${reason.first.message}): ${shown}`,
      hint: reason.first.hint ?? 'check the index URL, its credentials and the network, then run again',
      data,
    };
  }
  return {
    code: inputCodes.network,
    severity: 'info',
    message: `${lead}: ${file} names no files for them and ${reason.why === 'offline' ? 'pybase is offline' : 'no package index was given'}, so they were not looked up: ${shown}`,
    hint:
      reason.why === 'offline'
        ? 'run without --offline to look them up in the package index'
        : 'pass a package index client (the index option) to look them up',
    data,
  };
}

/** `extra` without the diagnostics `seen` already has (a pyproject.toml is read both ways). */
function withoutRepeats(extra: readonly Diagnostic[], seen: readonly Diagnostic[]): Diagnostic[] {
  const key = (d: Diagnostic) => `${d.code} ${d.location?.file ?? ''}:${d.location?.startLine ?? ''}`;
  const known = new Set(seen.map(key));
  return extra.filter((d) => !known.has(key(d)));
}

/**
 * A diagnostic of the dependency reader named as the other findings name files: relative to the
 * root, with '/'. Readers name files as they were found (`<root>/uv.lock`) or resolved (includes).
 */
function relativeTo(root: string, d: Diagnostic): Diagnostic {
  const prefixes = [...new Set([path.resolve(root), path.normalize(root)])]
    .filter((p) => p !== '.' && p !== '')
    .map((p) => (p.endsWith(path.sep) ? p : `${p}${path.sep}`))
    .sort((a, b) => b.length - a.length);
  const shorten = (text: string) => {
    let out = text;
    for (const prefix of prefixes) {
      const escaped = prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      out = out.replace(new RegExp(`(^|[\\s('"=>])${escaped}`, 'g'), '$1');
    }
    return path.sep === '/' ? out : out.split(path.sep).join('/');
  };
  return {
    ...d,
    message: shorten(d.message),
    ...(d.hint !== undefined ? { hint: shorten(d.hint) } : {}),
    ...(d.location ? { location: { ...d.location, file: shorten(d.location.file) } } : {}),
    ...(typeof d.data?.dependencyFile === 'string'
      ? { data: { ...d.data, dependencyFile: shorten(d.data.dependencyFile) } }
      : {}),
  };
}

/**
 * Months of support per stage that the recommendation policy of the configuration asks for; a
 * builder stage ships in the production image, so it takes production's (as `recommend` reads it).
 */
function minSupportMonthsOf(config: PybaseConfig): Record<Stage, number> {
  const months = resolvePolicy(recommendPolicyOf(config)).minSupportMonths;
  return { dev: months.dev, ci: months.ci, build: months.prod, prod: months.prod };
}

/** Check the project at `root` at `options.date`. */
export async function runCheck(root: string, options: CheckOptions): Promise<CheckResult> {
  const date = parseIsoDate(options.date, 'date');
  const config = withConfigDefaults(options.config);
  const catalog =
    options.catalog ?? createCatalog(options.snapshotPath ? { snapshotPath: options.snapshotPath } : {});
  const age = catalog.dataAge(date);
  const ruleCatalog = ruleCatalogOf(catalog, {
    dataDate: age.dataDate,
    debianEolPolicy: config.debianEolPolicy,
    ...(options.snapshotPath ? { snapshotPath: options.snapshotPath } : {}),
  });
  const extraction =
    options.extraction ?? (await extractProject(root, extractOptionsOf(config, options.exclude)));
  const judged = judgeReferences(extraction, ruleCatalog, date, config.mirrors);
  const selected = selectRules(options.rules ?? allRules, config);
  const read: ReadFacts =
    options.dependencies !== undefined
      ? { facts: options.dependencies, problems: [], notices: [] }
      : await dependencyFactsFor(root, selected, catalog, config, judged.python, options);
  const dependencies = read.facts;
  const context: RuleContext = {
    date,
    extraction,
    python: judged.python,
    unresolved: judged.unresolved,
    stageBases: extraction.stageBases,
    catalog: ruleCatalog,
    options: {
      eolWindowDays: config.eolWindowDays,
      debianEolPolicy: config.debianEolPolicy,
      allowedRegistries: config.allowedRegistries,
      archs: configuredArchs(config.archs),
      minSupportMonths: minSupportMonthsOf(config),
    },
    ...(dependencies !== undefined ? { dependencies } : {}),
  };
  const raw: Diagnostic[] = [];
  for (const rule of selected) {
    let found: Diagnostic[];
    try {
      found = rule.check(context);
    } catch (err) {
      if (!isPybaseError(err)) throw err;
      raw.push(err.diagnostic);
      continue;
    }
    for (const d of found) {
      const stage = findingStage(d);
      const level = stage ? levelFor(rule, stage, config) : d.severity;
      if (level === 'off') continue;
      raw.push({ ...d, severity: level as Severity });
    }
  }
  const known = new Set<string>([...allRules.map((r) => r.code), ...Object.values(inputCodes)]);
  const sup = applySuppressions(
    [
      ...raw,
      ...judged.unreadable,
      ...extraction.diagnostics,
      ...withoutRepeats(read.problems, extraction.diagnostics),
    ],
    extraction.pragmas,
    {
      ranCodes: new Set([...selected.map((r) => r.code), ...Object.values(inputCodes)]),
      knownCodes: known,
    },
  );
  const findings = [...sup.kept, ...sup.unused].sort(compareFindings);
  const notices: Diagnostic[] = [...read.notices];
  if (age.ageDays > staleDays) {
    notices.push({
      code: inputCodes.data,
      severity: 'warning',
      message: `the image data is ${age.ageDays} days old at ${date} (newest fact ${age.dataDate}): tags and releases since then are unknown`,
      hint: "run 'pybase data update' (every command then reads the refreshed data), or update pybase",
      data: { dataDate: age.dataDate, ageDays: age.ageDays },
    });
  }
  return {
    root: path.resolve(root),
    date,
    findings,
    suppressed: sup.suppressed.sort(compareFindings),
    notices,
    counts: countFindings(findings),
    rulesRun: selected.map((r) => r.code),
    dataAge: { dataDate: age.dataDate, ageDays: age.ageDays, stale: age.ageDays > staleDays },
    extraction,
    config,
  };
}

/** Exit status of a check: 1 when a finding is at or above the threshold, else 0. */
export function exceedsThreshold(result: Pick<CheckResult, 'findings'>, failOn: Severity | 'never'): boolean {
  if (failOn === 'never') return false;
  return result.findings.some((d) => atLeast(d.severity, failOn));
}
