/**
 * A bound on concurrent asynchronous work. Reading thousands of small files one `await` at a time
 * leaves the process idle between each round trip to the I/O thread pool; a few dozen in flight keep
 * that pool busy while memory stays bounded. (A dozen lines, so no dependency for it.)
 */
export type Limit = <T>(work: () => Promise<T>) => Promise<T>;

/** Runs at most `max` pieces of work at once; the others wait in call order. */
export function limitConcurrency(max: number): Limit {
  let active = 0;
  const waiting: (() => void)[] = [];
  const acquire = (): Promise<void> | undefined => {
    if (active < max) {
      active++;
      return undefined;
    }
    return new Promise<void>((resolve) => waiting.push(resolve));
  };
  // A finished piece hands its slot straight to the next waiting one, so `active` never exceeds `max`.
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else active--;
  };
  return async (work) => {
    const wait = acquire();
    if (wait) await wait;
    try {
      return await work();
    } finally {
      release();
    }
  };
}

/** How many file operations pybase keeps in flight when it reads a repository. */
export const fileConcurrency = 32;
