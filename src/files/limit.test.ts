import { describe, expect, it } from 'vitest';
import { limitConcurrency } from './limit.js';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('limitConcurrency', () => {
  it('never runs more than the bound at once and runs everything', async () => {
    const limit = limitConcurrency(3);
    let running = 0;
    let peak = 0;
    const done: number[] = [];
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        limit(async () => {
          running++;
          peak = Math.max(peak, running);
          for (let k = 0; k < 1 + (i % 4); k++) await tick();
          running--;
          done.push(i);
          return i;
        }),
      ),
    );
    expect(peak).toBe(3);
    expect(done.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('frees the slot of a piece that fails and passes the failure on', async () => {
    const limit = limitConcurrency(1);
    await expect(limit(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(limit(async () => 'next')).resolves.toBe('next');
  });

  it('starts waiting pieces in call order', async () => {
    const limit = limitConcurrency(1);
    const order: number[] = [];
    await Promise.all([1, 2, 3, 4].map((i) => limit(async () => order.push(i))));
    expect(order).toEqual([1, 2, 3, 4]);
  });
});
