// `npm run fuzz`: the long fuzz run, outside the default tests. Bundles test/fuzz/targets.ts with
// esbuild (into node_modules/.cache, which git ignores), then runs every target with fast-check.
//   FUZZ_RUNS    total cases over all targets (default 1,000,000), split by target weight
//   FUZZ_SEED    base seed (default: random); each target uses FUZZ_SEED + its index
//   FUZZ_TARGET  only targets whose name contains this text
// Prints, per target, the cases run, the time taken and, on failure, the seed, the path and the
// shrunk counterexample, which replay with `fc.assert(..., { seed, path })`. Exits 1 on any failure.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import fc from 'fast-check';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const outDir = resolve(root, 'node_modules', '.cache', 'pybase-fuzz');
mkdirSync(outDir, { recursive: true });
const outFile = resolve(outDir, 'targets.mjs');
await build({
  absWorkingDir: root,
  entryPoints: ['test/fuzz/targets.ts'],
  outfile: outFile,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});
const { allTargets, budget, outcomeProblem } = await import(pathToFileURL(outFile).href);

const total = Number(process.env.FUZZ_RUNS ?? 1_000_000);
const baseSeed = process.env.FUZZ_SEED === undefined ? Date.now() % 2 ** 31 : Number(process.env.FUZZ_SEED);
const filter = process.env.FUZZ_TARGET ?? '';
const targets = allTargets(root).filter((t) => t.name.includes(filter));
const runs = budget(targets, total);

console.log(`fuzz: ${total} cases over ${targets.length} targets, base seed ${baseSeed}`);
let failures = 0;
let done = 0;
const started = performance.now();
for (const [i, target] of targets.entries()) {
  const seed = (baseSeed + i) % 2 ** 31;
  const numRuns = runs.get(target.name);
  const t0 = performance.now();
  const result = fc.check(
    fc.property(target.input, (text) => {
      const problem = outcomeProblem(() => target.run(text));
      if (problem !== undefined) throw new Error(problem);
    }),
    { numRuns, seed },
  );
  const seconds = ((performance.now() - t0) / 1000).toFixed(1);
  done += result.numRuns;
  if (result.failed) {
    failures++;
    const example = JSON.stringify(result.counterexample?.[0]);
    console.log(
      `FAIL ${target.name}: ${result.numRuns}/${numRuns} cases, ${seconds} s, seed ${seed}, path ${result.counterexamplePath}`,
    );
    console.log(`  counterexample: ${example.length > 600 ? `${example.slice(0, 600)}...` : example}`);
    console.log(
      `  ${String(result.errorInstance?.message ?? result.error)
        .split('\n')
        .slice(0, 6)
        .join('\n  ')}`,
    );
  } else {
    console.log(`ok   ${target.name}: ${result.numRuns} cases, ${seconds} s, seed ${seed}`);
  }
}
const elapsed = ((performance.now() - started) / 1000).toFixed(1);
console.log(`fuzz: ${done} cases in ${elapsed} s, ${failures} failing target(s)`);
process.exit(failures > 0 ? 1 : 0);
