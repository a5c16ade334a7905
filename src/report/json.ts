/**
 * The JSON report: versioned (`schemaVersion`), described by schemas/check-result.schema.json.
 * The extraction is summarised (file list, counts); full references are in `pybase refs`-style output.
 */
import type { CheckResult } from '../check/check.js';
import type { Diagnostic } from '../model/diagnostic.js';

export const checkResultSchemaVersion = 1;

export interface CheckResultJson {
  schemaVersion: 1;
  tool: { name: 'pybase'; version?: string };
  date: string;
  dataAge: { dataDate: string; ageDays: number; stale: boolean };
  rulesRun: string[];
  files: string[];
  counts: { error: number; warning: number; info: number; total: number; byCode: Record<string, number> };
  findings: Diagnostic[];
  suppressed: Diagnostic[];
  notices: Diagnostic[];
}

export function toCheckResultJson(result: CheckResult, options: { version?: string } = {}): CheckResultJson {
  return {
    schemaVersion: checkResultSchemaVersion,
    tool: { name: 'pybase', ...(options.version ? { version: options.version } : {}) },
    date: result.date,
    dataAge: result.dataAge,
    rulesRun: result.rulesRun,
    files: result.extraction.files,
    counts: result.counts,
    findings: result.findings,
    suppressed: result.suppressed,
    notices: result.notices,
  };
}

export function formatJson(result: CheckResult, options: { version?: string } = {}): string {
  return `${JSON.stringify(toCheckResultJson(result, options), null, 2)}\n`;
}
