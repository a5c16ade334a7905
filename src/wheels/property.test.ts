import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPybaseError } from '../model/diagnostic.js';
import { parseDistributionFilename, parseSdistFilename, parseWheelFilename } from './filename.js';
import { evaluateMarker, markerEnvironment, parseMarker, requireMarker } from './markers.js';
import { isWheelCompatible } from './tags.js';
import { makeWheelTarget } from './target.js';

const target = makeWheelTarget('3.12', { family: 'glibc', version: '2.36' }, 'amd64');
const env = markerEnvironment(target);

/** Apply random character edits (insert, delete, replace) to a seed string. */
function mutated(seeds: readonly string[], alphabet: string): fc.Arbitrary<string> {
  const edit = fc.tuple(
    fc.nat(),
    fc.constantFrom('insert', 'delete', 'replace'),
    fc.constantFrom(...alphabet),
  );
  return fc.tuple(fc.constantFrom(...seeds), fc.array(edit, { maxLength: 6 })).map(([seed, edits]) => {
    let s = seed;
    for (const [at, kind, ch] of edits) {
      const i = s.length === 0 ? 0 : at % (s.length + 1);
      if (kind === 'insert') s = s.slice(0, i) + ch + s.slice(i);
      else if (kind === 'delete') s = s.slice(0, i) + s.slice(i + 1);
      else s = s.slice(0, i) + ch + s.slice(i + 1);
    }
    return s;
  });
}

const wheelSeeds = [
  'numpy-1.26.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl',
  'six-1.16.0-py2.py3-none-any.whl',
  'foo-1.0-1abc-cp39-abi3-musllinux_1_2_aarch64.whl',
  'torch-2.1.0+cu121-cp311-cp311-linux_x86_64.whl',
  'pkg-1.0.tar.gz',
];
const markerSeeds = [
  'python_version >= "3.8" and (sys_platform == "linux" or os_name != "nt")',
  "platform_machine not in 'arm64 aarch64' or extra == 'test'",
  'python_full_version ~= "3.9.1" and implementation_name == "cpython"',
];

describe('parsers never throw on bad input', () => {
  it('file name parsers return a result for any string', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), mutated(wheelSeeds, '-._.whl+%/ 0a')),
        (s) => {
          for (const parse of [parseWheelFilename, parseSdistFilename, parseDistributionFilename]) {
            const result = parse(s);
            expect(typeof result.ok).toBe('boolean');
            if (!result.ok) expect(result.reason.length).toBeGreaterThan(0);
          }
          expect(typeof isWheelCompatible(target, s)).toBe('boolean');
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('the marker parser returns a result, and evaluation throws only PybaseError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), mutated(markerSeeds, '()\'"<=>!~ andorinot.xy3')), (s) => {
        const result = parseMarker(s);
        if (!result.ok) {
          expect(result.error.offset).toBeGreaterThanOrEqual(0);
          expect(result.error.offset).toBeLessThanOrEqual(s.length);
        }
        for (const run of [() => requireMarker(s), () => evaluateMarker(s, env)]) {
          try {
            run();
          } catch (error) {
            expect(isPybaseError(error)).toBe(true);
          }
        }
      }),
      { numRuns: 2000 },
    );
  });
});
