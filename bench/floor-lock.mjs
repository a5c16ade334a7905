// The least a first `deps` or `recommend` run on a TOML lock must do besides starting Node: read the
// lock and parse it with smol-toml, the parser pybase uses. Nothing is judged or printed. Run by
// deps.mjs as a floor against `node -e 0`.
import { readFileSync } from 'node:fs';
import { parse } from 'smol-toml';

const file = process.argv[2];
if (!file) throw new Error('usage: node floor-lock.mjs LOCKFILE');
parse(readFileSync(file, 'utf8'));
