/**
 * Shell-style variable substitution as Dockerfiles (`ARG`), compose files and GitLab CI apply it
 * to image names: `$V`, `${V}`, `${V:-default}`, `${V-default}`, `${V:+alt}`, `${V+alt}`,
 * `${V:?msg}`. Written by hand because no installed package models a variable whose value is
 * *unknown but set* (BuildKit's automatic platform ARGs) and because the origins of each value
 * must be kept for the fixer.
 */
import type { ValueOrigin } from '../model/project.js';

/** What is known about a variable at the point of use. */
export type VarState =
  /** Set, with this value; `origins` tell where the value was written. */
  | { kind: 'known'; value: string; origins: ValueOrigin[] }
  /**
   * Set to a value pybase cannot know: set at build time (`TARGETPLATFORM`, CI predefined
   * variables), or defined from other variables that have no value (`because` names those).
   */
  | { kind: 'unknown'; because?: string[] };

/** Variables in scope: a missing name is unset. */
export type Scope = ReadonlyMap<string, VarState>;

export interface Substitution {
  /** The fully substituted text; absent when some variable has no known value. */
  value?: string;
  /** Names without a value, in order of first use. */
  unresolved: string[];
  origins: ValueOrigin[];
}

export type Dialect = 'dockerfile' | 'compose' | 'gitlab';

export interface SubstituteOptions {
  dialect: Dialect;
  /** Dockerfile escape character (`\` or a backtick): it makes a following `$` literal. */
  escapeChar?: string;
}

const nameStart = /[A-Za-z_]/;
const nameChar = /[A-Za-z0-9_]/;

/** True when the text contains anything substitution would touch. */
export function hasVariables(text: string): boolean {
  return text.includes('$');
}

export function substitute(text: string, scope: Scope, options: SubstituteOptions): Substitution {
  const unresolved: string[] = [];
  const origins: ValueOrigin[] = [];
  const value = expand(text, scope, options, unresolved, origins);
  const result: Substitution = { unresolved, origins: dedupeOrigins(origins) };
  if (unresolved.length === 0 && value !== undefined) result.value = value;
  return result;
}

function dedupeOrigins(origins: ValueOrigin[]): ValueOrigin[] {
  const seen = new Set<string>();
  return origins.filter((o) => {
    const key = `${o.name}\0${o.source}\0${o.file ?? ''}\0${o.range?.startOffset ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function addUnresolved(list: string[], name: string): void {
  if (!list.includes(name)) list.push(name);
}

function markUnresolved(list: string[], name: string, state: VarState | undefined): void {
  if (state?.kind === 'unknown' && state.because?.length)
    for (const b of state.because) addUnresolved(list, b);
  else addUnresolved(list, name);
}

/** Index of the `}` closing a `${` whose body starts at `from`, or -1. */
function closingBrace(text: string, from: number): number {
  let depth = 1;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === '$' && text[i + 1] === '{') {
      depth++;
      i++;
    } else if (c === '}') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

function expand(
  text: string,
  scope: Scope,
  options: SubstituteOptions,
  unresolved: string[],
  origins: ValueOrigin[],
): string | undefined {
  let out = '';
  let complete = true;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (
      options.dialect === 'dockerfile' &&
      options.escapeChar &&
      c === options.escapeChar &&
      text[i + 1] === '$'
    ) {
      out += '$';
      i += 2;
      continue;
    }
    if (c !== '$') {
      out += c;
      i++;
      continue;
    }
    const next = text[i + 1];
    if (next === '$' && options.dialect !== 'dockerfile') {
      out += '$';
      i += 2;
      continue;
    }
    if (next === '{') {
      const end = closingBrace(text, i + 2);
      if (end < 0) {
        // An unclosed `${`: nothing to substitute; the engine would reject it, keep it unresolved.
        addUnresolved(unresolved, text.slice(i));
        return undefined;
      }
      const body = text.slice(i + 2, end);
      const part = expandBraced(body, scope, options, unresolved, origins);
      if (part === undefined) complete = false;
      else out += part;
      i = end + 1;
      continue;
    }
    if (next !== undefined && nameStart.test(next)) {
      let j = i + 2;
      while (j < text.length && nameChar.test(text[j]!)) j++;
      const name = text.slice(i + 1, j);
      const state = scope.get(name);
      if (state?.kind === 'known') {
        out += state.value;
        origins.push(...state.origins);
      } else {
        markUnresolved(unresolved, name, state);
        complete = false;
      }
      i = j;
      continue;
    }
    out += c;
    i++;
  }
  return complete ? out : undefined;
}

function expandBraced(
  body: string,
  scope: Scope,
  options: SubstituteOptions,
  unresolved: string[],
  origins: ValueOrigin[],
): string | undefined {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+?])([\s\S]*))?$/.exec(body);
  if (!m) {
    // Operators such as `#` or `%` (pattern removal) are not modelled: the value stays unknown.
    addUnresolved(unresolved, `\${${body}}`);
    return undefined;
  }
  const name = m[1]!;
  const op = m[2];
  const word = m[3] ?? '';
  const state = scope.get(name);
  const useWord = () => expand(word, scope, options, unresolved, origins);
  const useValue = () => {
    if (state?.kind === 'known') {
      origins.push(...state.origins);
      return state.value;
    }
    markUnresolved(unresolved, name, state);
    return undefined;
  };
  if (op === undefined) return useValue();
  if (state?.kind === 'unknown') {
    markUnresolved(unresolved, name, state);
    return undefined;
  }
  const isSet = state?.kind === 'known';
  const nonEmpty = isSet && state.value !== '';
  switch (op) {
    case ':-':
      return nonEmpty ? useValue() : useWord();
    case '-':
      return isSet ? useValue() : useWord();
    case ':+':
      return nonEmpty ? useWord() : '';
    case '+':
      return isSet ? useWord() : '';
    default:
      // `:?` and `?`: the value when set, otherwise the build fails; either way no default.
      if (op === ':?' && isSet && !nonEmpty) {
        addUnresolved(unresolved, name);
        return undefined;
      }
      return useValue();
  }
}
