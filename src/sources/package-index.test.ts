import { describe, expect, it, vi } from 'vitest';
import { PybaseError } from '../model/diagnostic.js';
import { type Fetcher, networkErrorReason } from './http.js';
import { parseJsonProjectPage } from './index-json.js';
import {
  createIndexClient,
  isValidProjectName,
  normalizeProjectName,
  parseHtmlProjectPage,
  SIMPLE_ACCEPT,
  unescapeHtml,
} from './package-index.js';

const page = 'https://index.example/simple/numpy/';

describe('project names', () => {
  it('normalises as PEP 503 says', () => {
    expect(normalizeProjectName('Django')).toBe('django');
    expect(normalizeProjectName('typing_extensions')).toBe('typing-extensions');
    expect(normalizeProjectName('zope.interface')).toBe('zope-interface');
    expect(normalizeProjectName('Foo__Bar-.baz')).toBe('foo-bar-baz');
  });
  it('rejects what cannot be a project name', () => {
    expect(isValidProjectName('numpy')).toBe(true);
    expect(isValidProjectName('a')).toBe(true);
    expect(isValidProjectName('../etc')).toBe(false);
    expect(isValidProjectName('-lead')).toBe(false);
    expect(isValidProjectName('a/b')).toBe(false);
    expect(isValidProjectName('')).toBe(false);
  });
});

describe('parseJsonProjectPage', () => {
  const doc = {
    meta: { 'api-version': '1.1' },
    name: 'numpy',
    versions: ['1.26.4'],
    files: [
      {
        filename: 'numpy-1.26.4-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl',
        url: '../../packages/ab/numpy-1.26.4-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl',
        hashes: { SHA256: 'ABCDEF0123' },
        'requires-python': '>=3.9',
        yanked: false,
        'upload-time': '2024-02-05T23:51:51.000000Z',
        size: 18000000,
      },
      {
        filename: 'numpy-1.26.4.tar.gz',
        url: 'https://files.example/numpy-1.26.4.tar.gz',
        hashes: {},
        yanked: '',
      },
      {
        filename: 'numpy-1.26.3.tar.gz',
        url: 'https://files.example/numpy-1.26.3.tar.gz',
        yanked: 'bad build',
      },
      { url: 'https://files.example/nameless.whl', hashes: {} },
    ],
  };

  it('reads files, resolving relative URLs against the page', () => {
    const parsed = parseJsonProjectPage(JSON.stringify(doc), page);
    expect(parsed.versions).toEqual(['1.26.4']);
    expect(parsed.files[0]).toEqual({
      filename: 'numpy-1.26.4-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl',
      url: 'https://index.example/packages/ab/numpy-1.26.4-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl',
      hashes: { sha256: 'abcdef0123' },
      requiresPython: '>=3.9',
      yanked: false,
      uploadTime: '2024-02-05T23:51:51.000000Z',
      size: 18000000,
    });
  });

  it('treats an empty yank reason as yanked and keeps real reasons', () => {
    const parsed = parseJsonProjectPage(JSON.stringify(doc), page);
    expect(parsed.files[1]?.yanked).toBe(true);
    expect(parsed.files[2]?.yanked).toBe('bad build');
    expect(parsed.files[2]?.hashes).toEqual({});
  });

  it('lists unreadable file entries as problems instead of dropping them silently', () => {
    const parsed = parseJsonProjectPage(JSON.stringify(doc), page);
    expect(parsed.files).toHaveLength(3);
    expect(parsed.problems).toHaveLength(1);
    expect(parsed.problems[0]).toMatch(/file entry 4: filename/);
  });

  it('fails clearly on invalid JSON, a non-project document and an unknown major version', () => {
    const reason = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        expect(error).toBeInstanceOf(PybaseError);
        return { reason: networkErrorReason(error), message: (error as PybaseError).message };
      }
      throw new Error('expected a failure');
    };
    expect(reason(() => parseJsonProjectPage('{"meta": ', page))).toMatchObject({ reason: 'bad-response' });
    expect(reason(() => parseJsonProjectPage('{"projects": []}', page)).message).toMatch(/not a PEP 691/);
    expect(
      reason(() => parseJsonProjectPage(JSON.stringify({ ...doc, meta: { 'api-version': '2.0' } }), page))
        .message,
    ).toMatch(/version 2\.0/);
  });
});

