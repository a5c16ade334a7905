import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PybaseError } from '../../model/diagnostic.js';
import type { VarState } from '../substitute.js';
import { parseComposeEnv } from './env-file.js';

const known = (state: VarState | undefined) => (state?.kind === 'known' ? state.value : state);

describe('parseComposeEnv', () => {
  it('reads compose .env syntax: comments, export, quotes, inline comments, escapes', () => {
    const text = [
      '# the Python of every service',
      'PY=3.12',
      'export DISTRO=trixie',
      '',
      'TAG=${PY}-slim-${DISTRO}   # an inline comment',
      'HASH=3.12#not-a-comment',
      "LITERAL='${PY} stays'",
      'QUOTED="a # b" # comment',
      'ESCAPED="tab\\there \\"q\\""',
      "SINGLE='it\\'s'",
      'SPACED = 3.11 ',
      'EMPTY=',
      'FALLBACK=${MISSING:-3.10}',
      'FROM_SHELL=${CI_PY}',
      'SHELL_ONLY',
    ].join('\n');
    const { variables, diagnostics } = parseComposeEnv('.env', text);
    expect(diagnostics).toEqual([]);
    expect(known(variables.get('PY'))).toBe('3.12');
    expect(known(variables.get('DISTRO'))).toBe('trixie');
    expect(known(variables.get('TAG'))).toBe('3.12-slim-trixie');
    expect(known(variables.get('HASH'))).toBe('3.12#not-a-comment');
    expect(known(variables.get('LITERAL'))).toBe('${PY} stays');
    expect(known(variables.get('QUOTED'))).toBe('a # b');
    expect(known(variables.get('ESCAPED'))).toBe('tab\there "q"');
    expect(known(variables.get('SINGLE'))).toBe("it's");
    expect(known(variables.get('SPACED'))).toBe('3.11');
    expect(known(variables.get('EMPTY'))).toBe('');
    expect(known(variables.get('FALLBACK'))).toBe('3.10');
    expect(variables.get('FROM_SHELL')).toEqual({ kind: 'unknown', because: ['CI_PY'] });
    expect(variables.get('SHELL_ONLY')).toEqual({ kind: 'unknown', because: ['SHELL_ONLY'] });
  });

  it('records where each value is written, and the values it was built from', () => {
    const text = 'PY=3.12\r\nTAG="${PY}-slim"\n';
    const { variables } = parseComposeEnv('deploy/.env', text);
    const py = variables.get('PY');
    expect(py).toMatchObject({ kind: 'known', value: '3.12' });
    const tag = variables.get('TAG');
    if (tag?.kind !== 'known') throw new Error('TAG should be known');
    expect(tag.origins.map((o) => [o.name, o.value, o.source, o.file, o.range?.startLine])).toEqual([
      ['TAG', '${PY}-slim', 'compose-env', 'deploy/.env', 2],
      ['PY', '3.12', 'compose-env', 'deploy/.env', 1],
    ]);
    const pyOrigin = tag.origins[1]!;
    expect(text.slice(pyOrigin.range!.startOffset, pyOrigin.range!.endOffset)).toBe('3.12');
  });

  it('lets a later line win and reads quoted values over several lines', () => {
    const { variables } = parseComposeEnv('.env', 'PY=3.11\nNOTE="line one\nline two"\nPY=3.13\n');
    expect(known(variables.get('PY'))).toBe('3.13');
    expect(known(variables.get('NOTE'))).toBe('line one\nline two');
  });

  it('reports lines it cannot read with the file and line, and keeps reading', () => {
    const { variables, diagnostics } = parseComposeEnv('.env', 'PY=3.12\nnot an assignment\nX="open\n');
    expect(known(variables.get('PY'))).toBe('3.12');
    expect(diagnostics.map((d) => [d.code, d.location?.startLine, d.message])).toEqual([
      ['PBE006', 2, expect.stringContaining('.env:2: cannot parse')],
      ['PBE006', 3, expect.stringContaining('never closed')],
    ]);
  });

  it('never throws on random text', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('A', '=', '"', "'", '\\', '#', ' ', '\n', '$', '{', '}', 'export ', 'B_1'), {
          maxLength: 40,
        }),
        (parts) => {
          try {
            parseComposeEnv('.env', parts.join(''));
          } catch (error) {
            if (!(error instanceof PybaseError)) throw error;
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
