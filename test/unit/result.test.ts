import { describe, expect, it } from 'vitest';
import { describeIoError, ioErrorWords } from '../../src/result.js';

describe('describeIoError', () => {
  it('words the failures a hostile environment gives, with the code', () => {
    const e = (code: string): Error => Object.assign(new Error(`raw ${code}`), { code });
    expect(describeIoError('/x/a.journal', e('EISDIR'))).toBe(
      '/x/a.journal: a folder where a file should be (EISDIR)',
    );
    expect(describeIoError('/x/a', e('ENOSPC'))).toBe('/x/a: no space left on the device (ENOSPC)');
    expect(describeIoError('/x/a', e('ELOOP'))).toBe('/x/a: a loop of symbolic links (ELOOP)');
    expect(describeIoError('a.yaml', e('EEXIST'))).toBe('a.yaml: already exists (EEXIST)');
  });

  it("keeps Node's text for a code it has no words for, and for an error without a code", () => {
    expect(describeIoError('/x/a', Object.assign(new Error('odd'), { code: 'EODD' }))).toBe(
      '/x/a: odd (EODD)',
    );
    expect(describeIoError('/x/a', new Error('plain'))).toBe('/x/a: plain');
  });
});

describe('ioErrorWords', () => {
  it('words a code as describeIoError does, and knows when it has no words', () => {
    expect(ioErrorWords('ELOOP')).toBe('a loop of symbolic links (ELOOP)');
    expect(ioErrorWords('FIFO')).toBe('a FIFO where a file should be');
    expect(ioErrorWords('EODD')).toBeUndefined();
    expect(ioErrorWords('toString')).toBeUndefined();
    expect(ioErrorWords(undefined)).toBeUndefined();
  });
});
