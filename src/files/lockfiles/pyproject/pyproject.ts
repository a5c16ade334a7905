/**
 * Reader for the dependencies declared in `pyproject.toml` (ranges, not pins):
 * `[project] dependencies` (runtime), `[project.optional-dependencies]` (one group per extra),
 * `[dependency-groups]` (PEP 735, with `{ include-group = ... }`), uv's and PDM's dev tables, and
 * Poetry's `[tool.poetry.dependencies]`, `dev-dependencies`, `group.<name>.dependencies` and `extras`
 * (caret and tilde ranges converted to PEP 440).
 */

import type { DependencySet } from '../../../model/dependencies.js';
import { mainGroup, normalizePackageName } from '../../../model/dependencies.js';
import type { Diagnostic } from '../../../model/diagnostic.js';
import { inputCodes } from '../../../model/diagnostic.js';
import { poetryConstraintToPep440, poetryPythonMarker } from '../poetry/constraint.js';
import { parseRequirement, pinnedVersion, urlKind } from '../requirement.js';
import {
  addGroup,
  andMarkers,
  entryProblem,
  finishSet,
  isTable,
  type LockEntry,
  lineOfOffset,
  lineStarts,
  makeDiagnostic,
  newEntry,
  parseTomlDocument,
  type ReadOptions,
  str,
  strings,
  unreadableSet,
} from '../shared.js';

/** Finds the lines of entries: the first occurrence of a text after a section header. */
class LineFinder {
  private readonly starts: number[];
  constructor(private readonly text: string) {
    this.starts = lineStarts(text);
  }

  /** Offset of a `[header]` line (or of `key =` inside a parent table), or -1. */
  section(header: string): number {
    const escaped = header.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\\\./g, '\\s*\\.\\s*');
    const m = new RegExp(`^[ \\t]*\\[[ \\t]*${escaped}[ \\t]*\\]`, 'm').exec(this.text);
    return m ? m.index : -1;
  }

  /** Line of `needle` (quoted, or as a `key =`) at or after `from`; the section's line, else 1. */
  line(from: number, needle: string, asKey = false): number {
    const start = Math.max(0, from);
    let at = -1;
    if (asKey) {
      const escaped = needle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      const re = new RegExp(`^[ \\t]*["']?${escaped}["']?[ \\t]*=`, 'gm');
      re.lastIndex = start;
      const m = re.exec(this.text);
      if (m) at = m.index;
    } else {
      for (const quoted of [`"${needle}"`, `'${needle}'`, `"""${needle}"""`]) {
        const i = this.text.indexOf(quoted, start);
        if (i !== -1 && (at === -1 || i < at)) at = i;
      }
    }
    if (at === -1) return from >= 0 ? lineOfOffset(this.starts, from) : 1;
    return lineOfOffset(this.starts, at);
  }
}

type GroupItem =
  | { type: 'requirement'; text: string; line: number }
  | { type: 'include'; group: string; line: number }
  | { type: 'entry'; entry: LockEntry; marker?: string };

interface Collected {
  entries: Map<string, LockEntry>;
  diagnostics: Diagnostic[];
}

function entryKey(entry: LockEntry): string {
  return [
    entry.name,
    entry.version ?? '',
    entry.specifier ?? '',
    entry.url ?? '',
    (entry.extras ?? []).join(','),
  ].join('|');
}

function addEntry(collected: Collected, entry: LockEntry, group: string, marker: string | undefined): void {
  const key = entryKey(entry);
  const existing = collected.entries.get(key) ?? entry;
  collected.entries.set(key, existing);
  addGroup(existing, group, marker ? [[marker]] : null);
}

/** A LockEntry from a PEP 508 requirement string; undefined (with a diagnostic) when malformed. */
export function entryFromRequirement(
  text: string,
  file: string,
  line: number,
  diagnostics: Diagnostic[],
): { entry: LockEntry; marker?: string } | undefined {
  const parsed = parseRequirement(text);
  if (!parsed.ok) {
    diagnostics.push(
      makeDiagnostic(
        inputCodes.parseError,
        'warning',
        `${file}:${line}: "${text}" is not a valid requirement: ${parsed.message} (column ${parsed.column})`,
        file,
        line,
        {
          hint: 'Write it as PEP 508 says: name[extras] specifier ; marker',
          data: { reason: 'invalid-requirement' },
        },
      ),
    );
    return undefined;
  }
  const r = parsed.requirement;
  const entry = newEntry(r.name, r.url !== undefined ? urlKind(r.url) : 'registry');
  if (r.url !== undefined) entry.url = r.url;
  if (r.extras.length > 0) entry.extras = r.extras;
  const pin = pinnedVersion(r.specifier);
  if (pin !== undefined) entry.version = pin;
  else if (r.specifier !== '') entry.specifier = r.specifier;
  entry.location = { file, line };
  return r.marker !== undefined ? { entry, marker: r.marker } : { entry };
}

