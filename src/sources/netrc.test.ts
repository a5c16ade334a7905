import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PybaseError } from '../model/diagnostic.js';
import { loadNetrc, netrcCredentials, netrcPath, parseNetrc } from './netrc.js';

describe('parseNetrc', () => {
  it('reads machines, the default entry, comments and macros', () => {
    const netrc = parseNetrc(
      [
        '# private index',
        'machine Index.Example.ORG login alice password "s3 cret" account ops',
        'macdef init',
        'machine evil.example login mallory password nope',
        '',
        'machine files.example:8443',
        '  login bob',
        '  password p\\ w',
        'default login anonymous password guest',
      ].join('\n'),
    );
    expect(netrc.entries).toEqual([
      { machine: 'index.example.org', login: 'alice', password: 's3 cret', account: 'ops' },
      { machine: 'files.example:8443', login: 'bob', password: 'p w' },
      { machine: null, login: 'anonymous', password: 'guest' },
    ]);
  });

  it('never throws on odd input', () => {
    expect(parseNetrc('machine').entries).toEqual([]);
    expect(parseNetrc('login x password y').entries).toEqual([]);
    expect(parseNetrc('machine a login').entries).toEqual([{ machine: 'a' }]);
    expect(parseNetrc('machine a login "unterminated').entries).toEqual([
      { machine: 'a', login: 'unterminated' },
    ]);
  });
});

describe('netrcCredentials', () => {
  const netrc = parseNetrc(
    'machine pypi.internal login u1 password p1\nmachine pypi.internal:8443 login u2 password p2\n' +
      'machine nologin.example password x\ndefault login d password dp',
  );
  it('matches host and port first, then host name, then default', () => {
    expect(netrcCredentials(netrc, 'pypi.internal:8443')).toEqual({ username: 'u2', password: 'p2' });
    expect(netrcCredentials(netrc, 'PYPI.internal:9000')).toEqual({ username: 'u1', password: 'p1' });
    expect(netrcCredentials(netrc, 'other.example')).toEqual({ username: 'd', password: 'dp' });
    expect(netrcCredentials(netrc, 'nologin.example')).toEqual({ username: 'd', password: 'dp' });
  });
  it('answers nothing without a match or a file', () => {
    expect(netrcCredentials(parseNetrc('machine a login b password c'), 'z')).toBeUndefined();
    expect(netrcCredentials(undefined, 'a')).toBeUndefined();
  });
});

describe('loadNetrc', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pybase-netrc-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('finds the file through NETRC, else in the home directory', () => {
    expect(netrcPath({ env: { NETRC: '/etc/n' }, homedir: '/h' })).toBe('/etc/n');
    expect(netrcPath({ env: {}, homedir: '/h' })).toBe(join('/h', '.netrc'));
    expect(netrcPath({ path: '/x', env: { NETRC: '/etc/n' } })).toBe('/x');
  });

  it('reads the file and remembers its path; a missing file is no error', async () => {
    await writeFile(join(dir, '.netrc'), 'machine h login u password p\n');
    const netrc = await loadNetrc({ env: {}, homedir: dir });
    expect(netrc?.path).toBe(join(dir, '.netrc'));
    expect(netrcCredentials(netrc, 'h')).toEqual({ username: 'u', password: 'p' });
    expect(await loadNetrc({ env: { NETRC: join(dir, 'absent') } })).toBeUndefined();
  });

  it('reports an unreadable file as a diagnostic naming it', async () => {
    const error = await loadNetrc({ path: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PybaseError);
    expect((error as PybaseError).diagnostic.code).toBe('PBE005');
    expect((error as PybaseError).diagnostic.location?.file).toBe(dir);
    const file = join(dir, 'locked');
    await writeFile(file, 'machine h login u password p');
    await chmod(file, 0o000);
    const readable = await loadNetrc({ path: file }).then(
      () => true,
      () => false,
    );
    // root can read anything; otherwise the file is refused with a diagnostic.
    expect(readable).toBe(process.getuid?.() === 0);
  });
});
