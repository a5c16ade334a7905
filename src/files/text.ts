/**
 * Positions in file text. Every extractor reports 1-based lines and columns with an exclusive end
 * column, plus character offsets, so that a fixer can replace exactly what was written.
 */
import { type Diagnostic, inputCodes, type SourceRange } from '../model/diagnostic.js';
import type { IgnorePragma } from '../model/project.js';

/**
 * Offsets of line starts. A line ends at `\r\n`, `\n` or a lone `\r`, the same rule the Dockerfile
 * parser's text document applies, so positions agree with its ranges.
 */
export class LineIndex {
  readonly text: string;
  private readonly starts: number[];

  constructor(text: string) {
    this.text = text;
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      } else if (c === 10) {
        starts.push(i + 1);
      }
    }
    this.starts = starts;
  }

  get lineCount(): number {
    return this.starts.length;
  }

  /** Offset of a 0-based line and character. */
  offsetAt(line: number, character: number): number {
    const start = this.starts[Math.min(Math.max(line, 0), this.starts.length - 1)] ?? 0;
    return Math.min(start + character, this.text.length);
  }

  /** 0-based line and character of an offset. */
  positionAt(offset: number): { line: number; character: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: offset - (this.starts[lo] ?? 0) };
  }

  /**
   * The 0-based position of an offset for a diagnostic that points at one place (a parse error),
   * never past the file's end: an offset past the text, or at the very end of a text that ends with
   * a line break (where parsers report an unexpected end of input), is the end of the last line,
   * not the start of a line the file does not have.
   */
  pointAt(offset: number): { line: number; character: number } {
    const pos = this.positionAt(Math.min(Math.max(offset, 0), this.text.length));
    return this.clamp(pos.line, pos.character);
  }

  /**
   * A 0-based line and character moved inside the text: a line past the last one is the end of the
   * last line, a character past the end of its line is the end of that line.
   */
  clamp(line: number, character: number): { line: number; character: number } {
    const last = this.lastLine;
    if (line > last) return { line: last, character: this.lineText(last).length };
    const at = Math.max(line, 0);
    return { line: at, character: Math.min(Math.max(character, 0), this.lineText(at).length) };
  }

  /**
   * 0-based index of the last line of the file: the empty text after a final line break is no line
   * of its own (a file of three lines ending in a newline has three lines, as editors and `wc -l` count).
   */
  get lastLine(): number {
    const n = this.starts.length;
    return n > 1 && this.starts[n - 1] === this.text.length ? n - 2 : n - 1;
  }

  /** A SourceRange for [start, end) offsets. */
  range(file: string, start: number, end: number): SourceRange {
    const a = this.positionAt(start);
    const b = this.positionAt(end);
    return {
      file,
      startLine: a.line + 1,
      startColumn: a.character + 1,
      endLine: b.line + 1,
      endColumn: b.character + 1,
      startOffset: start,
      endOffset: end,
    };
  }

  /** The text of a 0-based line without its line break. */
  lineText(line: number): string {
    const start = this.starts[line];
    if (start === undefined) return '';
    const next = this.starts[line + 1];
    const raw = this.text.slice(start, next ?? this.text.length);
    return raw.replace(/\r?\n$|\r$/, '');
  }
}

/**
 * Where a text read out of another file (a Dockerfile or a list of versions written in a YAML value)
 * is in that host file. `shifted`: line `n` of the text is line `line + n` of the host, starting at
 * `column` (a literal YAML block scalar, or a value on one line). `whole`: the text is not the
 * host's characters (YAML folded or unescaped it), and every position is the whole value's range.
 */
export type TextPlacement =
  | { kind: 'shifted'; host: LineIndex; line: number; column: number }
  | { kind: 'whole'; range: SourceRange };

/**
 * A 1-based line and column that a parser reported, moved inside `text` (see {@link LineIndex.clamp}):
 * parsers report an unexpected end of input on the line after a final line break. `endOfLine` is
 * the column just after the last character of that line.
 */
export function clampedLineColumn(
  text: string | LineIndex,
  line: number,
  column: number,
): { line: number; column: number; endOfLine: number } {
  const index = typeof text === 'string' ? new LineIndex(text) : text;
  const pos = index.clamp(line - 1, column - 1);
  return {
    line: pos.line + 1,
    column: pos.character + 1,
    endOfLine: index.lineText(pos.line).length + 1,
  };
}

