/**
 * Reader for `poetry.lock`, lock-version 1.x and 2.x.
 *
 * - 1.x: each package has a `category` (`main` or `dev`); file names sit in `[metadata.files]`,
 *   a table keyed by package name.
 * - 2.0: files move into each package (`files = [{file, hash}]`); groups are not recorded.
 * - 2.1: each package lists its `groups`, and `markers` is a string or a table keyed by group.
 *
 * When the lock does not record groups (1.x or 2.0) and the project's pyproject.toml is given, groups
 * and markers come from walking the lock's dependency graph from the pyproject's declarations.
 */

import type { DependencyKind, DependencySet, DistributionFile } from '../../../model/dependencies.js';
import { mainGroup, normalizePackageName } from '../../../model/dependencies.js';
import type { Diagnostic } from '../../../model/diagnostic.js';
import { inputCodes } from '../../../model/diagnostic.js';
import { type GraphEdge, walkGroups } from '../graph.js';
import { parsePyproject } from '../pyproject/pyproject.js';
import {
  addGroup,
  andMarkers,
  arrayTableLines,
  type Condition,
  entryProblem,
  finishSet,
  isTable,
  type LockEntry,
  makeDiagnostic,
  newEntry,
  notTheFormat,
  parseTomlDocument,
  pushUnique,
  type ReadOptions,
  scalarText,
  str,
  strings,
  tables,
  unreadableSet,
} from '../shared.js';
import { poetryConstraintToPep440, poetryPythonMarker } from './constraint.js';

export interface PoetryReadOptions extends ReadOptions {
  /** The project's pyproject.toml text, used for groups when the lock does not record them. */
  pyproject?: { text: string; file: string };
}

interface PoetryPackage {
  raw: Record<string, unknown>;
  name: string;
  displayName: string;
  version?: string;
  line?: number;
}

interface PoetryEdge {
  name: string;
  marker?: string;
  extras: string[];
  optional: boolean;
}

/** The edges of a package's `[package.dependencies]`. */
function edgesOf(raw: Record<string, unknown>): PoetryEdge[] {
  const deps = isTable(raw.dependencies) ? raw.dependencies : {};
  const edges: PoetryEdge[] = [];
  for (const [displayName, spec] of Object.entries(deps)) {
    for (const alt of Array.isArray(spec) ? spec : [spec]) {
      const table = isTable(alt) ? alt : undefined;
      const edge: PoetryEdge = {
        name: normalizePackageName(displayName),
        extras: strings(table?.extras),
        optional: table?.optional === true,
      };
      const marker = andMarkers(str(table?.markers), poetryPythonMarker(str(table?.python)));
      if (marker !== undefined) edge.marker = marker;
      edges.push(edge);
    }
  }
  return edges;
}

