/**
 * PEP 508 environment markers: `python_version >= "3.9" and platform_machine == "x86_64"`.
 *
 * Hand-written: no maintained npm library parses and evaluates PEP 508 markers. Semantics follow
 * pypa/packaging: `and` binds tighter than `or`; a comparison whose operator and right-hand side
 * form a valid PEP 440 specifier compares versions (via @renovatebot/pep440), otherwise it compares
 * strings (`in` / `not in` are substring tests); `extra` names compare PEP 503/685-normalized.
 */
import { clean, satisfies, validRange } from '@renovatebot/pep440';
import { inputCodes, PybaseError, type SourceRange } from '../model/diagnostic.js';
import { normalizeName } from './filename.js';
import { pythonFullVersion, type WheelTarget } from './target.js';

export const markerVariables = [
  'implementation_name',
  'implementation_version',
  'os_name',
  'platform_machine',
  'platform_python_implementation',
  'platform_release',
  'platform_system',
  'platform_version',
  'python_full_version',
  'python_version',
  'sys_platform',
  'extra',
] as const;
export type MarkerVariable = (typeof markerVariables)[number];

/** Older spellings packaging still accepts (PEP 345 and setuptools). */
const variableAliases: Record<string, MarkerVariable> = {
  'os.name': 'os_name',
  'sys.platform': 'sys_platform',
  'platform.version': 'platform_version',
  'platform.machine': 'platform_machine',
  'platform.python_implementation': 'platform_python_implementation',
  python_implementation: 'platform_python_implementation',
};

export type MarkerOp = '===' | '==' | '>=' | '<=' | '!=' | '~=' | '>' | '<' | 'in' | 'not in';
const versionOps: readonly MarkerOp[] = ['===', '==', '>=', '<=', '!=', '~=', '>', '<'];

export type MarkerOperand = { kind: 'variable'; name: MarkerVariable } | { kind: 'literal'; value: string };

export type Marker =
  | { type: 'compare'; left: MarkerOperand; op: MarkerOp; right: MarkerOperand; offset: number }
  | { type: 'and' | 'or'; left: Marker; right: Marker };

export interface MarkerSyntaxError {
  message: string;
  /** 0-based offset into the marker text. */
  offset: number;
  /** 1-based column (same as offset + 1 for a one-line marker). */
  column: number;
}

export type MarkerParseResult = { ok: true; marker: Marker } | { ok: false; error: MarkerSyntaxError };

export type MarkerEnvironment = Record<Exclude<MarkerVariable, 'extra'>, string> & { extra?: string };

type Token =
  | { kind: 'lparen' | 'rparen' | 'and' | 'or' | 'end'; offset: number }
  | { kind: 'op'; op: MarkerOp; offset: number }
  | { kind: 'string'; value: string; offset: number }
  | { kind: 'variable'; name: MarkerVariable; offset: number };

class SyntaxFailure {
  constructor(
    readonly message: string,
    readonly offset: number,
  ) {}
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const wordAt = /[A-Za-z_][A-Za-z0-9_.]*/y;
  while (true) {
    while (i < text.length && /\s/.test(text[i] ?? '')) i++;
    if (i >= text.length) break;
    const c = text[i] ?? '';
    const start = i;
    if (c === '(' || c === ')') {
      tokens.push({ kind: c === '(' ? 'lparen' : 'rparen', offset: start });
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      const close = text.indexOf(c, i + 1);
      if (close < 0) throw new SyntaxFailure(`unterminated string starting with ${c}`, start);
      tokens.push({ kind: 'string', value: text.slice(i + 1, close), offset: start });
      i = close + 1;
      continue;
    }
    const op = ['===', '==', '>=', '<=', '!=', '~=', '>', '<'].find((o) => text.startsWith(o, i));
    if (op) {
      tokens.push({ kind: 'op', op: op as MarkerOp, offset: start });
      i += op.length;
      continue;
    }
    wordAt.lastIndex = i;
    const word = wordAt.exec(text)?.[0];
    if (!word) throw new SyntaxFailure(`unexpected character '${c}'`, start);
    i += word.length;
    if (word === 'and' || word === 'or') {
      tokens.push({ kind: word, offset: start });
    } else if (word === 'in') {
      tokens.push({ kind: 'op', op: 'in', offset: start });
    } else if (word === 'not') {
      const rest = /\s+in(?![A-Za-z0-9_.])/y;
      rest.lastIndex = i;
      const m = rest.exec(text);
      if (!m) throw new SyntaxFailure("expected 'in' after 'not'", i);
      tokens.push({ kind: 'op', op: 'not in', offset: start });
      i += m[0].length;
    } else {
      const name = (markerVariables as readonly string[]).includes(word)
        ? (word as MarkerVariable)
        : variableAliases[word];
      if (!name) throw new SyntaxFailure(`unknown marker variable '${word}'`, start);
      tokens.push({ kind: 'variable', name, offset: start });
    }
  }
  tokens.push({ kind: 'end', offset: text.length });
  return tokens;
}