/** A SourceRange for a whole 1-based line (used by diagnostics that point at a line). */
export function lineLocation(file: string, line: number, column = 1): SourceRange {
  return { file, startLine: line, startColumn: column, endLine: line, endColumn: column };
}

export function parseErrorDiagnostic(
  file: string,
  line: number,
  column: number,
  message: string,
): Diagnostic {
  return {
    code: inputCodes.parseError,
    severity: 'error',
    message: `${file}:${line}: cannot parse: ${message}`,
    location: lineLocation(file, line, column),
    hint: 'fix the syntax error; pybase skipped what it could not read in this file',
  };
}

// The code list is greedy and takes the spaces around it (split below drops them): a lazy list
// followed by `\s*$` backtracks cubically on a long line of spaces.
const pragmaPattern = /^\s*#\s*pybase:\s*(ignore|ignore-file)\s*=([A-Za-z0-9_,\s-]*)$/;
// INI files (tox.ini, setup.cfg) also start comments with `;`.
const iniPragmaPattern = /^\s*[#;]\s*pybase:\s*(ignore|ignore-file)\s*=([A-Za-z0-9_,\s-]*)$/;
// The same comment at the end of a line of content (YAML, TOML): ` # pybase: ignore=PB003`. A
// space must come before the `#`, as YAML requires of a comment after a value.
const trailingPragmaPattern = /\s#\s*pybase:\s*(ignore)\s*=([A-Za-z0-9_,\s-]*)$/;
// In formats where any `#` starts a comment (asdf's `.tool-versions`), no space is needed.
const anyHashPragmaPattern = /#\s*pybase:\s*(ignore)\s*=([A-Za-z0-9_,\s-]*)$/;
// A pragma anywhere on a line, to find those written where the format takes no comment.
const anyPragmaPattern = /#\s*pybase:\s*(?:ignore|ignore-file)\s*=([A-Za-z0-9_,\s-]*)$/;

/** The codes of a pragma's list (`PB003, pb005`), upper-cased. */
function pragmaCodes(list: string | undefined): string[] {
  return (list ?? '')
    .split(/[\s,]+/)
    .map((c) => c.trim().toUpperCase())
    .filter((c) => c.length > 0);
}

/**
 * Whole-line `# pybase: ignore=PB003,PB005` (applies to the next instruction or key) and
 * `# pybase: ignore-file=PB001` (applies to the whole file) comments. `targetOf` tells, for a
 * 0-based line index, which lines the next statement spans; callers know their format. Options:
 * `ini`, a `;` comment holds a pragma too; `trailing`, for formats where `#` after content starts a
 * comment (YAML, TOML: after a space; `'any-hash'`: any `#`, as in `.tool-versions`), an `ignore=`
 * at the end of a line applies to that line.
 */
export function scanPragmas(
  file: string,
  index: LineIndex,
  targetOf: (pragmaLine: number) => { startLine: number; endLine: number } | undefined,
  isComment: (line: number) => boolean = () => true,
  { ini = false, trailing = false }: { ini?: boolean; trailing?: boolean | 'any-hash' } = {},
): IgnorePragma[] {
  const wholeLine = ini ? iniPragmaPattern : pragmaPattern;
  const trailingPattern = trailing === 'any-hash' ? anyHashPragmaPattern : trailingPragmaPattern;
  const out: IgnorePragma[] = [];
  // Every pragma holds `pybase:`; most files hold none, and then no line needs reading.
  if (!index.text.includes('pybase:')) return out;
  for (let line = 0; line < index.lineCount; line++) {
    const text = index.lineText(line);
    if (!text.includes('pybase:')) continue;
    const m = wholeLine.exec(text);
    if (!m && trailing) {
      const t = trailingPattern.exec(text);
      const codes = pragmaCodes(t?.[2]);
      if (t && codes.length > 0) {
        out.push({
          file,
          line: line + 1,
          codes,
          scope: 'next',
          target: { startLine: line + 1, endLine: line + 1 },
        });
      }
      continue;
    }
    if (!m || !isComment(line)) continue;
    const codes = pragmaCodes(m[2]);
    if (codes.length === 0) continue;
    if (m[1] === 'ignore-file') {
      out.push({ file, line: line + 1, codes, scope: 'file' });
    } else {
      const target = targetOf(line);
      out.push(
        target
          ? { file, line: line + 1, codes, scope: 'next', target }
          : { file, line: line + 1, codes, scope: 'next' },
      );
    }
  }
  return out;
}

/**
 * The PBE010 warning for an ignore pragma written where the file takes no comment (after a version
 * in `.python-version`, inside a YAML block of versions): it silences nothing, and the program that
 * reads the file takes it for part of the value. `line` is 0-based; undefined when the line holds no
 * pragma.
 */
export function misplacedPragma(
  file: string,
  index: LineIndex,
  line: number,
  why: (written: string) => string,
  hint: string,
): Diagnostic | undefined {
  const text = index.lineText(line);
  if (!text.includes('pybase:')) return undefined;
  const m = anyPragmaPattern.exec(text);
  if (!m) return undefined;
  const codes = pragmaCodes(m[1]);
  return {
    code: inputCodes.unusedIgnore,
    severity: 'warning',
    message: `ignore pragma not read: ${why(text.trim())}`,
    location: lineLocation(file, line + 1, m.index + 1),
    hint,
    data: { pragmaCodes: codes, misplaced: true },
  };
}

/**
 * For line-oriented formats (YAML, TOML, INI): the statement after a comment starts at the next
 * non-blank, non-comment line and runs until a line indented no deeper than it (or a blank run
 * before such a line). This is text-based on purpose: it must work on files the parser rejected.
 */
export function indentedBlockAfter(
  index: LineIndex,
  line: number,
): { startLine: number; endLine: number } | undefined {
  let start = -1;
  for (let l = line + 1; l < index.lineCount; l++) {
    const t = index.lineText(l);
    if (t.trim() === '' || t.trim().startsWith('#')) continue;
    start = l;
    break;
  }
  if (start < 0) return undefined;
  const first = index.lineText(start);
  const indent = first.length - first.trimStart().length;
  // A list item's content sits deeper than its dash: `- name: x` continues with `  image: y`.
  const itemIndent = /^\s*-\s/.test(first) ? indent + 1 : indent;
  let end = start;
  for (let l = start + 1; l < index.lineCount; l++) {
    const t = index.lineText(l);
    if (t.trim() === '' || t.trim().startsWith('#')) continue;
    const ind = t.length - t.trimStart().length;
    if (ind < itemIndent || (ind === indent && itemIndent === indent)) break;
    end = l;
  }
  return { startLine: start + 1, endLine: end + 1 };
}

/** True when the first 8 KiB hold a NUL byte: the usual test for binary content. */
export function looksBinary(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 8192);
  for (let i = 0; i < n; i++) if (bytes[i] === 0) return true;
  return false;
}

