/**
 * YAML access with exact positions, shared by the compose, GitHub Actions and GitLab CI
 * extractors. Built on the `yaml` package's document model (node ranges are offsets into the
 * source); aliases and `<<` merge keys are followed so that the range reported is where the value
 * is actually written (the anchor), which is what a fixer must edit.
 */
import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  type Node,
  parse,
  parseAllDocuments,
  parseDocument,
  type Scalar,
  visit,
  type YAMLMap,
} from 'yaml';
import type { Diagnostic, SourceRange } from '../model/diagnostic.js';
import type { IgnorePragma, OriginSource, ValueOrigin } from '../model/project.js';
import {
  indentedBlockAfter,
  LineIndex,
  parseErrorDiagnostic,
  scanPragmas,
  type TextPlacement,
} from './text.js';

export interface ParsedYaml {
  doc: Document.Parsed;
  index: LineIndex;
  file: string;
}

/**
 * Flow collections (`[`, `{`) nested deeper than any real file needs. The YAML parser recurses once
 * per level, and tens of thousands of levels in one file, after other files were parsed, have been
 * seen to end the Node process with a fatal out-of-memory error that no `try` can catch, so such a
 * file is reported and not parsed.
 */
export const maxFlowDepth = 256;

/**
 * The offset where flow nesting first exceeds `maxFlowDepth`, or -1. Brackets inside quoted strings
 * and comments count too: this is a cheap bound, and real files stay far below it either way.
 */
export function flowDepthExceededAt(text: string): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 91 || c === 123) {
      depth++;
      if (depth > maxFlowDepth) return i;
    } else if ((c === 93 || c === 125) && depth > 0) {
      depth--;
    }
  }
  return -1;
}

export interface ParseYamlOptions {
  /**
   * A top-level key that may make up a header document before the real one (GitLab CI's `spec:`,
   * then `---`, then the pipeline): the document after such a header is read.
   */
  headerKey?: string;
}

const parseOptions = { merge: true, uniqueKeys: false, prettyErrors: false } as const;

/**
 * The document to read in a file of several: the one after a header document holding only
 * `headerKey`, when there are exactly those two. Else a diagnostic naming where the second starts.
 */
function documentAfterHeader(
  file: string,
  text: string,
  index: LineIndex,
  options: ParseYamlOptions,
): { yaml?: ParsedYaml; diagnostics: Diagnostic[] } {
  const docs = parseAllDocuments(text, parseOptions);
  const list = Array.isArray(docs) ? docs : [docs];
  const [header, body] = list;
  if (options.headerKey !== undefined && list.length === 2 && header && body) {
    const keys = isMap(header.contents) ? header.contents.items.map((p) => keyText(p.key)) : [];
    const broken = list.flatMap((d) => d.errors);
    if (broken.length === 0 && keys.length === 1 && keys[0] === options.headerKey) {
      return { yaml: { doc: body, index, file }, diagnostics: [] };
    }
  }
  const second = list[1]?.range[0] ?? 0;
  const pos = index.pointAt(second);
  const allowed =
    options.headerKey !== undefined
      ? `; only a header document holding \`${options.headerKey}:\` may come before the one pybase reads`
      : '';
  return {
    diagnostics: [
      {
        ...parseErrorDiagnostic(
          file,
          pos.line + 1,
          pos.character + 1,
          `the file holds ${list.length} YAML documents (a '---' line starts another), but is read as one${allowed}: nothing in it was read`,
        ),
        hint: "keep one YAML document per file: a '---' line ends the first",
      },
    ],
  };
}

/** Parse one YAML file; on a syntax error return `PBE006` diagnostics (file and line) instead. */
export function parseYaml(
  file: string,
  text: string,
  options: ParseYamlOptions = {},
): { yaml?: ParsedYaml; diagnostics: Diagnostic[] } {
  const index = new LineIndex(text);
  const tooDeep = flowDepthExceededAt(text);
  if (tooDeep >= 0) {
    const pos = index.pointAt(tooDeep);
    return {
      diagnostics: [
        parseErrorDiagnostic(
          file,
          pos.line + 1,
          pos.character + 1,
          `'[' and '{' nest more than ${maxFlowDepth} levels deep here; the file is not read`,
        ),
      ],
    };
  }
  let doc: Document.Parsed;
  try {
    // `merge: true` so that `<<: *defaults` keys are recognised as merge keys; uniqueKeys off
    // because real CI files repeat keys and the engines that read them keep the last one.
    doc = parseDocument(text, parseOptions);
    if (doc.errors.some((e) => e.code === 'MULTIPLE_DOCS'))
      return documentAfterHeader(file, text, index, options);
  } catch (error) {
    return {
      diagnostics: [parseErrorDiagnostic(file, 1, 1, error instanceof Error ? error.message : String(error))],
    };
  }
  if (doc.errors.length > 0) {
    const diagnostics = doc.errors.slice(0, 3).map((e) => {
      // An unexpected end of input is reported at the very end of the text, after its final line
      // break: the position is kept inside the file's last line.
      const pos = index.pointAt(e.pos[0]);
      const first = e.message.split('\n')[0] ?? e.message;
      return parseErrorDiagnostic(file, pos.line + 1, pos.character + 1, first);
    });
    return { diagnostics };
  }
  return { yaml: { doc, index, file }, diagnostics: [] };
}