class Parser {
  private index = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.index] ?? { kind: 'end', offset: 0 };
  }

  private next(): Token {
    const token = this.peek();
    this.index++;
    return token;
  }

  parse(): Marker {
    const marker = this.or();
    const rest = this.peek();
    if (rest.kind !== 'end')
      throw new SyntaxFailure("expected 'and', 'or' or the end of the marker", rest.offset);
    return marker;
  }

  private or(): Marker {
    let left = this.and();
    while (this.peek().kind === 'or') {
      this.next();
      left = { type: 'or', left, right: this.and() };
    }
    return left;
  }

  private and(): Marker {
    let left = this.atom();
    while (this.peek().kind === 'and') {
      this.next();
      left = { type: 'and', left, right: this.atom() };
    }
    return left;
  }

  private atom(): Marker {
    const token = this.peek();
    if (token.kind === 'lparen') {
      this.next();
      const inner = this.or();
      const close = this.next();
      if (close.kind !== 'rparen') throw new SyntaxFailure("expected ')'", close.offset);
      return inner;
    }
    const left = this.operand();
    const opToken = this.next();
    if (opToken.kind !== 'op') {
      throw new SyntaxFailure(
        'expected a comparison operator (==, !=, <, >=, in, not in, ...)',
        opToken.offset,
      );
    }
    const right = this.operand();
    return { type: 'compare', left, op: opToken.op, right, offset: token.offset };
  }

  private operand(): MarkerOperand {
    const token = this.next();
    if (token.kind === 'variable') return { kind: 'variable', name: token.name };
    if (token.kind === 'string') return { kind: 'literal', value: token.value };
    throw new SyntaxFailure('expected a marker variable or a quoted string', token.offset);
  }
}

/** Parse a marker; a malformed one gives the reason and its position, never an exception. */
export function parseMarker(text: string): MarkerParseResult {
  try {
    return { ok: true, marker: new Parser(tokenize(text)).parse() };
  } catch (error) {
    if (error instanceof SyntaxFailure) {
      return { ok: false, error: { message: error.message, offset: error.offset, column: error.offset + 1 } };
    }
    throw error;
  }
}

/**
 * Parse a marker or throw a PybaseError (PBE006). With `location` (where the marker text starts),
 * the diagnostic points at the offending column.
 */
export function requireMarker(text: string, location?: SourceRange): Marker {
  const result = parseMarker(text);
  if (result.ok) return result.marker;
  const { message, offset } = result.error;
  const at = location
    ? {
        location: {
          ...location,
          startColumn: location.startColumn + offset,
          endLine: location.startLine,
          endColumn: location.startColumn + offset + 1,
        },
      }
    : {};
  throw new PybaseError({
    code: inputCodes.parseError,
    severity: 'error',
    message: `invalid environment marker '${text}': ${message} at column ${offset + 1}`,
    ...at,
    hint: 'Markers follow PEP 508, e.g. python_version >= "3.9" and sys_platform == "linux".',
    data: { marker: text, offset },
  });
}

function quote(value: string): string {
  return value.includes('"') ? `'${value}'` : `"${value}"`;
}

/** The marker written back in a canonical form (needed parentheses only). */
export function formatMarker(marker: Marker): string {
  if (marker.type === 'compare') {
    const side = (o: MarkerOperand) => (o.kind === 'variable' ? o.name : quote(o.value));
    return `${side(marker.left)} ${marker.op} ${side(marker.right)}`;
  }
  const wrap = (m: Marker) =>
    marker.type === 'and' && m.type === 'or' ? `(${formatMarker(m)})` : formatMarker(m);
  return `${wrap(marker.left)} ${marker.type} ${wrap(marker.right)}`;
}

