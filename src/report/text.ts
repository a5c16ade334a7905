/** Plain-text report of a check: one line per finding, an indented hint, then a summary. */
import type { CheckResult } from '../check/check.js';
import type { Diagnostic, Severity } from '../model/diagnostic.js';
import { displayPath } from './paths.js';

export interface TextStyle {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
}

const plain: TextStyle = { bold: (s) => s, dim: (s) => s, red: (s) => s, yellow: (s) => s, cyan: (s) => s };

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function colourOf(style: TextStyle, severity: Severity): (s: string) => string {
  return severity === 'error' ? style.red : severity === 'warning' ? style.yellow : style.cyan;
}

/**
 * The message without the `file:line:` prefix its location already gives. Input problems (PBE002,
 * PBE005, PBE006, ...) start their message with where they are, for callers that print the message
 * alone; a report that prints the location first need not say it twice.
 */
export function messageAfterLocation(d: Diagnostic): string {
  const loc = d.location;
  if (!loc) return d.message;
  for (const prefix of [
    `${loc.file}:${loc.startLine}:${loc.startColumn}: `,
    `${loc.file}:${loc.startLine}: `,
    `${loc.file}: `,
  ]) {
    if (d.message.startsWith(prefix) && d.message.length > prefix.length)
      return d.message.slice(prefix.length);
  }
  return d.message;
}

/** One finding: `file:line:col CODE severity message` and its hint; `file` is the path written (default: the location's). */
export function formatDiagnosticLine(
  d: Diagnostic,
  style: TextStyle = plain,
  file = d.location?.file,
): string {
  const loc = d.location;
  const where = loc ? `${file ?? loc.file}:${loc.startLine}:${loc.startColumn} ` : '';
  const lines = [
    `${style.bold(where)}${d.code} ${colourOf(style, d.severity)(d.severity)} ${messageAfterLocation(d)}`,
  ];
  if (d.hint) lines.push(`    ${style.dim('hint:')} ${d.hint}`);
  return lines.join('\n');
}

/**
 * The text report. `style` colours it (the CLI passes ANSI styles when writing to a terminal); files
 * are written relative to `cwd` (the directory the command runs in, so that `file:line:col` opens from
 * there), or absolute when outside it; default: relative to the checked root.
 */
export function formatText(result: CheckResult, options: { style?: TextStyle; cwd?: string } = {}): string {
  const style = options.style ?? plain;
  const base = options.cwd ?? result.root;
  const line = (d: Diagnostic) =>
    formatDiagnosticLine(d, style, d.location ? displayPath(base, result.root, d.location.file) : undefined);
  const out: string[] = result.findings.map(line);
  if (out.length > 0) out.push('');
  for (const n of result.notices) out.push(line(n));
  const c = result.counts;
  // Files with findings include files that were skipped or could not be read (a binary file, an
  // unreadable one): they count among the files checked, and the summary says how many were not read.
  const read = new Set(result.extraction.files);
  const withFindings = new Set<string>();
  for (const d of result.findings) if (d.location?.file) withFindings.add(d.location.file);
  const notRead = [...withFindings].filter((f) => !read.has(f)).length;
  const checked = read.size + notRead;
  const unread = notRead > 0 ? ` (${notRead} not read)` : '';
  const summary =
    c.total === 0
      ? `No problems found in ${plural(checked, 'file')} at ${result.date}.`
      : `Found ${plural(c.total, 'problem')} (${c.error} error, ${c.warning} warning, ${c.info} info) in ${plural(withFindings.size, 'file')} of ${checked} checked${unread} at ${result.date}.`;
  out.push(style.bold(summary));
  if (result.suppressed.length > 0)
    out.push(`${plural(result.suppressed.length, 'finding')} silenced by ignore pragmas.`);
  return `${out.join('\n')}\n`;
}
