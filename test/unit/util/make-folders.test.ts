import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeFolders } from '../../../src/util/make-folders.js';

describe('makeFolders', () => {
  const dirs: string[] = [];
  const temp = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'critpath-folders-'));
    dirs.push(d);
    return d;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('makes every missing folder down the path, with the mode asked for; an existing one is fine', () => {
    const d = temp();
    makeFolders(join(d, 'a/b/c'), 0o700);
    expect(statSync(join(d, 'a/b/c')).isDirectory()).toBe(true);
    expect(statSync(join(d, 'a')).mode & 0o777).toBe(0o700);
    makeFolders(join(d, 'a/b/c'));
    makeFolders(d);
  });

  it('a file where a folder should be is ENOTDIR', () => {
    const d = temp();
    writeFileSync(join(d, 'f'), '');
    expect(() => makeFolders(join(d, 'f/x'))).toThrow(expect.objectContaining({ code: 'ENOTDIR' }));
  });

  it.skipIf(process.platform !== 'linux')(
    'a parent that refuses new folders (/proc, /dev/fd) is an error, not an endless loop',
    () => {
      expect(() => makeFolders('/proc/critpath-nope/x')).toThrow(
        expect.objectContaining({ code: 'ENOENT' }),
      );
      expect(() => makeFolders('/dev/fd/.critpath/cache', 0o700)).toThrow(
        expect.objectContaining({ code: 'ENOENT' }),
      );
    },
  );
});
