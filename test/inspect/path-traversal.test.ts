/** path-traversal: dot-dot climbs in every encoding, sensitive paths, null bytes, Windows and UNC forms. */
import { describe, expect, it } from 'vitest';
import { pathTraversalInspector as insp } from '../../src/pipeline/inspect/inspectors/path-traversal.js';
import { ids, runArgs } from './inspect-helpers.js';

const read = (path: string) => runArgs(insp, 'fs.read_file', { path });

describe('path-traversal', () => {
  it('flags ../../etc/passwd at the argument path as high or critical', () => {
    const f = read('../../etc/passwd');
    expect(f[0]?.id).toBe('path-traversal.dotdot');
    expect(f[0]?.path).toBe('$.action.arguments.path');
    expect(['high', 'critical']).toContain(f[0]?.severity);
  });
  it('decodes percent, double-percent, overlong UTF-8, %u and full-width forms', () => {
    for (const p of [
      '..%2f..%2fetc%2fpasswd',
      '..%252f..%252fetc/passwd',
      '%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd',
      '%uff0e%uff0e%u2215secret',
      '\uff0e\uff0e/\uff0e\uff0e/x',
    ]) {
      expect(ids(read(p))).toContain('path-traversal.dotdot');
    }
  });
  it('flags Windows traversal, UNC shares and null bytes', () => {
    expect(ids(read('..\\..\\windows\\win.ini'))).toContain('path-traversal.dotdot');
    expect(ids(read('\\\\attacker\\share\\x'))).toContain('path-traversal.unc-path');
    expect(ids(read('report.pdf%00.png'))).toContain('path-traversal.null-byte');
  });
  it('flags absolute sensitive locations and credential files', () => {
    expect(ids(read('/etc/passwd'))).toContain('path-traversal.sensitive-path');
    expect(ids(read('~/.ssh/id_rsa'))).toContain('path-traversal.credential-file');
    expect(ids(read('/proc/self/environ'))).toContain('path-traversal.credential-file');
    expect(ids(read('C:\\Windows\\System32\\drivers\\etc\\hosts'))).toContain(
      'path-traversal.sensitive-path',
    );
  });
  it('passes ordinary paths and prose', () => {
    expect(read('docs/readme.md')).toEqual([]);
    expect(read('/workspace/project/src/index.ts')).toEqual([]);
    expect(runArgs(insp, 'chat', { text: 'see the file ../notes.md for details... thanks.' })).toEqual([]);
    expect(read('v1.2..v1.3')).toEqual([]);
  });
  it('treats characters no file name may hold as separators on the way to a sensitive target', () => {
    for (const p of [
      '..%07..%07etc%07shadow',
      '%c0%6e%c0%6e%c0%9zwin.ini',
      '%%32%%65%%32%%65%%35%%63boot.ini',
    ]) {
      expect(
        ids(read(p)).some((id) => id === 'path-traversal.dotdot' || id === 'path-traversal.sensitive-path'),
      ).toBe(true);
    }
  });
  it('flags server trees and logs as inclusion targets, and PHP filter-chain segments', () => {
    expect(ids(read('/srv/nginx/logs/access.log'))).toContain('path-traversal.sensitive-path');
    expect(ids(read('D:\\xampp\\apache\\conf\\httpd.conf'))).toContain('path-traversal.sensitive-path');
    expect(ids(read('convert.iconv.UTF-16LE.UTF-8'))).toContain('path-traversal.wrapper-scheme');
    expect(read('/workspace/app/logs/build-output.txt')).toEqual([]);
  });
});