/**
 * Whether `text`, written as a plain YAML scalar, reads back as that same text: as a string, or as a
 * number that prints as the text (`3.12`, which engines turn back into '3.12'). Not so for `3.10` (the
 * number 3.1), `true`, `null`, `~`, or text that is not a scalar at all (`a: b`, `[x]`), under YAML
 * 1.2 or 1.1 (which also reads `yes`, `on`, `no` as booleans).
 */
export function plainScalarReadsAs(text: string): boolean {
  if (text === '' || text !== text.trim()) return false;
  for (const version of ['1.2', '1.1'] as const) {
    let value: unknown;
    try {
      value = parse(text, { version, logLevel: 'error' });
    } catch {
      return false;
    }
    const same = typeof value === 'string' || typeof value === 'number' ? String(value) === text : false;
    if (!same) return false;
  }
  return true;
}

/**
 * The value of the scalar whose text starts at `offset` of a YAML text (the offset is inside the quotes
 * of a quoted scalar), as the parser reads it; undefined when no scalar starts there.
 */
export function scalarValueAt(text: string, offset: number): { value: unknown } | undefined {
  const docs = parseAllDocuments(text, parseOptions);
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    let found: { value: unknown } | undefined;
    visit(doc, {
      Scalar(_key, node) {
        const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE';
        if (node.range?.[0] === (quoted ? offset - 1 : offset)) {
          found = { value: node.value };
          return visit.BREAK;
        }
        return undefined;
      },
    });
    if (found) return found;
  }
  return undefined;
}

/** Follow an alias to its anchored node. */
export function deref(y: ParsedYaml, node: unknown): Node | undefined {
  let current = node;
  for (let i = 0; i < 16 && isAlias(current); i++) {
    current = current.resolve(y.doc);
  }
  if (current === null || current === undefined || isAlias(current)) return undefined;
  return current as Node;
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) {
    // With `merge: true` the parser gives a merge key the value Symbol(<<).
    if (typeof key.value === 'symbol') return key.value.description === '<<' ? '<<' : undefined;
    return key.value === null ? undefined : String(key.value);
  }
  if (typeof key === 'string') return key;
  return undefined;
}

/** The pairs of a mapping in order, with `<<` merges expanded after the mapping's own keys. */
export function mapEntries(
  y: ParsedYaml,
  node: unknown,
  depth = 0,
): { key: string; value: Node | undefined }[] {
  const map = deref(y, node);
  if (!isMap(map) || depth > 8) return [];
  const own: { key: string; value: Node | undefined }[] = [];
  const merged: { key: string; value: Node | undefined }[] = [];
  for (const pair of (map as YAMLMap).items) {
    const key = keyText(pair.key);
    if (key === undefined) continue;
    if (key === '<<') {
      const source = deref(y, pair.value);
      const sources = isSeq(source) ? source.items : [source];
      for (const s of sources) merged.push(...mapEntries(y, s, depth + 1));
      continue;
    }
    own.push({ key, value: deref(y, pair.value) });
  }
  const seen = new Set(own.map((e) => e.key));
  for (const m of merged) {
    if (!seen.has(m.key)) {
      seen.add(m.key);
      own.push(m);
    }
  }
  return own;
}

export function mapGet(y: ParsedYaml, node: unknown, key: string): Node | undefined {
  const entries = mapEntries(y, node);
  // The last occurrence wins, as with the engines that read these files.
  for (let i = entries.length - 1; i >= 0; i--) if (entries[i]!.key === key) return entries[i]!.value;
  return undefined;
}

export function seqItems(y: ParsedYaml, node: unknown): Node[] {
  const seq = deref(y, node);
  if (!isSeq(seq)) return [];
  return seq.items.map((item) => deref(y, item)).filter((n): n is Node => n !== undefined);
}

export interface ScalarText {
  /** The value as written: plain scalars keep their source (`3.10` stays `3.10`). */
  text: string;
  /** The range a fixer replaces: inside the quotes when the quoted text equals the value. */
  range: SourceRange;
  /**
   * For a plain scalar that YAML reads as a number written differently (`3.10` is 3.1, `3.0` is 3):
   * the text a program reading the file gets. Absent otherwise.
   */
  readAs?: string;
}

