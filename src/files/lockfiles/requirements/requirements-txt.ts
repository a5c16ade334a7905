/**
 * Reader for pip requirements files (`requirements*.txt`, pip-compile and `uv pip compile` output).
 *
 * Follows pip's own reading order: physical lines ending in `\` are joined (a comment line ends the
 * joined line), comments (`#` at the start or after white space) are dropped, then each line is either
 * an option (`-r`, `-c`, `-e`, `-i`, `--extra-index-url`, `-f`, ...) or a requirement followed by its
 * own options (`--hash=...`). `-r` and `-c` are read relative to the file that names them; a file that
 * includes itself, directly or not, is reported with both file names and the line.
 */

import { dirname, join, resolve } from 'node:path';
import type { DependencySet } from '../../../model/dependencies.js';
import { mainGroup, normalizePackageName } from '../../../model/dependencies.js';
import type { Diagnostic } from '../../../model/diagnostic.js';
import { inputCodes } from '../../../model/diagnostic.js';
import { entryFromRequirement } from '../pyproject/pyproject.js';
import { urlKind } from '../requirement.js';
import {
  addGroup,
  fileNameOf,
  finishSet,
  type LockEntry,
  makeDiagnostic,
  newEntry,
  pushUnique,
  type ReadOptions,
  unreadableSet,
} from '../shared.js';

export interface RequirementsReadOptions extends ReadOptions {
  /**
   * Reads an included file (`-r`/`-c`). Throws when it cannot; the reader turns that into a diagnostic
   * at the including line. Without it, includes are reported and not followed.
   */
  readInclude?: (path: string) => string;
}

interface LogicalLine {
  text: string;
  line: number;
}

