/**
 * Reader for `Pipfile.lock` (JSON, pipfile-spec 6). `default` holds the runtime packages, `develop`
 * the development ones; each gives `version` (`==x`), `hashes`, `markers`, and the name of its
 * `index` among `_meta.sources`. The lock names no files, only hashes.
 */

import type { DependencyKind, DependencySet } from '../../../model/dependencies.js';
import { mainGroup, normalizePackageName } from '../../../model/dependencies.js';
import type { Diagnostic } from '../../../model/diagnostic.js';
import {
  addGroup,
  entryProblem,
  finishSet,
  isTable,
  type LockEntry,
  lineOfOffset,
  lineStarts,
  newEntry,
  notTheFormat,
  parseJsonDocument,
  pushUnique,
  type ReadOptions,
  scalarText,
  str,
  strings,
  tables,
  unreadableSet,
} from '../shared.js';

const sections: [string, string][] = [
  ['default', mainGroup],
  ['develop', 'dev'],
];

function kindOf(raw: Record<string, unknown>): { kind: DependencyKind; url?: string } {
  const git = str(raw.git);
  if (git !== undefined) {
    const ref = str(raw.ref);
    return { kind: 'vcs', url: ref ? `${git}@${ref}` : git };
  }
  const path = str(raw.path);
  if (path !== undefined) return { kind: raw.editable === true ? 'editable' : 'path', url: path };
  const file = str(raw.file);
  if (file !== undefined) return { kind: file.startsWith('file:') ? 'path' : 'url', url: file };
  if (raw.editable === true) return { kind: 'editable' };
  return { kind: 'registry' };
}

/** Reads a Pipfile.lock text. Never throws: problems become diagnostics. */
export function parsePipfileLock(text: string, file: string, options?: ReadOptions): DependencySet {
  const source: DependencySet['source'] = { file, kind: 'Pipfile.lock' };
  const parsed = parseJsonDocument(text, file);
  if (!parsed.ok) return unreadableSet(source, options, parsed.diagnostic);
  const diagnostics: Diagnostic[] = [];
  if (!isTable(parsed.value)) {
    return unreadableSet(source, options, notTheFormat(source, 'the document is not a JSON object'));
  }
  const doc = parsed.value;
  if (doc._meta === undefined && doc.default === undefined && doc.develop === undefined) {
    return unreadableSet(source, options, notTheFormat(source, 'no _meta, default or develop section'));
  }
  const meta = isTable(doc._meta) ? doc._meta : {};
  const spec = scalarText(meta['pipfile-spec']);
  if (spec !== undefined) source.formatVersion = spec;
  else diagnostics.push(entryProblem(file, 1, 'no _meta.pipfile-spec: is this a Pipfile.lock?'));

  const requires = isTable(meta.requires) ? meta.requires : {};
  const fullVersion = scalarText(requires.python_full_version);
  const minorVersion = scalarText(requires.python_version);
  let requiresPython: string | undefined;
  if (fullVersion !== undefined) {
    source.requiresPythonAsWritten = fullVersion;
    requiresPython = `==${fullVersion}`;
  } else if (minorVersion !== undefined) {
    source.requiresPythonAsWritten = minorVersion;
    requiresPython = `==${minorVersion}.*`;
  }

  const indexUrls: string[] = [];
  const indexByName = new Map<string, string>();
  for (const s of tables(meta.sources)) {
    const url = str(s.url);
    if (url === undefined) continue;
    pushUnique(indexUrls, url);
    const name = str(s.name);
    if (name !== undefined) indexByName.set(name, url);
  }

  const starts = lineStarts(text);
  const entries: LockEntry[] = [];
  const byKey = new Map<string, LockEntry>();
  for (const [section, group] of sections) {
    const body = doc[section];
    if (body === undefined) continue;
    const sectionAt = new RegExp(`"${section}"\\s*:`).exec(text)?.index ?? 0;
    if (!isTable(body)) {
      diagnostics.push(entryProblem(file, lineOfOffset(starts, sectionAt), `"${section}" is not an object`));
      continue;
    }
    for (const [displayName, raw] of Object.entries(body)) {
      const at = text.indexOf(`${JSON.stringify(displayName)}`, sectionAt);
      const line = lineOfOffset(starts, at === -1 ? sectionAt : at);
      if (!isTable(raw)) {
        diagnostics.push(entryProblem(file, line, `the entry for "${displayName}" is not an object`));
        continue;
      }
      const { kind, url } = kindOf(raw);
      const versionText = str(raw.version);
      let version: string | undefined;
      if (versionText !== undefined) {
        const m = /^\s*===?\s*(\S+)\s*$/.exec(versionText);
        if (m?.[1] !== undefined) version = m[1];
        else
          diagnostics.push(
            entryProblem(file, line, `"${displayName}" has version "${versionText}", not a pin`),
          );
      } else if (kind === 'registry')
        diagnostics.push(entryProblem(file, line, `"${displayName}" has no version`));
      const key = `${normalizePackageName(displayName)}|${version ?? ''}|${url ?? ''}`;
      let entry = byKey.get(key);
      if (entry === undefined) {
        entry = newEntry(displayName, kind);
        if (version !== undefined) entry.version = version;
        if (url !== undefined) entry.url = url;
        const hashes = strings(raw.hashes);
        if (hashes.length > 0) entry.hashes = hashes;
        const extras = strings(raw.extras);
        if (extras.length > 0) entry.extras = extras;
        const index = str(raw.index);
        if (index !== undefined) {
          const indexUrl = indexByName.get(index);
          if (indexUrl !== undefined) entry.index = indexUrl;
          else
            diagnostics.push(
              entryProblem(file, line, `"${displayName}" names index "${index}", which _meta.sources lacks`),
            );
        }
        entry.location = { file, line };
        byKey.set(key, entry);
        entries.push(entry);
      }
      const marker = str(raw.markers);
      addGroup(entry, group, marker ? [[marker]] : null);
    }
  }
  const rest: Parameters<typeof finishSet>[3] = {
    indexUrls,
    diagnostics,
    groups: doc.develop !== undefined ? ['dev'] : [],
  };
  if (requiresPython !== undefined) rest.requiresPython = requiresPython;
  return finishSet(source, entries, options, rest);
}