/** Entries of one Poetry dependency (`name = "^1.2"` or a table or a list of tables). */
function poetryEntries(
  displayName: string,
  value: unknown,
  file: string,
  line: number,
  diagnostics: Diagnostic[],
): { entry: LockEntry; marker?: string; optional: boolean }[] {
  const out: { entry: LockEntry; marker?: string; optional: boolean }[] = [];
  const alternatives = Array.isArray(value) ? value : [value];
  for (const alt of alternatives) {
    const table = isTable(alt) ? alt : undefined;
    const constraint = typeof alt === 'string' ? alt : str(table?.version);
    let kind: LockEntry['kind'] = 'registry';
    let url: string | undefined;
    if (table) {
      if (str(table.git) !== undefined) {
        kind = 'vcs';
        url = str(table.git);
      } else if (str(table.url) !== undefined) {
        kind = 'url';
        url = str(table.url);
      } else if (str(table.path) !== undefined) {
        kind = table.develop === true ? 'editable' : 'path';
        url = str(table.path);
      }
    } else if (typeof alt !== 'string') {
      diagnostics.push(
        entryProblem(file, line, `the Poetry dependency "${displayName}" is neither a string nor a table`),
      );
      continue;
    }
    const entry = newEntry(displayName, kind);
    if (url !== undefined) entry.url = url;
    entry.location = { file, line };
    if (constraint !== undefined) {
      const converted = poetryConstraintToPep440(constraint);
      if (!converted.ok) {
        diagnostics.push(
          makeDiagnostic(
            inputCodes.parseError,
            'warning',
            `${file}:${line}: ${displayName}: ${converted.message}`,
            file,
            line,
          ),
        );
      } else {
        const pin = pinnedVersion(converted.specifier);
        if (pin !== undefined) entry.version = pin;
        else if (converted.specifier !== '') entry.specifier = converted.specifier;
      }
    }
    const extras = strings(table?.extras);
    if (extras.length > 0) entry.extras = extras;
    const python = str(table?.python);
    const marker = andMarkers(str(table?.markers), poetryPythonMarker(python));
    const item: { entry: LockEntry; marker?: string; optional: boolean } = {
      entry,
      optional: table?.optional === true,
    };
    if (marker) item.marker = marker;
    out.push(item);
  }
  return out;
}