/** Joins continuation lines and drops comments the way pip does. */
export function logicalLines(text: string): LogicalLine[] {
  const physical = text.split(/\r?\n/);
  const out: LogicalLine[] = [];
  const commentOnly = /^(\s*)#/;
  let parts: string[] = [];
  let startLine = 0;
  const flush = (raw: string) => {
    const cleaned = raw.replace(/(^|\s)#.*$/, '').trim();
    if (cleaned.length > 0) out.push({ text: cleaned, line: startLine });
  };
  physical.forEach((rawLine, index) => {
    if (parts.length === 0) startLine = index + 1;
    const isComment = commentOnly.test(rawLine);
    if (!rawLine.endsWith('\\') || isComment) {
      if (parts.length > 0) {
        flush(parts.join('') + (isComment ? ` ${rawLine}` : rawLine));
        parts = [];
      } else flush(isComment ? ` ${rawLine}` : rawLine);
    } else parts.push(rawLine.slice(0, -1));
  });
  if (parts.length > 0) flush(parts.join(''));
  return out;
}

/** Splits on white space, keeping quoted runs together (markers hold quoted strings with spaces). */
function tokens(text: string): string[] {
  const out: string[] = [];
  const re = /(?:[^\s"']+|"[^"]*"|'[^']*')+/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) out.push(m[0]);
  return out;
}

const optionsWithValue = new Map<string, string>([
  ['-r', '--requirement'],
  ['--requirement', '--requirement'],
  ['-c', '--constraint'],
  ['--constraint', '--constraint'],
  ['-e', '--editable'],
  ['--editable', '--editable'],
  ['-i', '--index-url'],
  ['--index-url', '--index-url'],
  ['--extra-index-url', '--extra-index-url'],
  ['-f', '--find-links'],
  ['--find-links', '--find-links'],
  ['--trusted-host', '--trusted-host'],
  ['--only-binary', '--only-binary'],
  ['--no-binary', '--no-binary'],
  ['--use-feature', '--use-feature'],
  ['--hash', '--hash'],
  ['--config-settings', '--config-settings'],
  ['-C', '--config-settings'],
  ['--global-option', '--global-option'],
  ['--install-option', '--install-option'],
]);
const flagOptions = new Set(['--no-index', '--pre', '--prefer-binary', '--require-hashes']);

interface Option {
  name: string;
  value?: string;
}

/** Parses `-r x`, `-rx`, `--requirement=x`, `--requirement x` tokens into options. */
function readOptions(list: string[]): { options: Option[]; unknown: string[] } {
  const options: Option[] = [];
  const unknown: string[] = [];
  for (let i = 0; i < list.length; i++) {
    const token = list[i] ?? '';
    const eq = token.indexOf('=');
    const head = token.startsWith('--') && eq !== -1 ? token.slice(0, eq) : token;
    if (flagOptions.has(head)) {
      options.push({ name: head });
      continue;
    }
    const canonical = optionsWithValue.get(head);
    if (canonical !== undefined) {
      if (head !== token) options.push({ name: canonical, value: token.slice(eq + 1) });
      else if (i + 1 < list.length) options.push({ name: canonical, value: list[++i] ?? '' });
      else unknown.push(token);
      continue;
    }
    // Short options glued to their value: `-rbase.txt`, `-ihttps://...`.
    const short = /^(-[rceif])(.+)$/.exec(token);
    const shortName = short?.[1] !== undefined ? optionsWithValue.get(short[1]) : undefined;
    if (short?.[2] !== undefined && shortName !== undefined) {
      options.push({ name: shortName, value: short[2] });
      continue;
    }
    unknown.push(token);
  }
  return { options, unknown };
}

/** True for a requirement written as a URL or a local path rather than a name. */
function isDirectReference(text: string): boolean {
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(text) || /^file:/i.test(text)) return true;
  if (/^(\.|\/|~|[A-Za-z]:[\\/])/.test(text)) return true;
  // A bare archive or a relative folder: `dist/pkg-1.0.tar.gz`, `libs/mylib`.
  const beforeMarker = text.split(';')[0] ?? text;
  if (/@/.test(beforeMarker)) return false;
  return /[\\/]/.test(beforeMarker) || /\.(whl|zip|tar\.gz|tgz|tar\.bz2)$/i.test(beforeMarker);
}

/** Name of a URL/path requirement: `#egg=name`, else the wheel/sdist file name, else the text. */
function directName(reference: string): string {
  const egg = /[#&]egg=([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(reference);
  if (egg?.[1]) return egg[1].replace(/-[0-9].*$/, '');
  const base = fileNameOf(reference.replace(/^[a-z+]+\+/i, ''));
  const dist = /^([A-Za-z0-9][A-Za-z0-9._]*?)-\d/.exec(base);
  if (dist?.[1] && /\.(whl|zip|tar\.gz|tgz|tar\.bz2)$/i.test(base)) return dist[1];
  return reference;
}

interface State {
  entries: LockEntry[];
  keys: Map<string, LockEntry>;
  constraints: Map<string, string>;
  primaryIndex?: string;
  extraIndexes: string[];
  findLinks: string[];
  diagnostics: Diagnostic[];
  stack: string[];
  read: Set<string>;
  options?: RequirementsReadOptions;
}

/** Splits `reference ; marker` (pip wants white space on one side of the `;` after a URL). */
function splitMarker(text: string): { reference: string; marker?: string } {
  const at = text.search(/\s;|;\s/);
  if (at === -1) return { reference: text.trim() };
  const marker = text.slice(text.indexOf(';', at) + 1).trim();
  return marker ? { reference: text.slice(0, at).trim(), marker } : { reference: text.slice(0, at).trim() };
}

function directEntry(reference: string, editable: boolean, file: string, line: number): LockEntry {
  const ref = splitMarker(reference).reference;
  const kind = editable ? 'editable' : /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(ref) ? urlKind(ref) : 'path';
  const name = directName(ref);
  const entry = newEntry(name, kind === 'url' && /^file:/i.test(ref) ? 'path' : kind);
  // No distribution name can be told from a bare folder (`-e .`): the reference stands in for it.
  if (name === ref) entry.name = ref;
  entry.url = ref;
  entry.location = { file, line };
  return entry;
}

function addRequirement(state: State, entry: LockEntry, marker: string | undefined, hashes: string[]): void {
  if (hashes.length > 0) entry.hashes = hashes;
  const key = [entry.name, entry.version ?? '', entry.specifier ?? '', entry.url ?? '', marker ?? ''].join(
    '|',
  );
  const existing = state.keys.get(key);
  if (existing) {
    if (hashes.length > 0) existing.hashes = [...new Set([...(existing.hashes ?? []), ...hashes])];
    return;
  }
  state.keys.set(key, entry);
  addGroup(entry, mainGroup, marker ? [[marker]] : null);
  state.entries.push(entry);
}

function readText(state: State, text: string, file: string, mode: 'requirements' | 'constraints'): void {
  for (const { text: lineText, line } of logicalLines(text)) {
    const parts = tokens(lineText);
    const first = parts[0] ?? '';
    if (first.startsWith('-')) {
      const { options, unknown } = readOptions(parts);
      for (const u of unknown) {
        state.diagnostics.push(
          makeDiagnostic(
            inputCodes.parseError,
            'warning',
            `${file}:${line}: unknown option "${u}" ignored`,
            file,
            line,
          ),
        );
      }
      for (const option of options) handleOption(state, option, file, line, mode);
      continue;
    }
    // A requirement, then its own options (pip splits at the first token that starts with "-").
    const optionAt = parts.findIndex((t, i) => i > 0 && t.startsWith('-'));
    const requirementText = (optionAt === -1 ? parts : parts.slice(0, optionAt)).join(' ');
    const { options, unknown } = readOptions(optionAt === -1 ? [] : parts.slice(optionAt));
    for (const u of unknown) {
      state.diagnostics.push(
        makeDiagnostic(
          inputCodes.parseError,
          'warning',
          `${file}:${line}: unknown option "${u}" ignored`,
          file,
          line,
        ),
      );
    }
    const hashes = options.filter((o) => o.name === '--hash' && o.value).map((o) => o.value!);
    if (isDirectReference(requirementText)) {
      if (mode === 'constraints') continue;
      const { marker } = splitMarker(requirementText);
      addRequirement(state, directEntry(requirementText, false, file, line), marker, hashes);
      continue;
    }
    const parsed = entryFromRequirement(requirementText, file, line, state.diagnostics);
    if (!parsed) continue;
    if (mode === 'constraints') {
      if (parsed.entry.version !== undefined) state.constraints.set(parsed.entry.name, parsed.entry.version);
      continue;
    }
    addRequirement(state, parsed.entry, parsed.marker, hashes);
  }
}

function handleOption(
  state: State,
  option: Option,
  file: string,
  line: number,
  mode: 'requirements' | 'constraints',
): void {
  const value = option.value ?? '';
  switch (option.name) {
    case '--requirement':
    case '--constraint':
      include(state, value, file, line, option.name === '--constraint' ? 'constraints' : mode);
      return;
    case '--editable': {
      if (mode === 'constraints') return;
      const entry = directEntry(value, true, file, line);
      addRequirement(state, entry, undefined, []);
      return;
    }
    case '--index-url':
      state.primaryIndex = value;
      return;
    case '--extra-index-url':
      pushUnique(state.extraIndexes, value);
      return;
    case '--find-links':
      pushUnique(state.findLinks, value);
      state.diagnostics.push(
        makeDiagnostic(
          inputCodes.skippedFile,
          'info',
          `${file}:${line}: --find-links ${value}: packages found there are not looked up`,
          file,
          line,
          { data: { findLinks: value } },
        ),
      );
      return;
    default:
      // --no-index, --pre, --trusted-host, --hash on its own line... do not change what is installed
      // for the judgement made here.
      return;
  }
}

function include(
  state: State,
  target: string,
  file: string,
  line: number,
  mode: 'requirements' | 'constraints',
) {
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(target)) {
    state.diagnostics.push(
      makeDiagnostic(
        inputCodes.skippedFile,
        'warning',
        `${file}:${line}: remote include ${target} is not read`,
        file,
        line,
      ),
    );
    return;
  }
  const path = join(dirname(file), target);
  const key = resolve(path);
  if (state.stack.includes(key)) {
    const chain = [...state.stack.slice(state.stack.indexOf(key)), key].map((p) => p).join(' -> ');
    state.diagnostics.push(
      makeDiagnostic(
        inputCodes.parseError,
        'error',
        `${file}:${line}: including ${path} forms a cycle (${chain})`,
        file,
        line,
        {
          hint: `Remove the -r/-c line in ${file} or in ${path}.`,
          data: { includedBy: file, included: path },
        },
      ),
    );
    return;
  }
  if (state.read.has(`${mode}:${key}`)) return;
  const reader = state.options?.readInclude;
  if (!reader) {
    state.diagnostics.push(
      makeDiagnostic(inputCodes.skippedFile, 'info', `${file}:${line}: ${path} was not read`, file, line),
    );
    return;
  }
  let text: string;
  try {
    text = reader(path);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    state.diagnostics.push(
      makeDiagnostic(
        inputCodes.unreadableFile,
        'error',
        `${file}:${line}: cannot read the included file ${path}: ${reason}`,
        file,
        line,
        { hint: 'Fix the path of the -r/-c line.' },
      ),
    );
    return;
  }
  state.read.add(`${mode}:${key}`);
  state.stack.push(key);
  readText(state, text, path, mode);
  state.stack.pop();
}

/** Reads a requirements file's text (and, through `readInclude`, the files it includes). Never throws. */
/** NUL bytes, or bytes that are not UTF-8 in more than 1% of the characters. */
function looksBinary(text: string): boolean {
  if (text.includes('\u0000')) return true;
  let replaced = 0;
  for (let i = text.indexOf('\uFFFD'); i !== -1; i = text.indexOf('\uFFFD', i + 1)) replaced++;
  return replaced > 0 && replaced * 100 > text.length;
}

export function parseRequirementsTxt(
  text: string,
  file: string,
  options?: RequirementsReadOptions,
): DependencySet {
  const source: DependencySet['source'] = { file, kind: 'requirements' };
  const state: State = {
    entries: [],
    keys: new Map(),
    constraints: new Map(),
    extraIndexes: [],
    findLinks: [],
    diagnostics: [],
    stack: [resolve(file)],
    read: new Set([`requirements:${resolve(file)}`]),
  };
  if (options) state.options = options;
  if (looksBinary(text)) {
    return unreadableSet(
      source,
      options,
      makeDiagnostic(
        inputCodes.parseError,
        'error',
        `${file}:1: binary data, not a requirements file`,
        file,
        1,
        {
          hint: 'Name the requirements file with --deps.',
        },
      ),
    );
  }
  readText(state, text, file, 'requirements');
  // A constraint pin fixes the version of a requirement given as a range (pip -c semantics).
  for (const entry of state.entries) {
    const pin = state.constraints.get(normalizePackageName(entry.name));
    if (entry.version === undefined && entry.kind === 'registry' && pin !== undefined) entry.version = pin;
  }
  const indexUrls = [
    ...(state.primaryIndex !== undefined ? [state.primaryIndex] : []),
    ...state.extraIndexes,
  ];
  const rest: Parameters<typeof finishSet>[3] = {
    indexUrls: [...new Set(indexUrls)],
    diagnostics: state.diagnostics,
  };
  if (state.findLinks.length > 0) rest.findLinks = state.findLinks;
  // Not one requirement read, and lines that are not requirements: not a requirements file at all
  // (binary data, another format), rather than a project without dependencies.
  const invalid = state.diagnostics.filter((d) => d.data?.reason === 'invalid-requirement');
  const firstInvalid = invalid[0];
  if (state.entries.length === 0 && firstInvalid) {
    const others = state.diagnostics.filter((d) => d !== firstInvalid);
    return unreadableSet(
      source,
      options,
      {
        ...firstInvalid,
        message: `${firstInvalid.message}; no line of ${file} is a requirement${invalid.length > 1 ? ` (${invalid.length} lines are not)` : ''}`,
      },
      others,
    );
  }
  return finishSet(source, state.entries, options, rest);
}
