import { describe, expect, it } from 'vitest';
import { flowDepthExceededAt, maxFlowDepth, parseYaml } from './yaml.js';

describe('parseYaml', () => {
  it('refuses flow collections nested past the limit, naming the line and column, without parsing', () => {
    const ok = `a: ${'['.repeat(maxFlowDepth)}${']'.repeat(maxFlowDepth)}\n`;
    expect(flowDepthExceededAt(ok)).toBe(-1);
    expect(parseYaml('ok.yml', ok).yaml).toBeDefined();
    const deep = `a: 1\nb: ${'[{'.repeat(maxFlowDepth)}\n`;
    expect(flowDepthExceededAt(deep)).toBe(8 + maxFlowDepth);
    const { yaml, diagnostics } = parseYaml('deep.yml', deep);
    expect(yaml).toBeUndefined();
    expect(diagnostics).toEqual([
      expect.objectContaining({
        code: 'PBE006',
        location: expect.objectContaining({ file: 'deep.yml', startLine: 2, startColumn: maxFlowDepth + 4 }),
      }),
    ]);
    // Closed levels do not add up.
    expect(flowDepthExceededAt('[]'.repeat(100_000))).toBe(-1);
  });
});
