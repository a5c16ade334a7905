// Start-up cost: `pybase tag python:3.12-slim` and `pybase --version` against `node -e 0`.
import { resolve } from 'node:path';
import { compare, peakMemory } from './lib.mjs';

export function benchStartup(root) {
  const cli = resolve(root, 'dist/cli.js');
  const node = process.execPath;
  const baseline = [node, ['-e', '0']];
  const rows = [];
  for (const [label, args, target] of [
    ['pybase tag python:3.12-slim', [cli, 'tag', 'python:3.12-slim', '--date', '2026-11-27'], 1.5],
    ['pybase --version', [cli, '--version'], 1.5],
  ]) {
    const r = compare([node, args], baseline, 21);
    rows.push({
      label,
      ...r,
      target,
      peakMiB: peakMemory(node, args),
      baselinePeakMiB: peakMemory(node, ['-e', '0']),
    });
  }
  return rows;
}
