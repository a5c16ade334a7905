/**
 * SARIF 2.1.0 report (code scanning): rule metadata in `tool.driver.rules`, one result per finding
 * with its region and a fingerprint that survives line moves. File URIs are relative to `%SRCROOT%`,
 * the directory the command ran in (the checkout root in CI), which `originalUriBaseIds` names; a
 * file outside it gets an absolute `file://` URI.
 */
import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import type { CheckResult } from '../check/check.js';
import type { Diagnostic, Severity, SourceRange } from '../model/diagnostic.js';
import { ruleDocUrl } from '../rules/finding.js';
import { rules as allRules } from '../rules/index.js';
import type { Rule } from '../rules/types.js';
import { pathFrom } from './paths.js';

export const sarifSchemaUri = 'https://json.schemastore.org/sarif-2.1.0.json';
const informationUri = 'https://github.com/pybase-dev/pybase';

type SarifLevel = 'error' | 'warning' | 'note' | 'none';

function levelOf(s: Severity | 'off'): SarifLevel {
  return s === 'error' ? 'error' : s === 'warning' ? 'warning' : s === 'info' ? 'note' : 'none';
}

function ruleDescriptor(rule: Rule): Record<string, unknown> {
  return {
    id: rule.code,
    name: rule.name,
    shortDescription: { text: rule.summary },
    fullDescription: { text: rule.docs.whatItDoes },
    help: { text: `${rule.docs.whyIsThisBad}\n\nFix: ${rule.docs.fix}` },
    helpUri: ruleDocUrl(rule.code),
    defaultConfiguration: {
      level: levelOf(rule.defaultSeverity.prod === 'off' ? 'info' : rule.defaultSeverity.prod),
    },
    properties: { defaultSeverity: rule.defaultSeverity },
  };
}

export interface SarifOptions {
  version?: string;
  /**
   * The directory file URIs are relative to (`%SRCROOT%`): the directory the command runs in, which
   * in CI is the checkout root code scanning resolves paths against. Default: the checked root.
   */
  cwd?: string;
}

const srcRoot = '%SRCROOT%';

/** Where the files of a run are: the checked root, and the base directory URIs are relative to. */
interface Base {
  root: string;
  dir: string;
}

/** The artifact location of a file, and the path its fingerprint uses. */
function artifactOf(file: string, base: Base): { location: Record<string, unknown>; path: string } {
  const shown = pathFrom(base.dir, base.root, file);
  if (shown.relative !== undefined) {
    return {
      location: { uri: shown.relative.split('/').map(encodeURIComponent).join('/'), uriBaseId: srcRoot },
      path: shown.relative,
    };
  }
  return { location: { uri: pathToFileURL(shown.absolute).href }, path: shown.absolute };
}

/** A directory as a file URI ending in '/', as SARIF wants base URIs. */
function directoryUri(dir: string): string {
  const href = pathToFileURL(dir).href;
  return href.endsWith('/') ? href : `${href}/`;
}

function fingerprint(d: Diagnostic, base: Base): string {
  // Code, file (as written in the log) and message: stable when lines above the finding are added or
  // removed, and distinct for the same finding in two projects of one repository.
  const file = d.location ? artifactOf(d.location.file, base).path : '';
  return createHash('sha256').update(`${d.code}\u0000${file}\u0000${d.message}`).digest('hex').slice(0, 32);
}

function physicalLocation(loc: SourceRange | undefined, base: Base): Record<string, unknown> | undefined {
  if (!loc) return undefined;
  const region: Record<string, number> = {
    startLine: Math.max(1, loc.startLine),
    startColumn: Math.max(1, loc.startColumn),
  };
  if (loc.endLine >= loc.startLine) region.endLine = loc.endLine;
  if (loc.endColumn >= 1 && (loc.endLine > loc.startLine || loc.endColumn >= loc.startColumn))
    region.endColumn = loc.endColumn;
  return { artifactLocation: artifactOf(loc.file, base).location, region };
}

function notification(d: Diagnostic, base: Base): Record<string, unknown> {
  const n: Record<string, unknown> = {
    level: levelOf(d.severity),
    message: { text: d.hint ? `${d.message} (${d.hint})` : d.message },
    descriptor: { id: d.code },
  };
  const loc = physicalLocation(d.location, base);
  if (loc) n.locations = [{ physicalLocation: loc }];
  return n;
}

export function toSarif(result: CheckResult, options: SarifOptions = {}): Record<string, unknown> {
  const base: Base = { root: result.root, dir: options.cwd ?? result.root };
  const ruleList: Record<string, unknown>[] = allRules
    .filter((r) => result.rulesRun.includes(r.code))
    .map(ruleDescriptor);
  const index = new Map<string, number>(ruleList.map((r, i) => [r.id as string, i]));
  // Input problems (PBE codes) are reported as results too, with a minimal descriptor each.
  for (const d of result.findings) {
    if (index.has(d.code)) continue;
    index.set(d.code, ruleList.length);
    ruleList.push({ id: d.code, shortDescription: { text: `pybase input problem ${d.code}` } });
  }
  const results = result.findings.map((d) => {
    const r: Record<string, unknown> = {
      ruleId: d.code,
      ruleIndex: index.get(d.code),
      level: levelOf(d.severity),
      message: { text: d.hint ? `${d.message}\n${d.hint}` : d.message },
      partialFingerprints: { 'pybaseFinding/v1': fingerprint(d, base) },
    };
    const loc = physicalLocation(d.location, base);
    if (loc) r.locations = [{ physicalLocation: loc }];
    if (d.related && d.related.length > 0) {
      r.relatedLocations = d.related.map((place, id) => ({
        id,
        physicalLocation: physicalLocation(place, base),
      }));
    }
    if (d.data) r.properties = d.data;
    return r;
  });
  return {
    $schema: sarifSchemaUri,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'pybase',
            informationUri,
            ...(options.version ? { version: options.version } : {}),
            rules: ruleList,
          },
        },
        originalUriBaseIds: { [srcRoot]: { uri: directoryUri(base.dir) } },
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: result.notices.map((d) => notification(d, base)),
            properties: { date: result.date, dataDate: result.dataAge.dataDate },
          },
        ],
        results,
      },
    ],
  };
}

export function formatSarif(result: CheckResult, options: SarifOptions = {}): string {
  return `${JSON.stringify(toSarif(result, options), null, 2)}\n`;
}
