/**
 * Reader for `uv.lock` (format version 1). Each `[[package]]` names one resolved distribution with
 * its `sdist` and `wheels`; the project's own packages (workspace members, `source = { editable = "." }`
 * or `{ virtual = "." }`) are the roots. Runtime dependencies are those reached from the roots'
 * `dependencies`; each root's `optional-dependencies` (extras) and `dev-dependencies` (dependency
 * groups), and `[manifest.dependency-groups]` of a virtual workspace, start named groups.
 */

import type { DependencyKind, DependencySet, DistributionFile } from '../../../model/dependencies.js';
import { mainGroup, normalizePackageName } from '../../../model/dependencies.js';
import type { Diagnostic } from '../../../model/diagnostic.js';
import { inputCodes } from '../../../model/diagnostic.js';
import { type GraphEdge, walkGroups } from '../graph.js';
import {
  addGroup,
  arrayTableLines,
  entryProblem,
  fileNameOf,
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

interface UvEdge {
  name: string;
  version?: string;
  sourceKey?: string;
  marker?: string;
  extras: string[];
}

interface UvPackage {
  index: number;
  name: string;
  displayName: string;
  version?: string;
  sourceKey: string;
  source: Record<string, unknown>;
  line?: number;
  dependencies: UvEdge[];
  optional: Map<string, UvEdge[]>;
  dev: Map<string, UvEdge[]>;
}

function sourceKeyOf(source: unknown): string {
  if (!isTable(source)) return '';
  return Object.keys(source)
    .sort()
    .map((k) => `${k}=${scalarText(source[k]) ?? ''}`)
    .join('&');
}

function readEdges(value: unknown, file: string, line: number | undefined, problems: Diagnostic[]): UvEdge[] {
  const edges: UvEdge[] = [];
  if (value === undefined) return edges;
  if (!Array.isArray(value)) {
    problems.push(entryProblem(file, line, 'a dependency list is not an array'));
    return edges;
  }
  for (const item of value) {
    const name = isTable(item) ? str(item.name) : undefined;
    if (!isTable(item) || name === undefined) {
      problems.push(entryProblem(file, line, 'a dependency has no name'));
      continue;
    }
    const edge: UvEdge = { name: normalizePackageName(name), extras: strings(item.extra) };
    const version = scalarText(item.version);
    if (version !== undefined) edge.version = version;
    if (item.source !== undefined) edge.sourceKey = sourceKeyOf(item.source);
    const marker = str(item.marker);
    if (marker !== undefined) edge.marker = marker;
    edges.push(edge);
  }
  return edges;
}

function readEdgeTable(
  value: unknown,
  file: string,
  line: number | undefined,
  problems: Diagnostic[],
): Map<string, UvEdge[]> {
  const out = new Map<string, UvEdge[]>();
  if (value === undefined) return out;
  if (!isTable(value)) {
    problems.push(entryProblem(file, line, 'a table of dependency lists is not a table'));
    return out;
  }
  for (const [group, list] of Object.entries(value)) out.set(group, readEdges(list, file, line, problems));
  return out;
}

function kindOf(source: Record<string, unknown>): { kind: DependencyKind; url?: string; index?: string } {
  const registry = str(source.registry);
  if (registry !== undefined) return { kind: 'registry', index: registry };
  const git = str(source.git);
  if (git !== undefined) return { kind: 'vcs', url: git };
  const url = str(source.url);
  if (url !== undefined) return { kind: 'url', url };
  const editable = str(source.editable);
  if (editable !== undefined) return { kind: 'editable', url: editable };
  const other = str(source.path) ?? str(source.directory) ?? str(source.virtual);
  if (other !== undefined) return { kind: 'path', url: other };
  return { kind: 'registry' };
}

function readFile(value: unknown): DistributionFile | undefined {
  if (!isTable(value)) return undefined;
  const url = str(value.url);
  const location = url ?? str(value.path);
  const filename = str(value.filename) ?? (location !== undefined ? fileNameOf(location) : undefined);
  if (!filename) return undefined;
  const file: DistributionFile = { filename };
  if (url !== undefined) file.url = url;
  const hash = str(value.hash);
  if (hash !== undefined) file.hashes = [hash];
  return file;
}

/** Reads a uv.lock text. Never throws: problems become diagnostics. */
export function parseUvLock(text: string, file: string, options?: ReadOptions): DependencySet {
  const source: DependencySet['source'] = { file, kind: 'uv.lock' };
  const parsed = parseTomlDocument(text, file);
  if (!parsed.ok) return unreadableSet(source, options, parsed.diagnostic);
  const doc = parsed.value;
  if (doc.version === undefined && doc.package === undefined) {
    return unreadableSet(
      source,
      options,
      notTheFormat(source, 'no lock format `version` and no [[package]]'),
    );
  }
  const diagnostics: Diagnostic[] = [];
  const formatVersion = scalarText(doc.version);
  if (formatVersion !== undefined) source.formatVersion = formatVersion;
  else diagnostics.push(entryProblem(file, 1, 'no lock format `version`: is this a uv.lock?'));
  const requiresPython = str(doc['requires-python']);
  if (requiresPython !== undefined) source.requiresPythonAsWritten = requiresPython;

  const headerLines = arrayTableLines(text, 'package');
  const rawPackages =
    doc.package === undefined ? [] : Array.isArray(doc.package) ? doc.package : [doc.package];
  const packages: UvPackage[] = [];
  const indexUrls: string[] = [];
  rawPackages.forEach((raw, index) => {
    const line = headerLines[index];
    const displayName = isTable(raw) ? str(raw.name) : undefined;
    if (!isTable(raw) || displayName === undefined) {
      diagnostics.push(entryProblem(file, line, 'a [[package]] entry has no name'));
      return;
    }
    const sourceTable = isTable(raw.source) ? raw.source : {};
    const registry = str(sourceTable.registry);
    if (registry !== undefined) pushUnique(indexUrls, registry);
    const pkg: UvPackage = {
      index,
      name: normalizePackageName(displayName),
      displayName,
      sourceKey: sourceKeyOf(raw.source),
      source: sourceTable,
      dependencies: readEdges(raw.dependencies, file, line, diagnostics),
      optional: readEdgeTable(raw['optional-dependencies'], file, line, diagnostics),
      dev: readEdgeTable(raw['dev-dependencies'], file, line, diagnostics),
    };
    const version = scalarText(raw.version);
    if (version !== undefined) pkg.version = version;
    if (line !== undefined) pkg.line = line;
    packages.push(pkg);
  });

  const byName = new Map<string, UvPackage[]>();
  for (const p of packages) byName.set(p.name, [...(byName.get(p.name) ?? []), p]);

  // The project's own packages.
  const manifest = isTable(doc.manifest) ? doc.manifest : {};
  const members = new Set(strings(manifest.members).map(normalizePackageName));
  const isLocalProject = (p: UvPackage) =>
    p.source.editable !== undefined || p.source.virtual !== undefined || p.source.directory !== undefined;
  let roots = packages.filter((p) => members.has(p.name) && isLocalProject(p));
  if (roots.length === 0) {
    roots = packages.filter((p) => str(p.source.editable) === '.' || str(p.source.virtual) === '.');
  }
  const rootSet = new Set(roots);

  // Seeds: group -> edges that start it.
  const seeds = new Map<string, UvEdge[]>();
  const addSeeds = (group: string, edges: UvEdge[]) =>
    seeds.set(group, [...(seeds.get(group) ?? []), ...edges]);
  for (const root of roots) {
    addSeeds(mainGroup, root.dependencies);
    for (const [g, edges] of root.optional) addSeeds(g, edges);
    for (const [g, edges] of root.dev) addSeeds(g, edges);
  }
  const manifestGroups = readEdgeTable(manifest['dependency-groups'], file, 1, diagnostics);
  for (const [g, edges] of manifestGroups) addSeeds(g, edges);

  const missing = new Set<string>();
  const targetsOf = (edge: UvEdge): UvPackage[] => {
    const found = (byName.get(edge.name) ?? []).filter(
      (p) =>
        (edge.version === undefined || p.version === edge.version) &&
        (edge.sourceKey === undefined || p.sourceKey === edge.sourceKey),
    );
    if (found.length === 0) missing.add(`${edge.name}${edge.version ? ` ${edge.version}` : ''}`);
    return found;
  };

  const toGraph = (edges: UvEdge[]): GraphEdge<UvPackage>[] =>
    edges.map((edge) => {
      const graphEdge: GraphEdge<UvPackage> = { targets: targetsOf(edge), extras: edge.extras };
      if (edge.marker !== undefined) graphEdge.marker = edge.marker;
      return graphEdge;
    });
  const graphSeeds = new Map<string, GraphEdge<UvPackage>[]>();
  for (const [group, edges] of seeds) graphSeeds.set(group, toGraph(edges));
  const edgeCache = new Map<string, GraphEdge<UvPackage>[]>();
  const conditions = walkGroups(graphSeeds, (p, extra) => {
    const key = `${p.index}|${extra}`;
    let edges = edgeCache.get(key);
    if (edges === undefined) {
      edges = toGraph(extra === '' ? p.dependencies : (p.optional.get(extra) ?? []));
      edgeCache.set(key, edges);
    }
    return edges;
  });

  if (missing.size > 0) {
    // uv writes an entry for every package it resolved: a missing one means a lock cut short or
    // edited by hand, and the packages behind it are not judged.
    const names = [...missing];
    diagnostics.push(
      makeDiagnostic(
        inputCodes.parseError,
        'error',
        `${file}:1: the lock is incomplete: ${names.length === 1 ? 'a dependency has' : `${names.length} dependencies have`} no [[package]] entry (${names.slice(0, 5).join(', ')}${names.length > 5 ? ', ...' : ''})`,
        file,
        1,
        { hint: 'Regenerate it with uv lock.', data: { missing: names } },
      ),
    );
  }

  const entries: LockEntry[] = [];
  const unreached: string[] = [];
  for (const p of packages) {
    if (rootSet.has(p)) continue;
    const raw = rawPackages[p.index] as Record<string, unknown>;
    const { kind, url, index } = kindOf(p.source);
    const entry = newEntry(p.displayName, kind);
    if (p.version !== undefined) entry.version = p.version;
    if (url !== undefined) entry.url = url;
    if (index !== undefined) entry.index = index;
    const files: DistributionFile[] = [];
    const sdist = readFile(raw.sdist);
    if (sdist) files.push(sdist);
    for (const wheel of tables(raw.wheels)) {
      const f = readFile(wheel);
      if (f) files.push(f);
    }
    if (files.length > 0) entry.files = files;
    if (p.line !== undefined) entry.location = { file, line: p.line };
    for (const [group, perPackage] of conditions) {
      const c = perPackage.get(p);
      if (c !== undefined) addGroup(entry, group, c);
    }
    if (entry.groupConditions.size === 0) {
      // Not reachable from the project (or the lock has no root): counted as runtime so that it is
      // still judged rather than silently dropped.
      unreached.push(p.displayName);
      addGroup(entry, mainGroup, null);
    }
    entries.push(entry);
  }
  if (roots.length === 0 && packages.length > 0) {
    diagnostics.push(
      makeDiagnostic(
        inputCodes.parseError,
        'info',
        `${file} names no project package (editable or virtual "."): every package is counted as runtime`,
        file,
        1,
      ),
    );
  } else if (unreached.length > 0) {
    diagnostics.push(
      makeDiagnostic(
        inputCodes.parseError,
        'info',
        `${file}: ${unreached.length} package(s) are not reached from the project's dependencies and are counted as runtime: ${unreached.slice(0, 5).join(', ')}${unreached.length > 5 ? ', ...' : ''}`,
        file,
        1,
      ),
    );
  }

  const rest: Parameters<typeof finishSet>[3] = {
    indexUrls,
    diagnostics,
    projectPackages: roots.map((r) => r.displayName),
  };
  if (requiresPython !== undefined) rest.requiresPython = requiresPython;
  return finishSet(source, entries, options, rest);
}
