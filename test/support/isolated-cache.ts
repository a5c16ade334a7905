// Every test file gets a cache directory of its own (XDG_CACHE_HOME), for the commands it runs in
// process (captureIo passes it on) and the built CLI it spawns: what `pybase data update` or a
// cached analysis left in the user's ~/.cache must never change a test's answer.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'pybase-test-cache-'));
process.env.XDG_CACHE_HOME = dir;
afterAll(() => rmSync(dir, { recursive: true, force: true }));
