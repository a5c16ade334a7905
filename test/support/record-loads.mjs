// Module hooks that write the URL of every module Node loads to the file named by
// PYBASE_LOAD_LOG, one per line. Registered by register-load-recorder.mjs with `node --import`.
import { appendFileSync } from 'node:fs';

export async function load(url, context, nextLoad) {
  if (process.env.PYBASE_LOAD_LOG) appendFileSync(process.env.PYBASE_LOAD_LOG, `${url}\n`);
  return nextLoad(url, context);
}