describe('parseHtmlProjectPage', () => {
  it('reads anchors, hashes, unescaped requires-python and yank markers', () => {
    const html = `<!DOCTYPE html><html><head><meta name="pypi:repository-version" content="1.1"></head><body>
      <!-- <a href="commented-out.whl">ignored</a> -->
      <a href="../../files/numpy-1.26.4.tar.gz#sha256=ABC123" data-requires-python="&gt;=3.9,&lt;3.13">numpy-1.26.4.tar.gz</a><br/>
      <a href='https://other.example/x/numpy-1.26.3.tar.gz#md5=ff' data-yanked>numpy-1.26.3.tar.gz</a>
      <a data-yanked="broken &quot;wheel&quot;" href=numpy-1.26.2-py3-none-any.whl data-requires-python=">=3.8">numpy-1.26.2-py3-none-any.whl</a>
      <a href="/abs/numpy-1.0.tar.gz"><span>numpy-1.0.tar.gz</span></a>
      <a href="numpy-0.9.zip"></a>
      <a name="no-href">anchor without link</a>
    </body></html>`;
    const parsed = parseHtmlProjectPage(html, page);
    expect(parsed.apiMajor).toBe(1);
    expect(parsed.files).toEqual([
      {
        filename: 'numpy-1.26.4.tar.gz',
        url: 'https://index.example/files/numpy-1.26.4.tar.gz',
        hashes: { sha256: 'abc123' },
        requiresPython: '>=3.9,<3.13',
        yanked: false,
      },
      {
        filename: 'numpy-1.26.3.tar.gz',
        url: 'https://other.example/x/numpy-1.26.3.tar.gz',
        hashes: { md5: 'ff' },
        yanked: true,
      },
      {
        filename: 'numpy-1.26.2-py3-none-any.whl',
        url: 'https://index.example/simple/numpy/numpy-1.26.2-py3-none-any.whl',
        hashes: {},
        requiresPython: '>=3.8',
        yanked: 'broken "wheel"',
      },
      {
        filename: 'numpy-1.0.tar.gz',
        url: 'https://index.example/abs/numpy-1.0.tar.gz',
        hashes: {},
        yanked: false,
      },
      {
        filename: 'numpy-0.9.zip',
        url: 'https://index.example/simple/numpy/numpy-0.9.zip',
        hashes: {},
        yanked: false,
      },
    ]);
    expect(parsed.problems).toEqual(['anchor "anchor without link" has no href']);
  });

  it('resolves against <base href>', () => {
    const parsed = parseHtmlProjectPage(
      '<base href="https://mirror.example/pkgs/"><a href="a-1.0.tar.gz">a-1.0.tar.gz</a>',
      page,
    );
    expect(parsed.files[0]?.url).toBe('https://mirror.example/pkgs/a-1.0.tar.gz');
  });

  it('refuses an unsupported repository version', () => {
    expect(() => parseHtmlProjectPage('<meta name="pypi:repository-version" content="2.0">', page)).toThrow(
      /version 2\.0/,
    );
  });

  it('unescapes character references', () => {
    expect(unescapeHtml('&gt;=3.8, !=3.9.*, &lt;4 &amp; &#62; &#x3E; &unknown;')).toBe(
      '>=3.8, !=3.9.*, <4 & > > &unknown;',
    );
  });
});

describe('index client with a scripted fetcher', () => {
  const json = (body: unknown, status = 200) =>
    new Response(JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/vnd.pypi.simple.v1+json' },
    });

  it('asks the normalised URL with the PEP 691 Accept header', async () => {
    const fetcher = vi.fn<Fetcher>(async () =>
      json({ meta: { 'api-version': '1.0' }, name: 'zope-interface', files: [] }),
    );
    const client = createIndexClient({ indexUrl: 'https://index.example/simple', fetcher });
    const result = await client.getProjectFiles('Zope.Interface');
    expect(result).toMatchObject({ status: 'found', name: 'zope-interface', files: [], format: 'json' });
    expect(fetcher).toHaveBeenCalledTimes(1);
    const [url, init] = fetcher.mock.calls[0] ?? [];
    expect(url).toBe('https://index.example/simple/zope-interface/');
    expect(init?.headers.accept).toBe(SIMPLE_ACCEPT);
  });

  it('rejects invalid names without a request', async () => {
    const fetcher = vi.fn<Fetcher>();
    const client = createIndexClient({ fetcher });
    await expect(client.getProjectFiles('../../etc/passwd')).rejects.toThrow(
      /not a valid Python project name/,
    );
    const [failure] = await client.lookupMany(['bad name']);
    expect(failure).toMatchObject({ status: 'error', name: 'bad name' });
    expect(fetcher).not.toHaveBeenCalled();
  });

  it('asks once for names that normalise alike', async () => {
    const fetcher = vi.fn<Fetcher>(async () =>
      json({ meta: { 'api-version': '1.0' }, name: 'a-b', files: [] }),
    );
    const client = createIndexClient({ fetcher });
    const results = await client.lookupMany(['a_b', 'A-B', 'a.b']);
    expect(results.map((r) => r.status)).toEqual(['found', 'found', 'found']);
    expect(fetcher).toHaveBeenCalledTimes(1);
  });

  it('reports a bad index URL as a configuration diagnostic without its password', () => {
    let caught: unknown;
    try {
      createIndexClient({ indexUrl: 'https://user:topsecret@ host/simple' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PybaseError);
    expect((caught as PybaseError).diagnostic.code).toBe('PBE004');
    expect((caught as PybaseError).message).not.toContain('topsecret');
  });
});
