/**
 * Everything the HTML report shows, gathered from a project directory: the recommendation per
 * stage with its decision trace, the findings of `check`, the dependency x image verdicts of the
 * dependency engine and the life cycles of the Python minors and distros around the date.
 * `renderHtmlReport` (html.ts) only formats this; keeping the data separate makes it testable and
 * lets other formats reuse it.
 */
import path from 'node:path';
import { type Catalog, createCatalog } from '../catalog/catalog.js';
import { tryParseTag } from '../catalog/tag.js';
import { runCheck } from '../check/check.js';
import { extractOptionsOf, type PybaseConfig } from '../config/load.js';
import { loadSnapshot } from '../data/snapshot.js';
import type { CompatibilityReport, ImageCandidate, Verdict } from '../model/compat.js';
import { addMonths, type IsoDate } from '../model/date.js';
import { type Diagnostic, inputCodes, type Severity } from '../model/diagnostic.js';
import { type Arch, archSpelling } from '../model/platform.js';
import type { ExtractedReference } from '../model/project.js';
import type { RecommendStage } from '../model/stage.js';
import type { PolicyInput } from '../recommend/policy.js';
import { readProjectInputs, recommendInputOf } from '../recommend/project.js';
import { recommend } from '../recommend/recommend.js';
import type { Recommendation, RecommendResult, TraceStep } from '../recommend/types.js';
import type { IndexClient } from '../sources/package-index.js';

/**
 * What the report is gathered from. The recommendation part takes the options of
 * `recommendProject` and reads the project exactly as it does (readProjectInputs), so that the
 * page recommends what `pybase recommend` recommends for the same options.
 */
export interface ReportOptions {
  date: IsoDate;
  /** A refreshed data snapshot instead of the embedded one. */
  snapshotPath?: string;
  /** The catalog to judge with (default: one of `snapshotPath`, or of the embedded data). */
  catalog?: Catalog;
  /**
   * Never ask the package index. Without an `index` nothing is asked either: verdicts of
   * dependencies the file names no files for (requirements without `--hash`, ...) stay `unknown`.
   */
  offline?: boolean;
  /** The package index client, for dependency files that name no files (as for recommend). */
  index?: IndexClient;
  /** Where dependency analyses are kept between runs, as for `recommendProject`. */
  cacheDir?: string;
  /** Default: the dependency engine's (amd64 and arm64). */
  archs?: readonly Arch[];
  stages?: readonly RecommendStage[];
  /** The recommendation policy (`recommendPolicyOf` of the project's configuration, as recommend uses it). */
  policy?: PolicyInput;
  /** A dependency file to read instead of the most precise one found. */
  deps?: string;
  /** The configuration the findings are judged with (as `pybase check` reads it). */
  config?: Partial<PybaseConfig>;
  /** Called with the candidate images before any dependency is judged (see `readProjectInputs`). */
  checkCandidates?: (candidates: readonly ImageCandidate[]) => void;
}

/** Which branch of the seed's flow the project takes at the first question. */
export type DecisionBranch = 'glibc' | 'alpine' | 'unknown';

export interface ReportRecommendation {
  stage: RecommendStage;
  reference?: string;
  tag?: string;
  pinCommand?: string;
  why: string;
  alternatives: { tag: string; trades: string[] }[];
  /** Rejection groups in words: `code: message (scope)`. */
  rejections: string[];
  /** How many images the rejections reject, of how many candidates (as recommend counts them). */
  rejectedImages: number;
  candidateImages: number;
  trace: TraceStep[];
}

export interface ReportFinding {
  code: string;
  severity: Severity;
  message: string;
  file?: string;
  line?: number;
  hint?: string;
  docUrl?: string;
}

export interface HeatmapImage {
  tag: string;
  python: string;
  variant: string;
  distro: string;
  libc: string;
  /** Installable on every architecture judged. */
  installable: boolean;
  /** The tag of a recommendation. */
  recommended: boolean;
}

export interface HeatmapRow {
  name: string;
  version?: string;
  /** One verdict per image (same order as `images`): the worst over the architectures. */
  cells: { verdict: Verdict; detail: string }[];
}

export interface Heatmap {
  archs: Arch[];
  images: HeatmapImage[];
  /** Python minors the project's requires-python rules out: their images are not columns. */
  excludedPythons: string[];
  rows: HeatmapRow[];
  source?: { file: string; kind: string };
  /** Some verdicts are unknown: the dependency file names no files for some packages, and they were not looked up. */
  incomplete: boolean;
  /** Some index look-up failed (the notes say which): its packages' verdicts are unknown. */
  lookupFailed: boolean;
}