/**
 * The marker environment of CPython on Linux for a target. Values the target does not determine
 * (the kernel's `platform_release` / `platform_version`) are empty unless given in `overrides`;
 * `python_full_version` uses the target's patch, or `.0` when it is unknown.
 */
export function markerEnvironment(
  target: WheelTarget,
  overrides: Partial<MarkerEnvironment> = {},
): MarkerEnvironment {
  const full = pythonFullVersion(target);
  return {
    implementation_name: 'cpython',
    implementation_version: full,
    os_name: 'posix',
    platform_machine: target.machine,
    platform_python_implementation: 'CPython',
    platform_release: '',
    platform_system: 'Linux',
    platform_version: '',
    python_full_version: full,
    python_version: `${target.python.major}.${target.python.minor}`,
    sys_platform: 'linux',
    extra: '',
    ...overrides,
  };
}

function resolve(operand: MarkerOperand, env: MarkerEnvironment): string {
  if (operand.kind === 'literal') return operand.value;
  return env[operand.name] ?? '';
}

function isVersion(text: string): boolean {
  try {
    return clean(text) !== null;
  } catch {
    return false;
  }
}

function undefinedComparison(lhs: string, op: MarkerOp, rhs: string): PybaseError {
  return new PybaseError({
    code: inputCodes.parseError,
    severity: 'error',
    message: `environment marker compares '${lhs}' ${op} '${rhs}', which is neither a version nor a string comparison`,
    hint: 'Use ~= and === only with PEP 440 versions on the right-hand side.',
  });
}

function compare(lhs: string, op: MarkerOp, rhs: string): boolean {
  if (versionOps.includes(op) && !rhs.includes(',')) {
    const specifier = `${op}${rhs}`;
    let valid = false;
    try {
      valid = validRange(specifier);
    } catch {
      valid = false;
    }
    if (valid) {
      if (op === '===') {
        // Arbitrary equality compares the (normalized when possible) text, case-insensitively.
        const normalized = isVersion(lhs) ? (clean(lhs) ?? lhs) : lhs;
        return normalized.toLowerCase() === rhs.trim().toLowerCase();
      }
      // A left-hand side that is not a version never satisfies a version specifier.
      if (!isVersion(lhs)) return false;
      try {
        return satisfies(lhs.trim(), specifier, { prereleases: true });
      } catch {
        return false;
      }
    }
  }
  switch (op) {
    case 'in':
      return rhs.includes(lhs);
    case 'not in':
      return !rhs.includes(lhs);
    case '==':
      return lhs === rhs;
    case '!=':
      return lhs !== rhs;
    case '<':
      return lhs < rhs;
    case '<=':
      return lhs <= rhs;
    case '>':
      return lhs > rhs;
    case '>=':
      return lhs >= rhs;
    default:
      throw undefinedComparison(lhs, op, rhs);
  }
}

function evaluate(marker: Marker, env: MarkerEnvironment): boolean {
  if (marker.type !== 'compare') {
    return marker.type === 'and'
      ? evaluate(marker.left, env) && evaluate(marker.right, env)
      : evaluate(marker.left, env) || evaluate(marker.right, env);
  }
  let lhs = resolve(marker.left, env);
  let rhs = resolve(marker.right, env);
  const isExtra = (o: MarkerOperand) => o.kind === 'variable' && o.name === 'extra';
  if (isExtra(marker.left) || isExtra(marker.right)) {
    lhs = normalizeName(lhs);
    rhs = normalizeName(rhs);
  }
  return compare(lhs, marker.op, rhs);
}

/**
 * Evaluate a marker (parsed, or text) in an environment.
 * @throws PybaseError for malformed marker text, or a comparison that has no meaning (`~=` with a
 * right-hand side that is not a version).
 */
export function evaluateMarker(marker: Marker | string, env: MarkerEnvironment): boolean {
  return evaluate(typeof marker === 'string' ? requireMarker(marker) : marker, env);
}
