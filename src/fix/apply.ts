/**
 * Applying edits: splices at exact offsets into the original text (byte-order mark, line endings,
 * comments and layout untouched; nothing is re-serialised), a re-parse of the edited text with the
 * same extractor that must find the intended value at each edited place, and an atomic write
 * (temporary file in the same directory, fsync, rename) that keeps the file mode.
 */
import { randomBytes } from 'node:crypto';
import type { BigIntStats } from 'node:fs';
import { constants } from 'node:fs';
import { access, open, readFile, realpath, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { trackTemp, untrackTemp } from '../files/temp-files.js';
import { firstNonUtf8, LineIndex } from '../files/text.js';
import { plainScalarReadsAs, scalarValueAt } from '../files/yaml.js';
import type { Diagnostic, SourceRange } from '../model/diagnostic.js';
import { inputCodes } from '../model/diagnostic.js';
import type { ExtractedReference, VersionStatement } from '../model/project.js';
import { fixCodes } from './plan.js';
import { redactSecrets } from './redact.js';
import type { ApplyResult, Edit, FileChange } from './types.js';

/** What re-reading one edited file gives: the parts verification looks at. */
export interface FileReading {
  references: readonly ExtractedReference[];
  versions: readonly VersionStatement[];
  diagnostics: readonly Diagnostic[];
}

/**
 * Re-extracts one file from its (edited) text, the byte-order mark removed. `edited` holds the new
 * text of other files the reading depends on (the `.env` beside a compose file).
 */
export type Reextract = (
  file: string,
  text: string,
  edited?: ReadonlyMap<string, string>,
) => FileReading | Promise<FileReading>;

export interface ApplyOptions {
  /** The directory the edits' paths are relative to. */
  root: string;
  /** Compute and verify, write nothing. */
  dryRun?: boolean;
  reextract: Reextract;
}

const bom = '\uFEFF';

/** An edit that was planned but could not be made: an error (the command exits 2). */
function dropped(edit: Edit, why: string, hint?: string): Diagnostic {
  return {
    code: fixCodes.dropped,
    severity: 'error',
    message: redactSecrets(
      `${edit.file}:${edit.range.startLine}: edit ${edit.before} -> ${edit.after} dropped: ${why}`,
    ),
    location: edit.range,
    ...(hint ? { hint } : {}),
  };
}

function offsetsOf(range: SourceRange, index: LineIndex): [number, number] {
  const start = range.startOffset ?? index.offsetAt(range.startLine - 1, range.startColumn - 1);
  const end = range.endOffset ?? index.offsetAt(range.endLine - 1, range.endColumn - 1);
  return [start, end];
}

interface Placed {
  edit: Edit;
  start: number;
  end: number;
  /** Characters written before the value itself: 1 when the edit put the value in quotes. */
  lead: number;
  /** The value the edit means to write (its text as planned, before any quotes were added). */
  intended: string;
}

/**
 * A YAML edit as it must be written: into a plain scalar, a text that would not read back as itself
 * (`3.10`, the number 3.1) goes in single quotes. Inside quotes, and for other files, as planned.
 */
function yamlSafe(edit: Edit, body: string, start: number, end: number): { edit: Edit; lead: number } {
  if (!edit.yamlScalar) return { edit, lead: 0 };
  const open = body[start - 1];
  const inQuotes = (open === "'" || open === '"') && body[end] === open;
  if (inQuotes || plainScalarReadsAs(edit.after)) return { edit, lead: 0 };
  return { edit: { ...edit, after: `'${edit.after.replace(/'/g, "''")}'` }, lead: 1 };
}

function splice(text: string, placed: readonly Placed[]): string {
  let out = text;
  for (const p of [...placed].sort((a, b) => b.start - a.start))
    out = out.slice(0, p.start) + p.edit.after + out.slice(p.end);
  return out;
}

/** Where an offset of the original text lands after the splices (it must not be inside one). */
function shifted(offset: number, placed: readonly Placed[]): number {
  let delta = 0;
  for (const p of placed)
    if (p.end <= offset && p.start < offset) delta += p.edit.after.length - (p.end - p.start);
  return offset + delta;
}

/** Why the re-read file does not hold what this edit intends, or undefined when it does. */
function verifyEdit(
  p: Placed,
  placed: readonly Placed[],
  reading: FileReading,
  index: LineIndex,
  after: string,
): string | undefined {
  if (p.edit.yamlScalar) {
    // The value YAML reads at the place, as a string, is the text the edit means to write there.
    const read = scalarValueAt(after, shifted(p.start, placed) + p.lead);
    if (read === undefined || String(read.value) !== p.intended) {
      const seen =
        read === undefined
          ? 'nothing'
          : `${JSON.stringify(read.value)}${typeof read.value === 'string' ? '' : ` (a ${typeof read.value})`}`;
      return `YAML reads line ${p.edit.range.startLine} as ${seen} afterwards, not the string ${JSON.stringify(p.intended)}`;
    }
  }
  for (const x of p.edit.expect) {
    if (x.range.file !== p.edit.file) continue; // verified by verifyElsewhere
    const original = offsetsOf(x.range, index)[0];
    const start = shifted(original, placed) + (original === p.start ? p.lead : 0);
    if (x.what === 'reference') {
      const found = reading.references.filter((r) => r.range.startOffset === start);
      if (found.length === 0) return `no image reference is read at line ${x.range.startLine} afterwards`;
      if (!found.some((r) => (r.unresolved?.length ? undefined : (r.resolved ?? r.text)) === x.after)) {
        const seen = found.map((r) => r.resolved ?? r.text).join(', ');
        return `line ${x.range.startLine} reads as ${seen} afterwards, not ${x.after}`;
      }
    } else {
      const found = reading.versions.filter((v) => v.range.startOffset === start);
      if (!found.some((v) => v.text === x.after))
        return `line ${x.range.startLine} does not read as ${x.after} afterwards`;
    }
  }
  if (p.edit.expect.length === 0) return 'nothing is expected to change';
  return undefined;
}

/**
 * Why another file, read again with this file's edited text, does not show what an edit expects there
 * (an edit of `.env` changes the compose references using it), or undefined when it does. The other
 * file is read as it is on disk: its own edits change other places.
 */
async function verifyElsewhere(
  p: Placed,
  file: string,
  after: string,
  reextract: Reextract,
  readOther: (file: string) => Promise<string | undefined>,
): Promise<string | undefined> {
  for (const x of p.edit.expect) {
    if (x.range.file === file) continue;
    const text = await readOther(x.range.file);
    if (text === undefined) return `${x.range.file}, which it changes, cannot be read`;
    const reading = await reextract(x.range.file, text, new Map([[file, after]]));
    const found = reading.references.filter((r) => r.range.startOffset === x.range.startOffset);
    if (!found.some((r) => (r.unresolved?.length ? undefined : (r.resolved ?? r.text)) === x.after)) {
      const seen = found.map((r) => r.resolved ?? r.text).join(', ') || 'nothing';
      return `${x.range.file}:${x.range.startLine} reads as ${seen} afterwards, not ${x.after}`;
    }
  }
  return undefined;
}

/**
 * Splice, re-read and verify one file's edits. Failing edits are dropped one round at a time until
 * every remaining edit verifies (or none is left).
 */
async function planFile(
  file: string,
  body: string,
  edits: readonly Edit[],
  reextract: Reextract,
  readOther: (file: string) => Promise<string | undefined>,
  diagnostics: Diagnostic[],
  droppedEdits: Edit[],
): Promise<{ after: string; kept: Edit[] } | undefined> {
  const index = new LineIndex(body);
  let placed: Placed[] = [];
  for (const edit of edits) {
    const [start, end] = offsetsOf(edit.range, index);
    if (body.slice(start, end) !== edit.before) {
      diagnostics.push(
        dropped(
          edit,
          `the file changed since pybase read it (line ${index.positionAt(start).line + 1} holds '${body.slice(start, end)}' there now), and that change is kept`,
          'run pybase fix again',
        ),
      );
      droppedEdits.push(edit);
      continue;
    }
    placed.push({ ...yamlSafe(edit, body, start, end), start, end, intended: edit.after });
  }
  placed.sort((a, b) => a.start - b.start);
  const overlapping = new Set<Placed>();
  for (let i = 1; i < placed.length; i++) {
    if (placed[i]!.start < placed[i - 1]!.end) {
      overlapping.add(placed[i]!);
      overlapping.add(placed[i - 1]!);
    }
  }
  for (const p of overlapping) {
    diagnostics.push(dropped(p.edit, 'it overlaps another edit'));
    droppedEdits.push(p.edit);
  }
  placed = placed.filter((p) => !overlapping.has(p));

  const parseFailure = (reading: FileReading) =>
    reading.diagnostics.find((d) => d.code === inputCodes.parseError && d.severity === 'error');
  if (placed.length > 0) {
    // A file that does not parse as it is (a Dockerfile whose heredoc is never closed) is not edited,
    // and the reason says so rather than blaming the edit.
    const broken = parseFailure(await reextract(file, body));
    if (broken) {
      for (const p of placed) {
        diagnostics.push(dropped(p.edit, `the file does not parse as it is (${broken.message})`));
        droppedEdits.push(p.edit);
      }
      return undefined;
    }
  }

  while (placed.length > 0) {
    const after = splice(body, placed);
    const reading = await reextract(file, after);
    const broken = parseFailure(reading);
    if (broken) {
      for (const p of placed) {
        diagnostics.push(dropped(p.edit, `the edited file no longer parses (${broken.message})`));
        droppedEdits.push(p.edit);
      }
      return undefined;
    }
    const failing: { p: Placed; why: string }[] = [];
    for (const p of placed) {
      const why =
        verifyEdit(p, placed, reading, index, after) ??
        (await verifyElsewhere(p, file, after, reextract, readOther));
      if (why !== undefined) failing.push({ p, why });
    }
    if (failing.length === 0) return { after, kept: placed.map((p) => p.edit) };
    for (const { p, why } of failing) {
      diagnostics.push(dropped(p.edit, why));
      droppedEdits.push(p.edit);
    }
    placed = placed.filter((p) => !failing.some((f) => f.p === p));
  }
  return undefined;
}

function placeKey(e: Edit): string {
  const r = e.range;
  return `${e.file}\0${r.startOffset ?? `${r.startLine}:${r.startColumn}`}\0${r.endOffset ?? `${r.endLine}:${r.endColumn}`}\0${e.before}\0${e.after}`;
}

/**
 * Edits of one real file under several names (a symbolic link inside the repository to another file
 * of it) are made once, under one name: the file's own path when it is among them, else the first
 * name. The same edit found through two names is kept once; two names asking different things of one
 * place overlap, and are dropped as overlapping edits are.
 */
async function oneNamePerFile(edits: readonly Edit[], root: string): Promise<Edit[]> {
  const names = [...new Set(edits.map((e) => e.file))].sort();
  const realRoot = await realpath(root).catch(() => path.resolve(root));
  const byReal = new Map<string, string[]>();
  for (const name of names) {
    const real = await realpath(path.join(root, ...name.split('/'))).catch(() => undefined);
    const key = real ?? `\0${name}`;
    byReal.set(key, [...(byReal.get(key) ?? []), name]);
  }
  const renamed = new Map<string, string>();
  for (const [real, group] of byReal) {
    if (group.length < 2) continue;
    const own = group.find((n) => path.join(realRoot, ...n.split('/')) === real) ?? group[0]!;
    for (const n of group) if (n !== own) renamed.set(n, own);
  }
  if (renamed.size === 0) return [...edits];
  const to = (file: string) => renamed.get(file) ?? file;
  const seen = new Set<string>();
  const out: Edit[] = [];
  for (const e of edits) {
    const moved: Edit = {
      ...e,
      file: to(e.file),
      range: { ...e.range, file: to(e.range.file) },
      expect: e.expect.map((x) => ({ ...x, range: { ...x.range, file: to(x.range.file) } })),
    };
    const key = placeKey(moved);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(moved);
  }
  return out;
}

/**
 * Apply edits grouped by file. A file that cannot be read as UTF-8, or whose edits all fail, is left
 * untouched; every left-out edit comes with a diagnostic.
 */
export async function applyEdits(edits: readonly Edit[], options: ApplyOptions): Promise<ApplyResult> {
  const byFile = new Map<string, Edit[]>();
  for (const e of await oneNamePerFile(edits, options.root))
    byFile.set(e.file, [...(byFile.get(e.file) ?? []), e]);
  const changes: FileChange[] = [];
  const droppedEdits: Edit[] = [];
  const diagnostics: Diagnostic[] = [];
  /** Another file of the project as it is on disk, without its byte-order mark. */
  const readOther = async (file: string): Promise<string | undefined> => {
    try {
      const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(
        await readFile(path.join(options.root, ...file.split('/'))),
      );
      return text.startsWith(bom) ? text.slice(1) : text;
    } catch {
      return undefined;
    }
  };

  for (const [file, fileEdits] of [...byFile].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const absolute = path.join(options.root, ...file.split('/'));
    let text: string;
    let state: FileState;
    let bytes: Uint8Array;
    try {
      // The state first, then the text: a write in between makes the state look older than the text,
      // so the write is refused (never a lost update).
      const handle = await open(absolute, 'r');
      try {
        state = fileStateOf(await handle.stat({ bigint: true }));
        bytes = await handle.readFile();
      } finally {
        await handle.close();
      }
    } catch (error) {
      for (const e of fileEdits) {
        diagnostics.push(
          dropped(e, `cannot read the file: ${error instanceof Error ? error.message : String(error)}`),
        );
        droppedEdits.push(e);
      }
      continue;
    }
    try {
      // fatal: a file that is not valid UTF-8 would not survive decoding and encoding byte for byte.
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    } catch {
      const bad = firstNonUtf8(bytes);
      const where = bad
        ? `line ${bad.line}, column ${bad.column} holds the byte 0x${bad.byte.toString(16).toUpperCase().padStart(2, '0')}, which is not UTF-8`
        : 'the file is not UTF-8';
      for (const e of fileEdits) {
        diagnostics.push(
          dropped(
            e,
            `${where}; pybase edits UTF-8 files only`,
            'convert the file to UTF-8 (from Latin-1: iconv -f latin1 -t utf-8), or edit the tag by hand',
          ),
        );
        droppedEdits.push(e);
      }
      continue;
    }
    const hasBom = text.startsWith(bom);
    const body = hasBom ? text.slice(1) : text;
    const result = await planFile(
      file,
      body,
      fileEdits,
      options.reextract,
      readOther,
      diagnostics,
      droppedEdits,
    );
    if (!result) continue;
    const after = (hasBom ? bom : '') + result.after;
    if (!options.dryRun) {
      try {
        await writeFileAtomic(absolute, after, { unchangedSince: state });
      } catch (error) {
        const why =
          error instanceof FileChangedError
            ? 'the file changed on disk while pybase was editing it, and that change is kept; run pybase fix again'
            : `cannot write the file: ${error instanceof Error ? error.message : String(error)}`;
        const hint = error instanceof WriteRefusedError ? error.hint : undefined;
        for (const e of result.kept) {
          diagnostics.push(dropped(e, why, hint));
          droppedEdits.push(e);
        }
        continue;
      }
    }
    changes.push({ file, before: text, after, edits: result.kept });
  }
  return { changes, dropped: droppedEdits, diagnostics };
}

/** What identifies one version of a file on disk: a write or a replacement changes at least one of these. */
export interface FileState {
  dev: bigint;
  ino: bigint;
  size: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
}

export function fileStateOf(info: BigIntStats): FileState {
  return { dev: info.dev, ino: info.ino, size: info.size, mtimeNs: info.mtimeNs, ctimeNs: info.ctimeNs };
}

function sameState(a: FileState, b: FileState): boolean {
  return (
    a.dev === b.dev &&
    a.ino === b.ino &&
    a.size === b.size &&
    a.mtimeNs === b.mtimeNs &&
    a.ctimeNs === b.ctimeNs
  );
}

/** The file was written or replaced by someone else while pybase was preparing its new content. */
export class FileChangedError extends Error {
  constructor(file: string) {
    super(`${file} changed on disk while pybase was editing it`);
    this.name = 'FileChangedError';
  }
}

/** A replacement pybase refuses to make, with what the user can do about it. */
export class WriteRefusedError extends Error {
  readonly hint: string;
  constructor(message: string, hint: string) {
    super(message);
    this.name = 'WriteRefusedError';
    this.hint = hint;
  }
}

export interface WriteOptions {
  /**
   * The state of the file when its text was read: the file is only replaced while it still is in
   * that state (checked again right before the rename), else FileChangedError and nothing is written.
   */
  unchangedSince?: FileState;
}

/**
 * Replace a file's content so that a reader (or a crash) only ever sees the old or the new content:
 * write a temporary file beside it, give it the old file's owner and then its mode, fsync, check that
 * the file was not changed meanwhile, rename it over the file (the real file behind a symbolic link),
 * then fsync the directory so the rename itself is durable.
 *
 * A replacement is refused (an Error saying why, the file untouched) when it could not be the same
 * file afterwards: when the file has several hard links (the other names would keep the old content)
 * and when its owner cannot be given to the new file (not running as root, and the file belongs to
 * another user or to a group the user is not in).
 */
export async function writeFileAtomic(
  file: string,
  content: string,
  options: WriteOptions = {},
): Promise<void> {
  const target = await realpath(file);
  const info = await stat(target, { bigint: true });
  const expected = options.unchangedSince ?? fileStateOf(info);
  if (!sameState(fileStateOf(info), expected)) throw new FileChangedError(file);
  if (info.nlink > 1n) {
    throw new Error(
      `it has ${info.nlink} hard links, which a replacement would split (the other names would keep the old content); edit it by hand`,
    );
  }
  const mode = Number(info.mode & 0o7777n);
  // A rename would replace a file its mode protects from this user: refused as a write in place would be.
  const denied = await access(target, constants.W_OK).then(
    () => undefined,
    (error: NodeJS.ErrnoException) => error.code ?? 'EACCES',
  );
  if (denied === 'EROFS') {
    throw new WriteRefusedError(
      'it is on a read-only file system',
      'fix a writable copy of the project, or leave the file out with --exclude',
    );
  }
  if (denied !== undefined) {
    throw new WriteRefusedError(
      `it is read-only (mode 0${mode.toString(8).padStart(3, '0')}), and pybase does not replace a file it could not write`,
      `make it writable (chmod u+w ${path.basename(file)}) to have it fixed, or leave it out with --exclude`,
    );
  }
  const uid = Number(info.uid);
  const gid = Number(info.gid);
  const dir = path.dirname(target);
  const temp = path.join(
    dir,
    `.${path.basename(target)}.pybase-${process.pid}-${randomBytes(4).toString('hex')}.tmp`,
  );
  // Readable by its owner only until it has the old file's owner and mode: a set-user-ID bit must
  // never sit on a file owned by someone else, not even for a moment.
  // Tracked before it exists: an interruption while it is being created removes it too.
  trackTemp(temp);
  const handle = await open(temp, 'wx', 0o600).catch((error: NodeJS.ErrnoException) => {
    untrackTemp(temp);
    if (error.code === 'EACCES' || error.code === 'EPERM' || error.code === 'EROFS') {
      throw new WriteRefusedError(
        `its folder ${dir} is not writable (${error.code}), and pybase writes the new content beside the file and renames it over the file`,
        'make the folder writable to have the file fixed, or edit it by hand',
      );
    }
    throw error;
  });
  try {
    try {
      await handle.writeFile(content, 'utf8');
      const own = await handle.stat();
      if (own.uid !== uid || own.gid !== gid) {
        try {
          await handle.chown(uid, gid);
        } catch (error) {
          const reason = error instanceof Error ? error.message : String(error);
          throw new Error(
            `its owner (uid ${uid}, gid ${gid}) cannot be kept on a replacement (${reason}); run pybase fix as that user, or edit the file by hand`,
          );
        }
      }
      // After chown (which clears set-user-ID and set-group-ID bits): exactly the old file's mode.
      await handle.chmod(mode);
      await handle.sync();
    } finally {
      await handle.close();
    }
    // The last moment before the rename: a write by someone else since the text was read is not lost.
    if (!sameState(fileStateOf(await stat(target, { bigint: true })), expected)) {
      throw new FileChangedError(file);
    }
    await rename(temp, target);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  } finally {
    untrackTemp(temp);
  }
  try {
    const dirHandle = await open(dir, 'r');
    try {
      await dirHandle.sync();
    } finally {
      await dirHandle.close();
    }
  } catch {
    // Some platforms and file systems cannot fsync a directory; the rename has still happened.
  }
}
