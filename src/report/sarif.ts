/**
 * SARIF 2.1.0 report (code scanning): rule metadata in `tool.driver.rules`, one result per finding
 * with its region and a fingerprint that survives line moves.
 */
import { createHash } from 'node:crypto';
import type { CheckResult } from '../check/check.js';
import type { Diagnostic, Severity } from '../model/diagnostic.js';
import { ruleDocUrl } from '../rules/finding.js';
import { rules as allRules } from '../rules/index.js';
import type { Rule } from '../rules/types.js';

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

function fingerprint(d: Diagnostic): string {
  // Code, file and message: stable when lines above the finding are added or removed.
  return createHash('sha256')
    .update(`${d.code}\u0000${d.location?.file ?? ''}\u0000${d.message}`)
    .digest('hex')
    .slice(0, 32);
}

function physicalLocation(d: Diagnostic): Record<string, unknown> | undefined {
  const loc = d.location;
  if (!loc) return undefined;
  const region: Record<string, number> = {
    startLine: Math.max(1, loc.startLine),
    startColumn: Math.max(1, loc.startColumn),
  };
  if (loc.endLine >= loc.startLine) region.endLine = loc.endLine;
  if (loc.endColumn >= 1 && (loc.endLine > loc.startLine || loc.endColumn >= loc.startColumn))
    region.endColumn = loc.endColumn;
  return {
    artifactLocation: { uri: loc.file.split('/').map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' },
    region,
  };
}

function notification(d: Diagnostic): Record<string, unknown> {
  const n: Record<string, unknown> = {
    level: levelOf(d.severity),
    message: { text: d.hint ? `${d.message} (${d.hint})` : d.message },
    descriptor: { id: d.code },
  };
  const loc = physicalLocation(d);
  if (loc) n.locations = [{ physicalLocation: loc }];
  return n;
}

export function toSarif(result: CheckResult, options: { version?: string } = {}): Record<string, unknown> {
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
      partialFingerprints: { 'pybaseFinding/v1': fingerprint(d) },
    };
    const loc = physicalLocation(d);
    if (loc) r.locations = [{ physicalLocation: loc }];
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
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: result.notices.map(notification),
            properties: { date: result.date, dataDate: result.dataAge.dataDate },
          },
        ],
        results,
      },
    ],
  };
}

export function formatSarif(result: CheckResult, options: { version?: string } = {}): string {
  return `${JSON.stringify(toSarif(result, options), null, 2)}\n`;
}
