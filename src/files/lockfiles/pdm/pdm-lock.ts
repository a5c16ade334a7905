/**
 * Reader for `pdm.lock` (lock_version 4.x). Each `[[package]]` lists its `groups` (`default` is the
 * runtime group), an environment `marker`, `requires_python` and `files`. The project's Python range
 * is `[[metadata.targets]] requires_python` (newer locks) or `metadata.requires_python` (older ones).
 */

import type { DependencyKind, DependencySet, DistributionFile } from '../../../model/dependencies.js';
import { mainGroup } from '../../../model/dependencies.js';
import type { Diagnostic } from '../../../model/diagnostic.js';
import { inputCodes } from '../../../model/diagnostic.js';
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
  type ReadOptions,
  scalarText,
  str,
  strings,
  tables,
  unreadableSet,
} from '../shared.js';

/** PDM calls the runtime group `default`. */
function groupName(group: string): string {
  return group === 'default' ? mainGroup : group;
}

function kindOf(raw: Record<string, unknown>): { kind: DependencyKind; url?: string } {
  const git = str(raw.git);
  if (git !== undefined) {
    const rev = str(raw.revision) ?? str(raw.ref);
    return { kind: 'vcs', url: rev ? `${git}@${rev}` : git };
  }
  const path = str(raw.path);
  if (path !== undefined) return { kind: raw.editable === true ? 'editable' : 'path', url: path };
  const url = str(raw.url);
  if (url !== undefined) return { kind: url.startsWith('file:') ? 'path' : 'url', url };
  return { kind: 'registry' };
}

/** Reads a pdm.lock text. Never throws: problems become diagnostics. */
export function parsePdmLock(text: string, file: string, options?: ReadOptions): DependencySet {
  const source: DependencySet['source'] = { file, kind: 'pdm.lock' };
  const parsed = parseTomlDocument(text, file);
  if (!parsed.ok) return unreadableSet(source, options, parsed.diagnostic);
  const doc = parsed.value;
  if (doc.metadata === undefined && doc.package === undefined) {
    return unreadableSet(source, options, notTheFormat(source, 'no [metadata] and no [[package]]'));
  }
  const diagnostics: Diagnostic[] = [];
  const metadata = isTable(doc.metadata) ? doc.metadata : {};
  const lockVersion = scalarText(metadata.lock_version);
  if (lockVersion !== undefined) source.formatVersion = lockVersion;
  else diagnostics.push(entryProblem(file, 1, 'no [metadata] lock_version: is this a pdm.lock?'));
  const targetPythons = [
    ...new Set(
      tables(metadata.targets)
        .map((t) => str(t.requires_python))
        .filter((p): p is string => p !== undefined),
    ),
  ];
  // Several targets with different ranges cannot be one specifier: the first (PDM's main target) is
  // used, and the difference reported.
  const requiresPython = targetPythons[0] ?? str(metadata.requires_python);
  if (targetPythons.length > 1) {
    diagnostics.push(
      makeDiagnostic(
        inputCodes.parseError,
        'info',
        `${file} locks for several Python ranges (${targetPythons.join('; ')}); the first is used`,
        file,
        1,
      ),
    );
  }
  if (requiresPython !== undefined) source.requiresPythonAsWritten = requiresPython;
  const declaredGroups = strings(metadata.groups).map(groupName);

  const headerLines = arrayTableLines(text, 'package');
  const rawPackages =
    doc.package === undefined ? [] : Array.isArray(doc.package) ? doc.package : [doc.package];
  const entries: LockEntry[] = [];
  let withoutGroups = 0;
  rawPackages.forEach((raw, index) => {
    const line = headerLines[index];
    const displayName = isTable(raw) ? str(raw.name) : undefined;
    if (!isTable(raw) || displayName === undefined) {
      diagnostics.push(entryProblem(file, line, 'a [[package]] entry has no name'));
      return;
    }
    const { kind, url } = kindOf(raw);
    const entry = newEntry(displayName, kind);
    const version = scalarText(raw.version);
    if (version !== undefined) entry.version = version;
    if (url !== undefined) entry.url = url;
    const extras = strings(raw.extras);
    if (extras.length > 0) entry.extras = extras;
    const rp = str(raw.requires_python);
    if (rp !== undefined && rp.trim() !== '') entry.requiresPython = rp;
    const files: DistributionFile[] = [];
    for (const f of tables(raw.files)) {
      const u = str(f.url);
      const filename = str(f.file) ?? (u !== undefined ? fileNameOf(u) : undefined);
      if (!filename) continue;
      const df: DistributionFile = { filename };
      if (u !== undefined) df.url = u;
      const hash = str(f.hash);
      if (hash !== undefined) df.hashes = [hash];
      files.push(df);
    }
    if (files.length > 0) entry.files = files;
    if (line !== undefined) entry.location = { file, line };
    const marker = str(raw.marker);
    let groups = strings(raw.groups).map(groupName);
    if (groups.length === 0) {
      withoutGroups++;
      groups = [mainGroup];
    }
    for (const g of groups) addGroup(entry, g, marker ? [[marker]] : null);
    entries.push(entry);
  });
  const multipleGroups = declaredGroups.some((g) => g !== mainGroup);
  if (withoutGroups > 0 && multipleGroups) {
    diagnostics.push(
      makeDiagnostic(
        inputCodes.parseError,
        'info',
        `${file}: ${withoutGroups} package(s) do not say which group they belong to; they are counted as runtime`,
        file,
        1,
        { hint: 'Regenerate the lock with a recent PDM (it records groups per package).' },
      ),
    );
  }
  const rest: Parameters<typeof finishSet>[3] = { indexUrls: [], diagnostics, groups: declaredGroups };
  if (requiresPython !== undefined) rest.requiresPython = requiresPython;
  return finishSet(source, entries, options, rest);
}
