// Shared helpers for the benchmarks: timing child processes, medians, machine facts, RESULTS.md sections.
import { spawnSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';

/** Run a command once; returns wall time in ms and peak resident memory in MiB (from /usr/bin/time when present). */
export function timeOnce(cmd, args, options = {}) {
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 28, ...options });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0 && !options.allowFailure) {
    throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr?.slice(0, 500)}`);
  }
  return { ms, status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Peak RSS of a command in MiB, measured by GNU time if installed, else by a Node wrapper. */
export function peakMemory(cmd, args, options = {}) {
  const r = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    ...options,
  });
  if (r.error) return undefined;
  const lines = r.stderr.trim().split('\n');
  const kb = Number(lines[lines.length - 1]);
  return Number.isFinite(kb) ? kb / 1024 : undefined;
}

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * Time `subject` against `baseline`, interleaving the runs so both see the same machine load.
 * Returns medians and their ratio.
 */
export function compare(subject, baseline, runs = 15, warmup = 2) {
  for (let i = 0; i < warmup; i++) {
    timeOnce(...subject);
    timeOnce(...baseline);
  }
  const a = [];
  const b = [];
  for (let i = 0; i < runs; i++) {
    a.push(timeOnce(...subject).ms);
    b.push(timeOnce(...baseline).ms);
  }
  const subjectMs = median(a);
  const baselineMs = median(b);
  return { subjectMs, baselineMs, ratio: subjectMs / baselineMs, runs };
}

export function machine() {
  const c = cpus();
  return {
    cpu: `${c[0]?.model ?? 'unknown'} x ${c.length}`,
    memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    node: process.version,
    date: new Date().toISOString().slice(0, 10),
  };
}
