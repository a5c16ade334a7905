import { describe, expect, it } from 'vitest';
import { createLimiter, DEFAULT_CONCURRENCY, mapLimit, normalizeConcurrency } from './concurrency.js';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('createLimiter', () => {
  it('never runs more than the limit at once and runs everything', async () => {
    const limiter = createLimiter(3);
    let running = 0;
    let peak = 0;
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        limiter.run(async () => {
          running++;
          peak = Math.max(peak, running);
          await tick(5 + (i % 3) * 5);
          running--;
          return i * 2;
        }),
      ),
    );
    expect(peak).toBe(3);
    expect(results).toEqual(Array.from({ length: 12 }, (_, i) => i * 2));
    expect(limiter.active).toBe(0);
    expect(limiter.pending).toBe(0);
  });

  it('frees the slot of a failing or synchronously throwing task', async () => {
    const limiter = createLimiter(1);
    await expect(limiter.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(
      limiter.run(() => {
        throw new Error('sync');
      }),
    ).rejects.toThrow('sync');
    await expect(limiter.run(async () => 'ok')).resolves.toBe('ok');
  });

  it('normalises odd limits', () => {
    expect(normalizeConcurrency(undefined)).toBe(DEFAULT_CONCURRENCY);
    expect(normalizeConcurrency(0)).toBe(DEFAULT_CONCURRENCY);
    expect(normalizeConcurrency(Number.NaN)).toBe(DEFAULT_CONCURRENCY);
    expect(normalizeConcurrency(2.7)).toBe(2);
    expect(createLimiter().concurrency).toBe(16);
  });
});

describe('mapLimit', () => {
  it('keeps input order', async () => {
    const out = await mapLimit([30, 10, 20], 2, async (ms, i) => {
      await tick(ms);
      return `${i}:${ms}`;
    });
    expect(out).toEqual(['0:30', '1:10', '2:20']);
  });
});