/** Names in a package's `[package.extras]` list entries such as `"pytest (>=4.6)"` or `"gmpy2 ; marker"`. */
function extraNames(value: unknown): string[] {
  return strings(value)
    .map((s) => /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(s)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(normalizePackageName);
}

function sourceOf(raw: Record<string, unknown>): { kind: DependencyKind; url?: string; index?: string } {
  const source = isTable(raw.source) ? raw.source : undefined;
  const type = str(source?.type);
  const url = str(source?.url);
  if (type === undefined) return { kind: 'registry' };
  if (type === 'legacy') return url !== undefined ? { kind: 'registry', index: url } : { kind: 'registry' };
  const ref = str(source?.resolved_reference) ?? str(source?.reference);
  const withUrl = <T extends { kind: DependencyKind }>(k: T) => (url !== undefined ? { ...k, url } : k);
  if (type === 'git')
    return ref && url ? { kind: 'vcs', url: `${url}@${ref}` } : withUrl({ kind: 'vcs' as const });
  if (type === 'url') return withUrl({ kind: 'url' as const });
  if (type === 'directory')
    return withUrl({ kind: raw.develop === true ? ('editable' as const) : ('path' as const) });
  return withUrl({ kind: 'path' as const });
}

/** Reads a poetry.lock text. Never throws: problems become diagnostics. */
export function parsePoetryLock(text: string, file: string, options?: PoetryReadOptions): DependencySet {
  const source: DependencySet['source'] = { file, kind: 'poetry.lock' };
  const parsed = parseTomlDocument(text, file);
  if (!parsed.ok) return unreadableSet(source, options, parsed.diagnostic);
  const doc = parsed.value;
  if (doc.metadata === undefined && doc.package === undefined) {
    return unreadableSet(source, options, notTheFormat(source, 'no [metadata] and no [[package]]'));
  }
  const diagnostics: Diagnostic[] = [];
  const metadata = isTable(doc.metadata) ? doc.metadata : {};
  const lockVersion = scalarText(metadata['lock-version']);
  if (lockVersion !== undefined) source.formatVersion = lockVersion;
  else if (doc.metadata === undefined) {
    // Poetry writes [metadata] last: a lock without it was cut short.
    diagnostics.push(
      makeDiagnostic(
        inputCodes.parseError,
        'error',
        `${file}:1: no [metadata] section (Poetry writes it last): the lock is cut short`,
        file,
        1,
        { hint: 'Regenerate it with poetry lock.' },
      ),
    );
  } else diagnostics.push(entryProblem(file, 1, 'no [metadata] lock-version: is this a poetry.lock?'));
  const pythonVersions = str(metadata['python-versions']);
  let requiresPython: string | undefined;
  if (pythonVersions !== undefined) {
    source.requiresPythonAsWritten = pythonVersions;
    const converted = poetryConstraintToPep440(pythonVersions);
    if (converted.ok) {
      if (converted.specifier !== '') requiresPython = converted.specifier;
    } else
      diagnostics.push(entryProblem(file, 1, `python-versions "${pythonVersions}": ${converted.message}`));
  }
  const metadataFiles = isTable(metadata.files) ? metadata.files : {};
  const filesByName = new Map<string, unknown>();
  for (const [n, list] of Object.entries(metadataFiles)) filesByName.set(normalizePackageName(n), list);

  const headerLines = arrayTableLines(text, 'package');
  const rawPackages =
    doc.package === undefined ? [] : Array.isArray(doc.package) ? doc.package : [doc.package];
  const packages: PoetryPackage[] = [];
  rawPackages.forEach((raw, index) => {
    const line = headerLines[index];
    const displayName = isTable(raw) ? str(raw.name) : undefined;
    if (!isTable(raw) || displayName === undefined) {
      diagnostics.push(entryProblem(file, line, 'a [[package]] entry has no name'));
      return;
    }
    const pkg: PoetryPackage = { raw, name: normalizePackageName(displayName), displayName };
    const version = scalarText(raw.version);
    if (version !== undefined) pkg.version = version;
    else diagnostics.push(entryProblem(file, line, `package "${displayName}" has no version`));
    if (line !== undefined) pkg.line = line;
    packages.push(pkg);
  });
  const byName = new Map<string, PoetryPackage[]>();
  for (const p of packages) byName.set(p.name, [...(byName.get(p.name) ?? []), p]);

  // Optional packages install through the project's extras (1.x and 2.0).
  const extrasOfPackage = new Map<string, string[]>();
  if (isTable(doc.extras)) {
    for (const [extra, names] of Object.entries(doc.extras)) {
      for (const n of extraNames(names)) extrasOfPackage.set(n, [...(extrasOfPackage.get(n) ?? []), extra]);
    }
  }

  const recordsGroups = packages.some((p) => p.raw.groups !== undefined);
  const recordsCategory = packages.some((p) => p.raw.category !== undefined);
  let walked: Map<string, Map<PoetryPackage, Condition>> | undefined;
  if (!recordsGroups && options?.pyproject) {
    const declared = parsePyproject(options.pyproject.text, options.pyproject.file, { with: ['*'] });
    for (const d of declared.diagnostics) if (d.severity === 'error') diagnostics.push(d);
    const toGraph = (edges: PoetryEdge[]): GraphEdge<PoetryPackage>[] =>
      edges.map((e) => {
        const g: GraphEdge<PoetryPackage> = { targets: byName.get(e.name) ?? [], extras: e.extras };
        if (e.marker !== undefined) g.marker = e.marker;
        return g;
      });
    const seeds = new Map<string, GraphEdge<PoetryPackage>[]>();
    for (const d of declared.dependencies) {
      for (const g of d.groups) {
        const edge: PoetryEdge = { name: d.name, extras: d.extras ?? [], optional: false };
        if (d.marker !== undefined) edge.marker = d.marker;
        seeds.set(g, [...(seeds.get(g) ?? []), ...toGraph([edge])]);
      }
    }
    const edgeCache = new Map<PoetryPackage, PoetryEdge[]>();
    walked = walkGroups(seeds, (p, extra) => {
      let edges = edgeCache.get(p);
      if (edges === undefined) {
        edges = edgesOf(p.raw);
        edgeCache.set(p, edges);
      }
      if (extra === '') return toGraph(edges.filter((e) => !e.optional));
      const wanted = new Set(extraNames(isTable(p.raw.extras) ? p.raw.extras[extra] : undefined));
      return toGraph(edges.filter((e) => wanted.has(e.name)));
    });
  } else if (!recordsGroups && !recordsCategory && packages.length > 0) {
    diagnostics.push(
      makeDiagnostic(
        inputCodes.parseError,
        'info',
        `${file} (lock-version ${lockVersion ?? '?'}) does not record dependency groups: every package is counted as runtime`,
        file,
        1,
        { hint: 'Give the project directory (with its pyproject.toml) so that groups can be told apart.' },
      ),
    );
  }

  const indexUrls: string[] = [];
  const entries: LockEntry[] = [];
  for (const p of packages) {
    const { kind, url, index } = sourceOf(p.raw);
    if (index !== undefined) pushUnique(indexUrls, index);
    const entry = newEntry(p.displayName, kind);
    if (p.version !== undefined) entry.version = p.version;
    if (url !== undefined) entry.url = url;
    if (index !== undefined) entry.index = index;
    const pv = str(p.raw['python-versions']);
    if (pv !== undefined) {
      const converted = poetryConstraintToPep440(pv);
      if (converted.ok && converted.specifier !== '') entry.requiresPython = converted.specifier;
    }
    let fileList = tables(p.raw.files);
    if (p.raw.files === undefined && filesByName.has(p.name)) {
      fileList = tables(filesByName.get(p.name));
      // 1.x lists the files of every locked version of a name together: keep this version's.
      if ((byName.get(p.name)?.length ?? 0) > 1 && p.version !== undefined) {
        const v = p.version;
        fileList = fileList.filter((f) => (str(f.file) ?? '').includes(`-${v}`));
      }
    }
    const files: DistributionFile[] = [];
    for (const f of fileList) {
      const filename = str(f.file);
      if (filename === undefined) continue;
      const df: DistributionFile = { filename };
      const hash = str(f.hash);
      if (hash !== undefined) df.hashes = [hash];
      files.push(df);
    }
    if (files.length > 0) entry.files = files;
    if (p.line !== undefined) entry.location = { file, line: p.line };

    if (recordsGroups) {
      const groups = strings(p.raw.groups);
      const markers = p.raw.markers;
      for (const g of groups.length > 0 ? groups : [mainGroup]) {
        const m = typeof markers === 'string' ? markers : isTable(markers) ? str(markers[g]) : undefined;
        addGroup(entry, g, m ? [[m]] : null);
      }
    } else if (walked) {
      for (const [g, perPackage] of walked) {
        const c = perPackage.get(p);
        if (c !== undefined) addGroup(entry, g, c);
      }
      if (entry.groupConditions.size === 0) addGroup(entry, str(p.raw.category) ?? mainGroup, null);
    } else {
      const optionalExtras = p.raw.optional === true ? extrasOfPackage.get(p.name) : undefined;
      const category = str(p.raw.category) ?? mainGroup;
      if (optionalExtras && category === mainGroup) for (const e of optionalExtras) addGroup(entry, e, null);
      else addGroup(entry, category, null);
    }
    entries.push(entry);
  }

  const rest: Parameters<typeof finishSet>[3] = { indexUrls, diagnostics };
  if (requiresPython !== undefined) rest.requiresPython = requiresPython;
  return finishSet(source, entries, options, rest);
}
