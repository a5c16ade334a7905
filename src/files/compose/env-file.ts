/**
 * The `.env` file beside a compose file: the variables compose interpolates into it (`image:
 * python:${PY}-slim`), unless the shell sets them. Syntax as compose reads it: `NAME=value` lines,
 * an optional `export ` before the name, `#` comment lines, unquoted values (an inline comment needs
 * a blank before `#`), single-quoted values taken literally, double-quoted values with escapes, and
 * interpolation of unquoted and double-quoted values from the variables defined above them. Quoted
 * values may span lines.
 *
 * Written here rather than with a dotenv package because pybase needs the position of every value
 * (findings and fixes point at the line a version comes from) and compose's own rules (interpolation,
 * `export`), which the dotenv packages' `parse` functions do not give.
 */
import { type Diagnostic, inputCodes } from '../../model/diagnostic.js';
import type { ValueOrigin } from '../../model/project.js';
import { type Scope, substitute, type VarState } from '../substitute.js';
import { LineIndex, lineLocation } from '../text.js';

export interface ComposeEnv {
  /** Every variable the file sets, later lines winning over earlier ones. */
  variables: Scope;
  diagnostics: Diagnostic[];
}

const assignment = /^[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_.-]*)[ \t]*(=?)/;

const escapes: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\', '"': '"' };

export function parseComposeEnv(file: string, text: string): ComposeEnv {
  const variables = new Map<string, VarState>();
  const diagnostics: Diagnostic[] = [];
  const index = new LineIndex(text);
  const warn = (offset: number, message: string) => {
    const { line, character } = index.positionAt(offset);
    diagnostics.push({
      code: inputCodes.parseError,
      severity: 'warning',
      message: `${file}:${line + 1}: cannot parse: ${message}; compose variables from this line are unknown`,
      location: lineLocation(file, line + 1, character + 1),
      hint: 'write NAME=value, with quotes around values holding spaces or #',
    });
  };
  let at = 0;
  while (at < text.length) {
    let end = text.indexOf('\n', at);
    if (end < 0) end = text.length;
    const line = text.slice(at, end).replace(/\r$/, '');
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) {
      at = end + 1;
      continue;
    }
    const m = assignment.exec(line);
    if (!m) {
      warn(at, `'${trimmed.slice(0, 40)}' is not NAME=value`);
      at = end + 1;
      continue;
    }
    const name = m[1] as string;
    if (m[2] !== '=') {
      // `NAME` alone: compose takes the value from the shell, which pybase does not know.
      if (line.slice(m[0].length).trim() === '') variables.set(name, { kind: 'unknown', because: [name] });
      else warn(at, `'${trimmed.slice(0, 40)}' is not NAME=value`);
      at = end + 1;
      continue;
    }
    // The value starts after the `=` and the blanks that follow it.
    let start = at + m[0].length;
    while (text[start] === ' ' || text[start] === '\t') start++;
    const quote = text[start];
    let raw: string;
    let valueStart: number;
    let valueEnd: number;
    let next: number;
    let interpolate = true;
    if (quote === '"' || quote === "'") {
      const close = closingQuote(text, start + 1, quote);
      if (close < 0) {
        warn(start, `the ${quote === '"' ? 'double' : 'single'} quote is never closed`);
        break;
      }
      valueStart = start + 1;
      valueEnd = close;
      const body = text.slice(valueStart, valueEnd);
      if (quote === "'") {
        raw = body.replace(/\\'/g, "'");
        interpolate = false;
      } else {
        raw = body.replace(/\\([nrt\\"])/g, (_, c: string) => escapes[c] as string);
      }
      let after = text.indexOf('\n', close);
      if (after < 0) after = text.length;
      const rest = text.slice(close + 1, after).trim();
      if (rest !== '' && !rest.startsWith('#'))
        warn(close + 1, `text after the closing quote: '${rest.slice(0, 40)}'`);
      next = after + 1;
    } else {
      const comment = /[ \t]#/.exec(text.slice(start, end));
      valueStart = start;
      valueEnd = comment ? start + comment.index : end;
      while (valueEnd > valueStart && /[ \t\r]/.test(text[valueEnd - 1] as string)) valueEnd--;
      raw = text.slice(valueStart, valueEnd);
      next = end + 1;
    }
    const range = index.range(file, valueStart, valueEnd);
    const origin: ValueOrigin = {
      name,
      value: text.slice(valueStart, valueEnd),
      source: 'compose-env',
      file,
      range,
    };
    if (!interpolate) {
      variables.set(name, { kind: 'known', value: raw, origins: [origin] });
    } else {
      const sub = substitute(raw, variables, { dialect: 'compose' });
      variables.set(
        name,
        sub.value !== undefined
          ? { kind: 'known', value: sub.value, origins: [origin, ...sub.origins] }
          : { kind: 'unknown', because: sub.unresolved },
      );
    }
    at = next;
  }
  return { variables, diagnostics };
}

/** The offset of the quote closing a value that opened before `from`, or -1. */
function closingQuote(text: string, from: number, quote: string): number {
  for (let i = from; i < text.length; i++) {
    if (text[i] === '\\') {
      i++;
      continue;
    }
    if (text[i] === quote) return i;
  }
  return -1;
}