/** Decode file bytes as UTF-8, dropping a byte-order mark. */
export function decodeText(bytes: Uint8Array): string {
  const text = new TextDecoder('utf-8').decode(bytes);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Where the first byte sequence that is not UTF-8 starts: its 1-based line and column (in characters
 * of the valid text before it; a byte-order mark is not counted) and the byte, or undefined when all
 * of it is UTF-8.
 */
export function firstNonUtf8(bytes: Uint8Array): { line: number; column: number; byte: number } | undefined {
  let i = 0;
  let bad = -1;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const need =
      b < 0x80
        ? 0
        : b >= 0xc2 && b <= 0xdf
          ? 1
          : b >= 0xe0 && b <= 0xef
            ? 2
            : b >= 0xf0 && b <= 0xf4
              ? 3
              : -1;
    let ok = need >= 0 && i + need < bytes.length;
    for (let k = 1; ok && k <= need; k++) {
      const c = bytes[i + k]!;
      let lo = 0x80;
      let hi = 0xbf;
      if (k === 1 && b === 0xe0) lo = 0xa0; // overlong
      if (k === 1 && b === 0xed) hi = 0x9f; // surrogates
      if (k === 1 && b === 0xf0) lo = 0x90; // overlong
      if (k === 1 && b === 0xf4) hi = 0x8f; // past U+10FFFF
      ok = c >= lo && c <= hi;
    }
    if (!ok) {
      bad = i;
      break;
    }
    i += need + 1;
  }
  if (bad < 0) return undefined;
  const before = decodeText(bytes.subarray(0, bad));
  const index = new LineIndex(before);
  const at = index.positionAt(before.length);
  return { line: at.line + 1, column: at.character + 1, byte: bytes[bad]! };
}
