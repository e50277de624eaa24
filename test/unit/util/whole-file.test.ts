import {
  chmodSync,
  linkSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { replaceFile, writeNewFile } from '../../../src/util/whole-file.js';

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'critpath-whole-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('replaceFile', () => {
  it('replaces a file keeping its mode, and leaves no file of its own beside it', () => {
    const dir = folder();
    const path = join(dir, 'r.html');
    writeFileSync(path, 'old');
    chmodSync(path, 0o640);
    replaceFile(path, 'new');
    expect(readFileSync(path, 'utf8')).toBe('new');
    expect(statSync(path).mode & 0o777).toBe(0o640);
    expect(readdirSync(dir)).toEqual(['r.html']);
    replaceFile(join(dir, 'fresh.html'), 'made');
    expect(readdirSync(dir).sort()).toEqual(['fresh.html', 'r.html']);
  });

  it('writes a report whose name is as long as a name may be (255 bytes)', () => {
    const dir = folder();
    const path = join(dir, `${'r'.repeat(250)}.html`);
    replaceFile(path, 'long');
    expect(readFileSync(path, 'utf8')).toBe('long');
  });

  it('keeps the other names of a file with hard links: they show the new text too', () => {
    const dir = folder();
    const path = join(dir, 'r.html');
    writeFileSync(path, 'old');
    linkSync(path, join(dir, 'same.html'));
    replaceFile(path, 'new');
    expect(readFileSync(join(dir, 'same.html'), 'utf8')).toBe('new');
  });
});

describe('writeNewFile', () => {
  it('never replaces a file', () => {
    const dir = folder();
    const path = join(dir, 'new.yaml');
    writeNewFile(path, 'one');
    expect(() => writeNewFile(path, 'two')).toThrow(/EEXIST/);
    expect(readFileSync(path, 'utf8')).toBe('one');
  });
});