export interface TimelineBar {
  kind: 'python' | 'debian' | 'alpine';
  /** `3.12`, `bookworm`, `3.23` */
  name: string;
  label: string;
  start: IsoDate;
  /** End of life; absent when unknown. */
  end?: IsoDate;
  /** The repository uses an image of this minor or distro. */
  inUse: boolean;
  endOfLifeReached: boolean;
}

export interface Timeline {
  date: IsoDate;
  from: IsoDate;
  to: IsoDate;
  bars: TimelineBar[];
}

export interface CurrentImage {
  file: string;
  line: number;
  text: string;
  stage: string;
  /** The tag part (`3.12-slim`). */
  tag: string;
  /** The fully specified tag it names at the date, when known. */
  fullTag?: string;
}

export interface ReportData {
  schemaVersion: 1;
  /** Directory name of the project. */
  project: string;
  date: IsoDate;
  dataDate: IsoDate;
  recommendations: ReportRecommendation[];
  branch: DecisionBranch;
  /** The answer to "does the project need C extensions?" in words. */
  branchAnswer: string;
  findings: ReportFinding[];
  heatmap: Heatmap;
  timeline: Timeline;
  current: CurrentImage[];
  /** Problems met while gathering (unreadable lock, look-up failures). */
  notes: string[];
}

/** Worst first: the cell shows the worst verdict over the architectures. */
const verdictWeight: Record<Verdict, number> = {
  unavailable: 4,
  'sdist-build': 3,
  unknown: 2,
  wheel: 1,
  pure: 0,
};

function referenceTag(ref: ExtractedReference): string | undefined {
  const text = ref.resolved ?? (ref.unresolved && ref.unresolved.length > 0 ? undefined : ref.text);
  if (!text) return undefined;
  const m = /^(?:[^/]+\/)*?(?:library\/)?python(?::([^@\s]+))?(?:@\S+)?$/.exec(text.trim());
  if (!m) return undefined;
  return m[1] ?? 'latest';
}

function currentImages(refs: readonly ExtractedReference[], catalog: Catalog, date: IsoDate): CurrentImage[] {
  const out: CurrentImage[] = [];
  for (const ref of refs) {
    const tag = referenceTag(ref);
    if (tag === undefined) continue;
    const fullTag = catalog.resolve(tag, date)?.fullTag;
    out.push({
      file: ref.file,
      line: ref.range.startLine,
      text: ref.resolved ?? ref.text,
      stage: ref.stage,
      tag,
      ...(fullTag ? { fullTag } : {}),
    });
  }
  return out;
}

/**
 * The heatmap's columns: the candidates of every stable Python minor, for each variant the two
 * newest distros (slim and full Debian, alpine), plus every recommended tag. All candidates would
 * be 40 and more columns, which no one reads; these are the choices a user actually weighs.
 */
