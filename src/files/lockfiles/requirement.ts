/**
 * A parser for PEP 508 dependency specifiers: `name[extra1,extra2] (>=1,<2) ; marker` and
 * `name[extras] @ url ; marker`. Markers are kept as raw text; they are evaluated elsewhere.
 *
 * Written by hand: none of the installed packages parses PEP 508 (@renovatebot/pep440 handles only
 * versions and specifiers), and the grammar is small.
 */

/** A parsed requirement. */
export interface Requirement {
  /** The name as written. */
  name: string;
  extras: string[];
  /** The version specifier with clauses joined by `,` and no spaces (`>=1.0,<2`); empty when none. */
  specifier: string;
  /** The URL after `@`, when present. */
  url?: string;
  /** The marker text after `;`, trimmed, when present. */
  marker?: string;
}

export type RequirementResult =
  | { ok: true; requirement: Requirement }
  | { ok: false; message: string /** 1-based column in the input. */; column: number };

const namePattern = /[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?/y;
const operatorPattern = /(===|~=|==|!=|<=|>=|<|>)/y;
const versionPattern = /[A-Za-z0-9_.*+!-]+/y;
const arbitraryVersionPattern = /[^\s,;)]+/y;

/** Parses one PEP 508 requirement string. Never throws. */
export function parseRequirement(text: string): RequirementResult {
  let i = 0;
  const fail = (message: string): RequirementResult => ({ ok: false, message, column: i + 1 });
  const skipSpace = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
  };
  const match = (re: RegExp): string | undefined => {
    re.lastIndex = i;
    const m = re.exec(text);
    if (!m) return undefined;
    i += m[0].length;
    return m[0];
  };

  skipSpace();
  const name = match(namePattern);
  if (name === undefined) return fail('expected a package name');
  skipSpace();

  const extras: string[] = [];
  if (text[i] === '[') {
    i++;
    skipSpace();
    if (text[i] !== ']') {
      for (;;) {
        skipSpace();
        const extra = match(namePattern);
        if (extra === undefined) return fail('expected an extra name');
        extras.push(extra);
        skipSpace();
        if (text[i] === ',') {
          i++;
          continue;
        }
        break;
      }
    }
    if (text[i] !== ']') return fail('expected "]" to close the extras');
    i++;
    skipSpace();
  }

  let url: string | undefined;
  const clauses: string[] = [];
  if (text[i] === '@') {
    i++;
    skipSpace();
    const start = i;
    while (i < text.length && !/\s/.test(text[i] ?? '')) i++;
    url = text.slice(start, i);
    if (url.length === 0) return fail('expected a URL after "@"');
    // A ";" glued to the URL belongs to the URL (PEP 508 needs a space before the marker).
    const beforeMarker = i;
    skipSpace();
    if (i < text.length && text[i] !== ';') return fail('expected ";" and a marker after the URL');
    if (i < text.length && beforeMarker === i) return fail('a space is needed between the URL and ";"');
  } else {
    const parenthesised = text[i] === '(';
    if (parenthesised) {
      i++;
      skipSpace();
    }
    if (/^(===|~=|==|!=|<=|>=|<|>)/.test(text.slice(i))) {
      for (;;) {
        skipSpace();
        const op = match(operatorPattern);
        if (op === undefined) return fail('expected a version operator (==, >=, ~=, ...)');
        skipSpace();
        const version = match(op === '===' ? arbitraryVersionPattern : versionPattern);
        if (version === undefined) return fail(`expected a version after "${op}"`);
        clauses.push(op + version);
        skipSpace();
        if (text[i] === ',') {
          i++;
          continue;
        }
        break;
      }
    }
    if (parenthesised) {
      skipSpace();
      if (text[i] !== ')') return fail('expected ")" to close the version specifier');
      i++;
    }
    skipSpace();
  }

  let marker: string | undefined;
  if (text[i] === ';') {
    i++;
    skipSpace();
    marker = text.slice(i).trim();
    if (marker.length === 0) return fail('expected a marker after ";"');
    const problem = checkMarker(marker);
    if (problem) return fail(problem);
    i = text.length;
  }
  skipSpace();
  if (i < text.length) return fail(`unexpected "${text.slice(i, i + 20)}"`);

  const requirement: Requirement = { name, extras, specifier: clauses.join(',') };
  if (url !== undefined) requirement.url = url;
  if (marker !== undefined) requirement.marker = marker;
  return { ok: true, requirement };
}

/** A light check of marker text: balanced parentheses and closed quotes. Returns a problem or undefined. */
export function checkMarker(marker: string): string | undefined {
  let depth = 0;
  let quote: string | undefined;
  for (const c of marker) {
    if (quote) {
      if (c === quote) quote = undefined;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '(') depth++;
    else if (c === ')') {
      depth--;
      if (depth < 0) return 'unbalanced ")" in the marker';
    }
  }
  if (quote) return 'unclosed quote in the marker';
  if (depth !== 0) return 'unclosed "(" in the marker';
  return undefined;
}

/**
 * The exact version a specifier pins (`==1.2.3` or `===1.2.3`), or undefined for a range or a
 * wildcard (`==1.2.*`).
 */
export function pinnedVersion(specifier: string): string | undefined {
  const clauses = specifier
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c.length > 0);
  if (clauses.length !== 1) return undefined;
  const m = /^(===|==)\s*(.+)$/.exec(clauses[0] ?? '');
  if (!m || m[1] === undefined || m[2] === undefined) return undefined;
  if (m[1] === '==' && m[2].endsWith('*')) return undefined;
  return m[2];
}

/** Kind of a direct reference URL: a VCS checkout, a local file/folder, or a remote archive. */
export function urlKind(url: string): 'vcs' | 'path' | 'url' {
  if (/^(git|hg|svn|bzr)\+/i.test(url) || /^git:\/\//i.test(url)) return 'vcs';
  if (/^file:/i.test(url)) return 'path';
  return 'url';
}
