/**
 * Ignore pragmas: `# pybase: ignore=PB003` silences the next instruction or key,
 * `# pybase: ignore-file=PB001` the whole file. A finding is silenced by a pragma at its location or
 * at one of its related places (where a value it judges is written). A pragma code that silences
 * nothing is reported (PBE010), so stale ignores do not pile up; extractors report pragmas written
 * where their file takes no comment with the same code (see `misplacedPragma`).
 */
import { type Diagnostic, inputCodes, type SourceRange } from '../model/diagnostic.js';
import type { IgnorePragma } from '../model/project.js';

export interface Suppression {
  kept: Diagnostic[];
  suppressed: Diagnostic[];
  /** One PBE010 diagnostic per pragma code that silenced nothing. */
  unused: Diagnostic[];
}

export interface SuppressOptions {
  /** Codes of the rules that ran; an ignore of a rule that did not run is not called unused. */
  ranCodes: ReadonlySet<string>;
  /** Every code pybase knows (rules, reserved and input codes): others are reported as unknown. */
  knownCodes: ReadonlySet<string>;
}

function codeMatches(pragmaCode: string, code: string): boolean {
  return pragmaCode === code;
}

function coversPlace(p: IgnorePragma, loc: SourceRange): boolean {
  if (loc.file !== p.file) return false;
  if (p.scope === 'file') return true;
  if (!p.target) return false;
  return loc.startLine >= p.target.startLine && loc.startLine <= p.target.endLine;
}

function covers(p: IgnorePragma, d: Diagnostic): boolean {
  if (!d.location || !p.codes.some((c) => codeMatches(c, d.code))) return false;
  return coversPlace(p, d.location) || (d.related ?? []).some((loc) => coversPlace(p, loc));
}

export function applySuppressions(
  findings: readonly Diagnostic[],
  pragmas: readonly IgnorePragma[],
  options: SuppressOptions,
): Suppression {
  const used = new Set<string>();
  const kept: Diagnostic[] = [];
  const suppressed: Diagnostic[] = [];
  for (const d of findings) {
    let silenced = false;
    pragmas.forEach((p, i) => {
      if (!covers(p, d)) return;
      silenced = true;
      for (const c of p.codes) if (codeMatches(c, d.code)) used.add(`${i}:${c}`);
    });
    (silenced ? suppressed : kept).push(d);
  }
  const unused: Diagnostic[] = [];
  pragmas.forEach((p, i) => {
    for (const code of p.codes) {
      if (used.has(`${i}:${code}`)) continue;
      const known = options.knownCodes.has(code);
      if (known && !options.ranCodes.has(code)) continue;
      const where = p.scope === 'file' ? 'in this file' : 'on the next statement';
      const message = known
        ? `unused ignore: ${code} reports nothing ${where}`
        : `unused ignore: ${code} is not a pybase code`;
      unused.push({
        code: inputCodes.unusedIgnore,
        severity: 'warning',
        message,
        location: { file: p.file, startLine: p.line, startColumn: 1, endLine: p.line, endColumn: 1 },
        hint: known ? `remove ${code} from the pragma` : 'check the spelling: codes look like PB001',
        data: { pragmaCodes: p.codes, scope: p.scope, unusedCode: code },
      });
    }
  });
  return { kept, suppressed, unused };
}
