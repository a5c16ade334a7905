/**
 * Whole-file reads as promises over Node's callback API. `node:fs/promises` wraps every open file in
 * a FileHandle object with its own bookkeeping; for thousands of small files that costs about three
 * times as much as the plain calls (measured on 5,501 files, 32 in flight: 321 ms against 119 ms).
 * Errors are the same `ErrnoException`s.
 */
import { readFile } from 'node:fs';

export function readBytes(file: string): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    readFile(file, (error, bytes) => (error ? reject(error) : resolve(bytes))),
  );
}
