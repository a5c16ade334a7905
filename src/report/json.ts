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
  /** The checked root, absolute: every location's `file` is relative to it. */
  root: string;
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
    root: result.root,
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

/** `JSON.stringify(value, null, 2)` as it reads nested `depth` levels deep in an indented document. */
function nested(value: unknown, depth: number): string {
  // Raw line breaks only ever separate members (inside strings they are escaped as \n), so indenting
  // after each one nests the text exactly as a whole-document stringify would.
  return JSON.stringify(value, null, 2).replaceAll('\n', `\n${'  '.repeat(depth)}`);
}

/** Most entries stringified together, and the text a slice of entries aims at. */
const maxItemsPerSlice = 256;
const sliceTarget = 1 << 14;

function arrayEntries(key: string, items: readonly unknown[]): string {
  const text = JSON.stringify({ [key]: items }, null, 2);
  const head = `{\n  ${JSON.stringify(key)}: [\n`;
  return text.slice(head.length, text.length - '\n  ]\n}'.length);
}

/** Values JSON.stringify leaves out of an object (and writes as null in an array). */
function unwritable(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}

/** Pieces of at least this many characters, so that a writer makes few large writes. */
const chunkSize = 1 << 16;

/**
 * The text of `formatJson`, in pieces: joined, they are that text to the byte. A huge result (a
 * monorepo with tens of thousands of findings) is never one string in memory: findings are
 * stringified a slice at a time as pieces are taken, so a caller writing each piece as it comes holds
 * one piece.
 */
export function* formatJsonChunks(
  result: CheckResult,
  options: { version?: string } = {},
): Generator<string, void, undefined> {
  const doc = toCheckResultJson(result, options) as unknown as Record<string, unknown>;
  const keys = Object.keys(doc).filter((k) => !unwritable(doc[k]));
  if (keys.length === 0) {
    yield '{}\n';
    return;
  }
  let buffer = '{';
  for (const [i, key] of keys.entries()) {
    buffer += `${i > 0 ? ',' : ''}\n  ${JSON.stringify(key)}: `;
    const value = doc[key];
    if (!Array.isArray(value) || value.length === 0) {
      buffer += nested(value, 1);
      continue;
    }
    buffer += '[\n';
    let written = 0;
    // Slices start at one entry and grow or shrink to about `sliceTarget` characters, so that a piece
    // stays near `chunkSize` however long the entries are.
    let count = 1;
    for (let j = 0; j < value.length; j += count) {
      if (j > 0) {
        count = Math.max(1, Math.min(maxItemsPerSlice, Math.floor((sliceTarget * j) / written)));
        buffer += ',\n';
      }
      // An array entry that stringifies to nothing (undefined) is written as null, as stringify does.
      const entries = arrayEntries(key, value.slice(j, j + count));
      written += entries.length;
      buffer += entries;
      if (buffer.length >= chunkSize) {
        yield buffer;
        buffer = '';
      }
    }
    buffer += '\n  ]';
  }
  yield `${buffer}\n}\n`;
}
