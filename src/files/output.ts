/**
 * Output files a command is asked to write (`pybase report --html FILE`): looked at before the work
 * that fills them, and written whole or not at all.
 */
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { WriteRefusedError, writeFileAtomic } from '../fix/apply.js';
import { inputCodes, PybaseError } from '../model/diagnostic.js';
import { trackTemp, untrackTemp } from './temp-files.js';

function cannotWrite(command: string, shown: string, why: string, hint: string): PybaseError {
  return new PybaseError({
    code: inputCodes.unreadableFile,
    severity: 'error',
    message: `${command}: cannot write ${shown}: ${why}`,
    hint,
  });
}

/**
 * Throws PybaseError when `file` cannot be an output file: it is a directory, or its folder does not
 * exist or is not a directory. `shown` is the path as the user wrote it.
 */
export function assertOutputWritable(command: string, file: string, shown = file): void {
  const info = statSync(file, { throwIfNoEntry: false });
  if (info?.isDirectory()) {
    throw cannotWrite(
      command,
      shown,
      'it is a directory',
      `give a file name (${path.join(shown, 'report.html')})`,
    );
  }
  if (info) return;
  const folder = path.dirname(file);
  const parent = statSync(folder, { throwIfNoEntry: false });
  if (!parent) {
    throw cannotWrite(
      command,
      shown,
      `the folder ${path.dirname(shown)} does not exist`,
      `create it first (mkdir -p ${path.dirname(shown)}), or write the file elsewhere`,
    );
  }
  if (!parent.isDirectory()) {
    throw cannotWrite(
      command,
      shown,
      `${path.dirname(shown)} is not a directory`,
      'write the file in a directory',
    );
  }
}

/**
 * Writes an output file whole: a new one to a temporary file beside it, flushed and renamed into
 * place; an existing file is replaced the way `pybase fix` replaces one (owner and mode kept, never a
 * read-only file); something that is not a regular file (`/dev/stdout`, a pipe) is written to. A
 * reader, or a crash, never sees half of the new content under the name.
 */
export async function writeOutputFile(
  command: string,
  file: string,
  text: string,
  shown = file,
): Promise<void> {
  assertOutputWritable(command, file, shown);
  const info = statSync(file, { throwIfNoEntry: false });
  try {
    if (info && !info.isFile()) {
      const handle = await open(file, 'w');
      try {
        await handle.writeFile(text, 'utf8');
      } finally {
        await handle.close();
      }
      return;
    }
    if (info) {
      await writeFileAtomic(file, text);
      return;
    }
    const temp = path.join(
      path.dirname(file),
      `.${path.basename(file)}.pybase-${process.pid}-${randomBytes(4).toString('hex')}.tmp`,
    );
    // Tracked before it exists: an interruption while it is being created removes it too.
    trackTemp(temp);
    try {
      const handle = await open(temp, 'wx', 0o666);
      try {
        await handle.writeFile(text, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, file);
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      throw error;
    } finally {
      untrackTemp(temp);
    }
  } catch (error) {
    if (error instanceof PybaseError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw cannotWrite(
      command,
      shown,
      reason,
      error instanceof WriteRefusedError ? error.hint : 'check that the folder is writable and has space',
    );
  }
}
