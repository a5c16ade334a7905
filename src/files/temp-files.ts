/**
 * Temporary files pybase is writing beside a user's file (to rename over it). An interrupted run
 * (Ctrl-C, SIGTERM, a closed terminal) removes the ones still there before it ends, so it leaves
 * nothing behind in the project; only a kill that cannot be caught (SIGKILL, a crash) can.
 */
import { unlinkSync } from 'node:fs';

const live = new Set<string>();
const signals: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

function onSignal(signal: NodeJS.Signals): void {
  for (const file of live) {
    try {
      unlinkSync(file);
    } catch {
      // already renamed into place, or removed
    }
  }
  live.clear();
  for (const s of signals) process.off(s, onSignal);
  // Ended by the same signal, as without the handler: the shell sees 130 for Ctrl-C.
  process.kill(process.pid, signal);
}

/** A temporary file now exists: removed if the process is interrupted before {@link untrackTemp}. */
export function trackTemp(file: string): void {
  if (live.size === 0) for (const s of signals) process.on(s, onSignal);
  live.add(file);
}

/** The temporary file was renamed into place or removed. */
export function untrackTemp(file: string): void {
  if (!live.delete(file)) return;
  if (live.size === 0) for (const s of signals) process.off(s, onSignal);
}