/** The text and exact range of a scalar node, or undefined for anything else. */
export function scalarText(y: ParsedYaml, node: unknown): ScalarText | undefined {
  const n = deref(y, node);
  if (!isScalar(n) || !n.range) return undefined;
  if (n.value === null) return undefined;
  const [start, valueEnd] = n.range;
  const source = y.index.text.slice(start, valueEnd);
  const value = String(n.value);
  switch (n.type) {
    case 'QUOTE_DOUBLE':
    case 'QUOTE_SINGLE': {
      const inner = source.slice(1, -1);
      if (inner === value) return { text: value, range: y.index.range(y.file, start + 1, valueEnd - 1) };
      return { text: value, range: y.index.range(y.file, start, valueEnd) };
    }
    case 'PLAIN':
      if (!source.includes('\n') && !source.includes('\r')) {
        const out: ScalarText = { text: source, range: y.index.range(y.file, start, valueEnd) };
        if (typeof n.value === 'number' && value !== source) out.readAs = value;
        return out;
      }
      return { text: value, range: y.index.range(y.file, start, valueEnd) };
    default:
      return { text: value, range: y.index.range(y.file, start, valueEnd) };
  }
}

/**
 * Where the text of a YAML string value is in the file: line by line at one column for a literal
 * block (`|`, `|-`, `|+`, any indentation) and for a value on one line written as it reads; else
 * (folded `>`, quoted across lines, escapes) the whole value. Checked line by line against the
 * file, so that a placement is only `shifted` when every character is where it says.
 */
export function scalarPlacement(y: ParsedYaml, node: Scalar, value: string): TextPlacement {
  const [start, valueEnd] = node.range!;
  const source = y.index.text.slice(start, valueEnd);
  // The value's range without the line breaks a block scalar ends with.
  const whole: TextPlacement = {
    kind: 'whole',
    range: y.index.range(y.file, start, start + source.trimEnd().length),
  };
  const at = y.index.positionAt(start);
  const oneLine = !/[\r\n]/.test(value);
  switch (node.type) {
    case 'QUOTE_DOUBLE':
    case 'QUOTE_SINGLE':
      return oneLine && source.slice(1, -1) === value
        ? { kind: 'shifted', host: y.index, line: at.line, column: at.character + 1 }
        : whole;
    case 'PLAIN':
      return oneLine && source === value
        ? { kind: 'shifted', host: y.index, line: at.line, column: at.character }
        : whole;
    case 'BLOCK_LITERAL':
      break;
    default:
      return whole;
  }
  const lines = new LineIndex(value);
  const count = value.endsWith('\n') ? lines.lineCount - 1 : lines.lineCount;
  const first = at.line + 1;
  let column: number | undefined;
  for (let i = 0; i < count && column === undefined; i++) {
    const v = lines.lineText(i);
    if (v !== '') column = y.index.lineText(first + i).length - v.length;
  }
  if (column === undefined || column < 0 || first + count > y.index.lineCount) return whole;
  for (let i = 0; i < count; i++) {
    const v = lines.lineText(i);
    const h = y.index.lineText(first + i);
    const indent = h.slice(0, column);
    const exact =
      v === '' ? /^ *$/.test(h) && h.length <= column : /^ *$/.test(indent) && h.slice(column) === v;
    if (!exact) return whole;
  }
  return { kind: 'shifted', host: y.index, line: first, column };
}

/** Where a substituted value is written: a scalar of this file, with what YAML reads it as. */
export function scalarOrigin(y: ParsedYaml, s: ScalarText, name: string, source: OriginSource): ValueOrigin {
  const origin: ValueOrigin = { name, value: s.text, source, file: y.file, range: s.range };
  if (s.readAs !== undefined) origin.readAs = s.readAs;
  return origin;
}

/** A string-valued key (`image: python:3.12`), or undefined. */
export function stringAt(y: ParsedYaml, node: unknown, key: string): ScalarText | undefined {
  return scalarText(y, mapGet(y, node, key));
}

export function isMapping(y: ParsedYaml, node: unknown): boolean {
  return isMap(deref(y, node));
}

/**
 * Pragmas of a YAML file (text-based, so they are found even when the file does not parse). A
 * `next` pragma applies to the key on the following line and everything nested under it.
 */
export function yamlPragmas(file: string, text: string, index = new LineIndex(text)): IgnorePragma[] {
  return scanPragmas(file, index, (line) => indentedBlockAfter(index, line), undefined, {
    trailing: true,
  });
}

/** The names in a GitLab CI `!reference [job, key, ...]` sequence, or undefined for any other node. */
export function referencePath(y: ParsedYaml, node: unknown): string[] | undefined {
  const target = deref(y, node);
  if (!isSeq(target) || target.tag !== '!reference') return undefined;
  const names = target.items.map((item) => scalarText(y, item)?.text);
  return names.length >= 2 && names.every((n) => n !== undefined) ? (names as string[]) : undefined;
}