function heatmapImages(
  candidates: readonly ImageCandidate[],
  recommended: ReadonlySet<string>,
): ImageCandidate[] {
  const groups = new Map<string, ImageCandidate[]>();
  for (const c of candidates) {
    if (c.prerelease) continue;
    const key = `${c.python} ${c.variant}`;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  const keep = new Set<string>(recommended);
  for (const list of groups.values()) {
    // Candidates list distros newest first within a minor and variant (see candidateImages); keep order robustly.
    const perVariant = list[0]?.variant === 'full' ? 1 : 2;
    for (const c of list.slice(0, perVariant)) keep.add(c.tag);
  }
  const minor = (p: string) => Number(p.split('.')[1] ?? 0);
  const variantRank: Record<string, number> = { slim: 0, full: 1, alpine: 2 };
  return candidates
    .filter((c) => keep.has(c.tag))
    .sort(
      (a, b) =>
        minor(b.python) - minor(a.python) ||
        (variantRank[a.variant] ?? 3) - (variantRank[b.variant] ?? 3) ||
        b.libc.version.localeCompare(a.libc.version, 'en', { numeric: true }),
    );
}

function buildHeatmap(
  report: CompatibilityReport | undefined,
  candidates: readonly ImageCandidate[],
  recommended: ReadonlySet<string>,
  archs: readonly Arch[],
): Heatmap {
  const byTag = new Map<string, CompatibilityReport['images']>();
  for (const ic of report?.images ?? []) byTag.set(ic.image.tag, [...(byTag.get(ic.image.tag) ?? []), ic]);
  // Images whose Python the project excludes are no choice at all: they are left out, and named.
  const excluded = (c: ImageCandidate) => {
    const ics = byTag.get(c.tag) ?? [];
    return ics.length > 0 && ics.every((ic) => ic.excludedByProject !== undefined);
  };
  const excludedPythons = [
    ...new Set(candidates.filter((c) => excluded(c) && !recommended.has(c.tag)).map((c) => c.python)),
  ];
  const images = heatmapImages(
    candidates.filter((c) => recommended.has(c.tag) || !excluded(c)),
    recommended,
  );
  const rows: HeatmapRow[] = (report?.packages ?? []).map((p) => ({
    name: p.name,
    ...(p.version ? { version: p.version } : {}),
    cells: images.map((img) => {
      let worst: Verdict | undefined;
      const details: string[] = [];
      for (const ic of byTag.get(img.tag) ?? []) {
        const v = ic.packages.find((x) => x.name === p.name);
        if (!v) continue;
        details.push(`${archSpelling(ic.arch)}: ${v.reason}`);
        if (worst === undefined || verdictWeight[v.verdict] > verdictWeight[worst]) worst = v.verdict;
      }
      return worst === undefined
        ? { verdict: 'pure' as Verdict, detail: 'not installed on this image (environment marker)' }
        : { verdict: worst, detail: details.join('\n') };
    }),
  }));
  return {
    archs: [...archs],
    excludedPythons,
    images: images.map((img) => {
      const ics = byTag.get(img.tag) ?? [];
      return {
        tag: img.tag,
        python: img.python,
        variant: img.variant,
        distro: img.distro,
        libc: `${img.libc.family} ${img.libc.version}`,
        installable: ics.length > 0 && ics.every((ic) => ic.installable),
        recommended: recommended.has(img.tag),
      };
    }),
    rows,
    ...(report?.source ? { source: report.source } : {}),
    incomplete: report?.incomplete ?? false,
    lookupFailed: (report?.diagnostics ?? []).some((d) => d.code === inputCodes.network),
  };
}

function isoOf(value: IsoDate | true | undefined): IsoDate | undefined {
  return typeof value === 'string' ? value : undefined;
}

function buildTimeline(
  catalog: Catalog,
  snapshotPath: string | undefined,
  date: IsoDate,
  current: readonly CurrentImage[],
): Timeline {
  const from = addMonths(date, -36);
  const to = addMonths(date, 60);
  const snapshot = loadSnapshot(snapshotPath);
  const usedMinors = new Set<string>();
  const usedDistros = new Set<string>();
  for (const c of current) {
    // A tag no longer listed (a dropped distro) does not resolve: its own parts still tell minor and distro.
    const t = tryParseTag(c.fullTag ?? c.tag);
    if (t?.version?.minor !== undefined) usedMinors.add(`${t.version.major}.${t.version.minor}`);
    if (t?.distro) usedDistros.add(t.distro.name);
  }
  const bars: TimelineBar[] = [];
  const overlaps = (start: IsoDate, end: IsoDate | undefined) =>
    start <= to && (end === undefined || end >= from);
  for (const cycle of snapshot.python.cycles) {
    const life = catalog.pythonLifecycle(cycle.cycle, date);
    const start = life?.releaseDate;
    if (!life || !start || cycle.cycle.startsWith('2.')) continue;
    const end = isoOf(life.endOfLife);
    if (!overlaps(start, end)) continue;
    bars.push({
      kind: 'python',
      name: cycle.cycle,
      label: `Python ${cycle.cycle}`,
      start,
      ...(end ? { end } : {}),
      inUse: usedMinors.has(cycle.cycle),
      endOfLifeReached: life.status === 'eol',
    });
  }
  const distros: { kind: 'debian' | 'alpine'; name: string; label: string }[] = [
    ...snapshot.debian.cycles.map((c) => ({
      kind: 'debian' as const,
      name: c.codename,
      label: `Debian ${c.cycle} ${c.codename}`,
    })),
    ...snapshot.alpine.cycles.map((c) => ({
      kind: 'alpine' as const,
      name: c.cycle,
      label: `Alpine ${c.cycle}`,
    })),
  ];
  for (const d of distros) {
    const life = catalog.distroLifecycle(d.kind === 'alpine' ? `alpine${d.name}` : d.name, date);
    const start = life?.releaseDate;
    if (!life || !start || start > date) continue;
    const end = isoOf(life.endOfLife);
    if (!overlaps(start, end)) continue;
    bars.push({
      kind: d.kind,
      name: d.name,
      label: d.label,
      start,
      ...(end ? { end } : {}),
      inUse: usedDistros.has(d.name),
      endOfLifeReached: life.endOfLifeReached,
    });
  }
  const kindRank = { python: 0, debian: 1, alpine: 2 } as const;
  bars.sort((a, b) => kindRank[a.kind] - kindRank[b.kind] || a.start.localeCompare(b.start));
  return { date, from, to, bars };
}

function branchOf(trace: readonly TraceStep[] | undefined): { branch: DecisionBranch; answer: string } {
  const step = trace?.find((s) => s.step === 'c-extensions');
  if (!step) return { branch: 'unknown', answer: 'no dependency file was read' };
  if (step.answer.startsWith('yes')) return { branch: 'glibc', answer: step.answer };
  if (step.answer.startsWith('no')) return { branch: 'alpine', answer: step.answer };
  return { branch: 'unknown', answer: step.answer };
}

function toReportRecommendation(r: Recommendation): ReportRecommendation {
  return {
    stage: r.stage,
    ...(r.reference ? { reference: r.reference } : {}),
    ...(r.tag ? { tag: r.tag } : {}),
    ...(r.pinCommand ? { pinCommand: r.pinCommand } : {}),
    why: r.why,
    alternatives: r.alternatives.map((a) => ({ tag: a.tag, trades: a.trades })),
    rejections: r.rejectionGroups.map((g) => `${g.code}: ${g.message} (${g.scope})`),
    rejectedImages: r.rejected.length,
    candidateImages: r.rejected.length + r.candidates.length,
    trace: r.trace,
  };
}

function toFinding(d: Diagnostic): ReportFinding {
  return {
    code: d.code,
    severity: d.severity,
    message: d.message,
    ...(d.location ? { file: d.location.file, line: d.location.startLine } : {}),
    ...(d.hint ? { hint: d.hint } : {}),
    ...(d.docUrl ? { docUrl: d.docUrl } : {}),
  };
}

/**
 * The data of the HTML report for the project at `root`, with the problems met while reading it
 * (a dependency file with errors, failed index look-ups: the recommendation's diagnostics). The
 * recommendation is `recommendProject`'s for the same options. Throws PybaseError on unreadable input.
 */
export async function buildReport(
  root: string,
  options: ReportOptions,
): Promise<{ data: ReportData; diagnostics: Diagnostic[] }> {
  const { date } = options;
  const catalog =
    options.catalog ?? createCatalog(options.snapshotPath ? { snapshotPath: options.snapshotPath } : {});
  // Read as `recommendProject` reads it: the same candidates, dependency file, index and cache.
  const inputs = await readProjectInputs(root, {
    catalog,
    date,
    ...(options.archs && options.archs.length > 0 ? { archs: options.archs } : {}),
    ...(options.policy ? { policy: options.policy } : {}),
    ...(options.deps !== undefined ? { deps: options.deps } : {}),
    offline: options.offline === true,
    ...(options.index ? { index: options.index } : {}),
    ...(options.cacheDir !== undefined ? { cacheDir: options.cacheDir } : {}),
    ...(options.checkCandidates ? { checkCandidates: options.checkCandidates } : {}),
    // The files as the findings read them: the configuration's exclude, stages and build arguments.
    extract: extractOptionsOf(options.config),
  });
  const result: RecommendResult = await recommend(
    recommendInputOf(inputs, {
      catalog,
      date,
      ...(options.stages ? { stages: options.stages } : {}),
      ...(options.policy ? { policy: options.policy } : {}),
    }),
  );
  const check = await runCheck(root, {
    date,
    catalog,
    ...(options.config ? { config: options.config } : {}),
    ...(options.snapshotPath ? { snapshotPath: options.snapshotPath } : {}),
    // The findings judge the dependencies as the heatmap below does: from the same index, or offline.
    ...(options.index ? { index: options.index } : {}),
    offline: options.offline === true || options.index === undefined,
  });
  const { compatibility, candidates, archs } = inputs;
  const notes: string[] = compatibility
    ? compatibility.diagnostics.map((d) => d.message)
    : ['no dependency file found: the heatmap is empty and C extensions are not known'];
  const recommended = new Set(result.recommendations.flatMap((r) => (r.tag ? [r.tag] : [])));
  const current = currentImages(check.extraction.references, catalog, date);
  const main = result.recommendations.find((r) => r.stage === 'prod') ?? result.recommendations[0];
  const { branch, answer } = branchOf(main?.trace);
  const data: ReportData = {
    schemaVersion: 1,
    project: path.basename(path.resolve(root)),
    date,
    dataDate: result.dataDate,
    recommendations: result.recommendations.map(toReportRecommendation),
    branch,
    branchAnswer: answer,
    findings: check.findings.map(toFinding),
    heatmap: buildHeatmap(compatibility, candidates, recommended, archs),
    timeline: buildTimeline(catalog, options.snapshotPath, date, current),
    current,
    notes,
  };
  return { data, diagnostics: result.diagnostics };
}

/** The data of the HTML report for the project at `root` (see {@link buildReport}). */
export async function buildReportData(root: string, options: ReportOptions): Promise<ReportData> {
  return (await buildReport(root, options)).data;
}
