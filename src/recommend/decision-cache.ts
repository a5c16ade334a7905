/**
 * A persistent cache of recommendation decisions, beside the dependency analyses it derives from
 * (`<deps cache>/recommend`). Deciding every stage over the candidates and the stored verdicts costs
 * more than the rest of a repeated run, so a run whose inputs are all unchanged reads the decisions
 * and only finishes them (digests, moves).
 *
 * The entry's name is a hash of the dependency analysis's own key (the dependency file's bytes, the
 * date, the architectures, the data, whether offline, pybase's code), the project root, everything
 * read from the project's files (references and version statements), the stages, the policy and the
 * vulnerability reports. An entry is written only when the analysis itself is in the cache (nothing
 * came from the package index), and lists the same extra input files, which must still read the
 * same. A corrupt or mismatched entry is ignored, and rewritten by the run that ignores it.
 */
import path from 'node:path';
import {
  type InputFile,
  inputsUnchanged,
  readEntryJson,
  sha256,
  writeEntryJson,
} from '../deps/cache-files.js';
import type { Extraction } from '../model/project.js';
import type { RecommendStage } from '../model/stage.js';
import type { Decisions } from './finish.js';
import type { PolicyInput } from './policy.js';
import type { VulnerabilityReport } from './types.js';

/** Bumped whenever the layout of an entry or of the decisions changes: older entries then miss. */
const entryFormat = 1;

interface Entry {
  format: number;
  key: string;
  inputs: InputFile[];
  decisions: Decisions;
}

export interface DecisionKeyParts {
  /** The key of the dependency analysis the decisions are made on. */
  analysis: string;
  root: string;
  extraction: Extraction;
  stages?: readonly RecommendStage[] | undefined;
  policy?: PolicyInput | undefined;
  vulnerabilities?: readonly VulnerabilityReport[] | undefined;
}

/** Where the decisions are kept, given the directory of the dependency analyses. */
export function decisionDir(analysisDir: string): string {
  return path.join(analysisDir, 'recommend');
}

export function decisionKey(parts: DecisionKeyParts): string {
  return sha256(
    JSON.stringify({
      format: entryFormat,
      analysis: parts.analysis,
      root: path.resolve(parts.root),
      extraction: parts.extraction,
      stages: parts.stages ?? null,
      policy: parts.policy ?? null,
      vulnerabilities: parts.vulnerabilities ?? null,
    }),
  );
}

const isArray = Array.isArray;

/** The shape the finishing step and the renderers rely on, checked before a stored entry is used. */
function looksLikeDecisions(value: unknown): value is Decisions {
  const d = value as Partial<Decisions> | undefined;
  if (!d || !isArray(d.recommendations) || !isArray(d.diagnostics) || typeof d.incomplete !== 'boolean')
    return false;
  return d.recommendations.every(
    (r) =>
      r !== null &&
      typeof r === 'object' &&
      typeof r.stage === 'string' &&
      typeof r.why === 'string' &&
      isArray(r.candidates) &&
      isArray(r.alternatives) &&
      isArray(r.rejected) &&
      isArray(r.rejectionGroups) &&
      isArray(r.trace),
  );
}

/** The stored decisions for `key`, or undefined when absent, corrupt or out of date. */
export function readDecisions(dir: string, key: string): Decisions | undefined {
  const entry = readEntryJson(dir, key) as Partial<Entry> | undefined;
  if (!entry || entry.format !== entryFormat || entry.key !== key || !isArray(entry.inputs)) return undefined;
  if (!looksLikeDecisions(entry.decisions) || !inputsUnchanged(entry.inputs)) return undefined;
  return entry.decisions;
}

/** Store decisions (before they are finished: finishing completes them in place). */
export function writeDecisions(
  dir: string,
  key: string,
  inputs: readonly InputFile[],
  decisions: Decisions,
): void {
  const entry: Entry = { format: entryFormat, key, inputs: [...inputs], decisions };
  writeEntryJson(dir, key, entry);
}