/** Reads the dependencies a pyproject.toml declares. Never throws. */
export function parsePyproject(text: string, file: string, options?: ReadOptions): DependencySet {
  const source: DependencySet['source'] = { file, kind: 'pyproject' };
  const parsed = parseTomlDocument(text, file);
  if (!parsed.ok) return unreadableSet(source, options, parsed.diagnostic);
  const doc = parsed.value;
  const finder = new LineFinder(text);
  const collected: Collected = { entries: new Map(), diagnostics: [] };
  const diagnostics = collected.diagnostics;
  const project = isTable(doc.project) ? doc.project : undefined;
  const tool = isTable(doc.tool) ? doc.tool : {};
  const poetry = isTable(tool.poetry) ? tool.poetry : undefined;
  const projectName = str(project?.name) ?? str(poetry?.name);
  const selfName = projectName !== undefined ? normalizePackageName(projectName) : undefined;
  const indexUrls: string[] = [];
  let requiresPython = str(project?.['requires-python']);
  if (requiresPython !== undefined) source.requiresPythonAsWritten = requiresPython;

  // PEP 621, PEP 735, uv and PDM: groups of PEP 508 strings.
  const groups = new Map<string, GroupItem[]>();
  const addItems = (group: string, value: unknown, header: string) => {
    const from = finder.section(header);
    const items = groups.get(group) ?? [];
    groups.set(group, items);
    if (!Array.isArray(value)) {
      diagnostics.push(
        entryProblem(file, finder.line(from, group), `the dependency list "${group}" is not an array`),
      );
      return;
    }
    for (const item of value) {
      if (typeof item === 'string')
        items.push({ type: 'requirement', text: item, line: finder.line(from, item) });
      else if (isTable(item) && typeof item['include-group'] === 'string') {
        items.push({
          type: 'include',
          group: item['include-group'],
          line: finder.line(from, item['include-group']),
        });
      } else
        diagnostics.push(
          entryProblem(file, finder.line(from, group), `an entry of "${group}" is not a string`),
        );
    }
  };
  if (project?.dependencies !== undefined) addItems(mainGroup, project.dependencies, 'project');
  if (isTable(project?.['optional-dependencies'])) {
    for (const [g, v] of Object.entries(project['optional-dependencies']))
      addItems(g, v, 'project.optional-dependencies');
  }
  if (isTable(doc['dependency-groups'])) {
    for (const [g, v] of Object.entries(doc['dependency-groups'])) addItems(g, v, 'dependency-groups');
  }
  const uv = isTable(tool.uv) ? tool.uv : undefined;
  if (uv?.['dev-dependencies'] !== undefined) addItems('dev', uv['dev-dependencies'], 'tool.uv');
  const pdm = isTable(tool.pdm) ? tool.pdm : undefined;
  if (isTable(pdm?.['dev-dependencies'])) {
    for (const [g, v] of Object.entries(pdm['dev-dependencies'])) addItems(g, v, 'tool.pdm.dev-dependencies');
  }

  // Resolve includes and self-references (`myproject[extra]`) group by group, refusing cycles.
  const resolving: string[] = [];
  const resolved = new Map<string, { entry: LockEntry; marker?: string }[]>();
  const resolve = (group: string, line: number): { entry: LockEntry; marker?: string }[] => {
    const done = resolved.get(group);
    if (done) return done;
    if (resolving.includes(group)) {
      diagnostics.push(
        makeDiagnostic(
          inputCodes.parseError,
          'error',
          `${file}:${line}: dependency group "${group}" includes itself (${[...resolving, group].join(' -> ')})`,
          file,
          line,
          { hint: 'Remove one of the includes that form the cycle.' },
        ),
      );
      return [];
    }
    const items = groups.get(group);
    if (items === undefined) {
      diagnostics.push(entryProblem(file, line, `dependency group "${group}" is included but not defined`));
      return [];
    }
    resolving.push(group);
    const out: { entry: LockEntry; marker?: string }[] = [];
    for (const item of items) {
      if (item.type === 'include') out.push(...resolve(item.group, item.line));
      else if (item.type === 'entry') out.push(item);
      else {
        const r = entryFromRequirement(item.text, file, item.line, diagnostics);
        if (!r) continue;
        if (selfName !== undefined && r.entry.name === selfName && r.entry.kind === 'registry') {
          // `myproject[a,b]` inside the project's own lists means "the deps of extras a and b".
          for (const extra of r.entry.extras ?? []) {
            for (const inner of resolve(extra, item.line)) {
              const marker = andMarkers(r.marker, inner.marker);
              out.push(marker ? { entry: inner.entry, marker } : { entry: inner.entry });
            }
          }
          continue;
        }
        out.push(r);
      }
    }
    resolving.pop();
    resolved.set(group, out);
    return out;
  };
  for (const group of groups.keys()) {
    for (const { entry, marker } of resolve(group, 1)) addEntry(collected, entry, group, marker);
  }

  // Poetry.
  if (poetry) {
    const optionalByName = new Map<string, { entry: LockEntry; marker?: string }[]>();
    const readPoetryTable = (value: unknown, group: string, header: string) => {
      if (value === undefined) return;
      const from = finder.section(header);
      if (!isTable(value)) {
        diagnostics.push(
          entryProblem(file, lineOfOffset(lineStarts(text), Math.max(0, from)), `[${header}] is not a table`),
        );
        return;
      }
      for (const [displayName, spec] of Object.entries(value)) {
        const line = finder.line(from, displayName, true);
        if (displayName.toLowerCase() === 'python') {
          const constraint = typeof spec === 'string' ? spec : str(isTable(spec) ? spec.version : undefined);
          if (group === mainGroup && constraint !== undefined && requiresPython === undefined) {
            source.requiresPythonAsWritten = constraint;
            const converted = poetryConstraintToPep440(constraint);
            if (converted.ok) requiresPython = converted.specifier;
            else diagnostics.push(entryProblem(file, line, `python = "${constraint}": ${converted.message}`));
          }
          continue;
        }
        for (const item of poetryEntries(displayName, spec, file, line, diagnostics)) {
          if (item.optional && group === mainGroup) {
            optionalByName.set(item.entry.name, [...(optionalByName.get(item.entry.name) ?? []), item]);
            continue;
          }
          addEntry(collected, item.entry, group, item.marker);
        }
      }
    };
    readPoetryTable(poetry.dependencies, mainGroup, 'tool.poetry.dependencies');
    readPoetryTable(poetry['dev-dependencies'], 'dev', 'tool.poetry.dev-dependencies');
    if (isTable(poetry.group)) {
      for (const [g, body] of Object.entries(poetry.group)) {
        if (isTable(body)) readPoetryTable(body.dependencies, g, `tool.poetry.group.${g}.dependencies`);
      }
    }
    // Optional dependencies install only through an extra: one group per extra.
    if (isTable(poetry.extras)) {
      for (const [extra, names] of Object.entries(poetry.extras)) {
        for (const n of strings(names)) {
          for (const item of optionalByName.get(normalizePackageName(n)) ?? []) {
            addEntry(collected, item.entry, extra, item.marker);
          }
        }
      }
    }
    for (const s of Array.isArray(poetry.source) ? poetry.source : []) {
      const url = isTable(s) ? str(s.url) : undefined;
      if (url !== undefined && !indexUrls.includes(url)) indexUrls.push(url);
    }
  }
  const uvIndexes = Array.isArray(uv?.index) ? uv.index : [];
  for (const s of uvIndexes) {
    const url = isTable(s) ? str(s.url) : undefined;
    if (url !== undefined && !indexUrls.includes(url)) indexUrls.push(url);
  }

  const rest: Parameters<typeof finishSet>[3] = { indexUrls, diagnostics, groups: [...groups.keys()] };
  if (requiresPython !== undefined) rest.requiresPython = requiresPython;
  if (projectName !== undefined) rest.projectPackages = [projectName];
  return finishSet(source, [...collected.entries.values()], options, rest);
}
