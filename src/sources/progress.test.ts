import { describe, expect, it } from 'vitest';
import { createProgressPrinter, formatProgressLine, shouldShowProgress } from './progress.js';

function fakeStream(isTTY: boolean, columns = 80) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, columns, write: (text: string) => writes.push(text) } };
}

describe('progress printer', () => {
  it('draws on a terminal for batches larger than the threshold, then erases', () => {
    const { writes, stream } = fakeStream(true);
    const printer = createProgressPrinter({ stream });
    for (let done = 1; done <= 6; done++) printer.update({ done, total: 6, name: `pkg-${done}` });
    printer.finish();
    expect(writes).toHaveLength(7);
    expect(writes[0]).toBe('\r\x1b[2Klooking up [1/6] pkg-1');
    expect(writes[5]).toContain('[6/6] pkg-6');
    expect(writes[6]).toBe('\r\x1b[2K');
  });

  it('stays silent off a terminal or for small batches', () => {
    const pipe = fakeStream(false);
    const small = fakeStream(true);
    const a = createProgressPrinter({ stream: pipe.stream });
    const b = createProgressPrinter({ stream: small.stream });
    for (let done = 1; done <= 5; done++) {
      a.update({ done, total: 50, name: 'x' });
      b.update({ done, total: 5, name: 'x' });
    }
    a.finish();
    b.finish();
    expect(pipe.writes).toEqual([]);
    expect(small.writes).toEqual([]);
    expect(shouldShowProgress({ write: () => 0, isTTY: true }, 6)).toBe(true);
  });

  it('cuts long lines to the terminal width', () => {
    const line = formatProgressLine({ done: 1, total: 9, name: 'x'.repeat(200) }, 'resolving', 40);
    expect(line).toHaveLength(39);
    expect(line.startsWith('resolving [1/9] xxx')).toBe(true);
    expect(line.endsWith('…')).toBe(true);
  });
});
