/**
 * A small concurrency limiter for batches of network look-ups.
 *
 * Written here rather than taken from a package (p-limit and friends) because it is a dozen lines, has no
 * edge cases beyond ordering, and the project prefers few runtime dependencies.
 */

export const DEFAULT_CONCURRENCY = 16;

export interface Limiter {
  /** Runs `task` as soon as fewer than `concurrency` tasks are running; resolves with its result. */
  run<T>(task: () => Promise<T>): Promise<T>;
  /** Tasks running now. */
  readonly active: number;
  /** Tasks waiting for a free slot. */
  readonly pending: number;
  readonly concurrency: number;
}

/** Normalises a user-supplied limit: a positive integer, `DEFAULT_CONCURRENCY` when absent or invalid. */
export function normalizeConcurrency(value: number | undefined): number {
  if (value === undefined || !Number.isFinite(value) || value < 1) return DEFAULT_CONCURRENCY;
  return Math.floor(value);
}

export function createLimiter(concurrency?: number): Limiter {
  const limit = normalizeConcurrency(concurrency);
  let active = 0;
  const queue: Array<() => void> = [];

  const next = (): void => {
    if (active >= limit) return;
    const start = queue.shift();
    if (start) start();
  };

  return {
    get active() {
      return active;
    },
    get pending() {
      return queue.length;
    },
    concurrency: limit,
    run<T>(task: () => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push(() => {
          active++;
          let promise: Promise<T>;
          try {
            promise = task();
          } catch (error) {
            promise = Promise.reject(error);
          }
          promise.then(resolve, reject).finally(() => {
            active--;
            next();
          });
        });
        next();
      });
    },
  };
}

/**
 * Maps `items` through `fn` with at most `concurrency` calls in flight. Results keep the order of `items`.
 * The first rejection rejects the whole batch (tasks already started still run to completion).
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  concurrency: number | undefined,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const limiter = createLimiter(concurrency);
  return Promise.all(items.map((item, index) => limiter.run(() => fn(item, index))));
}
