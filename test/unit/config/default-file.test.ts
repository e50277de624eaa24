import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultTaskFile } from '../../../src/config/default-file.js';

/** The latest tree's folder, and every folder a test made (a test builds several). */
let dir = '';
const dirs: string[] = [];
afterEach(() => {
  for (const made of dirs.splice(0)) rmSync(made, { recursive: true, force: true });
});

/** A folder holding `files` (name → text), and a subfolder `sub` to start from. */
function tree(files: Record<string, string>): string {
  dir = mkdtempSync(join(tmpdir(), 'critpath-default-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'sub'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return join(dir, 'sub');
}

describe('defaultTaskFile', () => {
  it('reads the nearest setting: .critpathrc as JSON or a bare path, package.json\'s "critpath"', () => {
    expect(defaultTaskFile(tree({ '.critpathrc': '{"file": "a.yaml"}' }))).toEqual({
      file: '../a.yaml',
      from: '../.critpathrc',
    });
    expect(defaultTaskFile(tree({ '.critpathrc': ' lab/b.yaml \n' })).file).toBe('../lab/b.yaml');
    expect(defaultTaskFile(tree({ 'package.json': '{"critpath": "c.yaml"}' })).file).toBe(
      '../c.yaml',
    );
    // An empty .critpathrc, a package.json without the key or one that never mentions critpath:
    // nothing said, the walk goes on.
    const silent: Record<string, string>[] = [
      { '.critpathrc': '' },
      { 'package.json': '{"name": "x"}' },
      { 'package.json': '{"name": ' },
    ];
    for (const files of silent) expect(defaultTaskFile(tree(files)).problem).toBeUndefined();
  });

  it('reads a setting that starts with a byte-order mark (Windows Notepad writes one)', () => {
    const bom = '\uFEFF';
    expect(defaultTaskFile(tree({ '.critpathrc': `${bom}{"file": "my/lab.yaml"}` }))).toEqual({
      file: '../my/lab.yaml',
      from: '../.critpathrc',
    });
    expect(defaultTaskFile(tree({ '.critpathrc': `${bom}lab/b.yaml\n` })).file).toBe(
      '../lab/b.yaml',
    );
    const pkg = { 'package.json': `${bom}{"name": "x", "critpath": "c.yaml"}` };
    expect(defaultTaskFile(tree(pkg))).toEqual({ file: '../c.yaml', from: '../package.json' });
    // A package.json with a BOM and no setting says nothing, as one without the BOM.
    expect(
      defaultTaskFile(tree({ 'package.json': `${bom}{"name": "x"}` })).problem,
    ).toBeUndefined();
  });

  it('finds critpath.yaml (what init writes), then tasks/epic-1a.yaml, in the nearest folder', () => {
    // Nothing anywhere: the starter file's name, which the message when it is missing names.
    expect(defaultTaskFile(tree({}))).toEqual({ file: 'critpath.yaml', from: undefined });
    expect(defaultTaskFile(tree({ 'critpath.yaml': '' }))).toEqual({
      file: '../critpath.yaml',
      from: undefined,
    });
    expect(defaultTaskFile(dir).file).toBe('critpath.yaml');
    const both = { 'critpath.yaml': '', 'tasks/epic-1a.yaml': '' };
    expect(defaultTaskFile(tree(both)).file).toBe('../critpath.yaml');
    expect(defaultTaskFile(tree({ 'tasks/epic-1a.yaml': '' })).file).toBe('../tasks/epic-1a.yaml');
    // In one folder a setting comes first; a nearer folder beats one above it.
    const named = { '.critpathrc': 'lab.yaml', 'critpath.yaml': '' };
    expect(defaultTaskFile(tree(named))).toEqual({ file: '../lab.yaml', from: '../.critpathrc' });
    const pkg = { 'package.json': '{"critpath": "lab.yaml"}', 'critpath.yaml': '' };
    expect(defaultTaskFile(tree(pkg)).file).toBe('../lab.yaml');
    const near = { '.critpathrc': 'lab.yaml', 'sub/tasks/epic-1a.yaml': '' };
    expect(defaultTaskFile(tree(near))).toEqual({ file: 'tasks/epic-1a.yaml', from: undefined });
  });

  it('takes an absolute path as written; a relative one is relative to the folder naming it', () => {
    // path.join made /tmp/x/lab.yaml a path below the settings file's folder.
    const abs = join(tmpdir(), 'elsewhere', 'lab.yaml');
    const named = JSON.stringify(abs);
    expect(defaultTaskFile(tree({ '.critpathrc': `{"file": ${named}}` })).file).toBe(abs);
    expect(defaultTaskFile(tree({ '.critpathrc': `${abs}\n` })).file).toBe(abs);
    expect(defaultTaskFile(tree({ 'package.json': `{"critpath": ${named}}` })).file).toBe(abs);
    const sub = tree({ '.critpathrc': '{"file": "sub/../lab/a.yaml"}' });
    expect(defaultTaskFile(sub)).toEqual({ file: '../lab/a.yaml', from: '../.critpathrc' });
    expect(defaultTaskFile(dir).file).toBe('lab/a.yaml');
  });

  it('says why the nearest setting is unusable, however the walk would go on', () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ 'package.json': '{"critpath": {"file": "x.yaml"}' }, /^\.\.\/package\.json: not JSON \(/],
      [
        { 'package.json': '{"critpath": 5}' },
        /^\.\.\/package\.json: "critpath" must be a path or \{"file": path\}, got 5$/,
      ],
      [{ '.critpathrc': '{file: x.yaml}' }, /^\.\.\/\.critpathrc: not JSON \(/],
      [
        { '.critpathrc': '{"file": 3}' },
        /^\.\.\/\.critpathrc: the setting must be a path or \{"file": path\}, got \{"file":3\}$/,
      ],
    ];
    for (const [files, why] of cases) {
      const d = defaultTaskFile(tree(files));
      expect(d.from).toBeUndefined();
      expect(d.problem).toMatch(why);
    }
    // A path longer than any can be is said in one short line naming the setting: a 20 MB bare
    // path was a 20 MB error line that named neither the setting nor why.
    const long = defaultTaskFile(tree({ '.critpathrc': 'a'.repeat(5_000_000) }));
    expect(long.problem).toBe(
      '../.critpathrc: the setting names a path of 5000000 bytes, longer than any path can be (4096)',
    );
    const wide = defaultTaskFile(
      tree({ '.critpathrc': JSON.stringify({ file: 1, x: 'b'.repeat(1e6) }) }),
    );
    expect(wide.problem).toBe(
      `../.critpathrc: the setting must be a path or {"file": path}, got {"file":1,"x":"${'b'.repeat(25)}…`,
    );
    // Bytes that are no UTF-8 are said where they are, as in a task file (not read as U+FFFD).
    const latin = tree({ '.critpathrc': 'x' });
    writeFileSync(join(dir, '.critpathrc'), Buffer.from('lab\xff.yaml\n', 'latin1'));
    expect(defaultTaskFile(latin).problem).toBe(
      '../.critpathrc:1:4: the file is not UTF-8 text: byte 0xff here begins no UTF-8 character (save it as UTF-8)',
    );
    rmSync(join(dir, '.critpathrc'));
    // One that cannot be read says so in describeIoError's words, not as a bare errno code.
    const sub = tree({});
    mkdirSync(join(dir, '.critpathrc'));
    expect(defaultTaskFile(sub).problem).toBe(
      'cannot read ../.critpathrc: a folder where a file should be (EISDIR)',
    );
  });

  it('reads a setting that is a loop of links or a link to nothing, rather than passing it over', () => {
    const loop = tree({ 'critpath.yaml': 'project: X\n' });
    symlinkSync('.critpathrc', join(dir, '.critpathrc'));
    expect(defaultTaskFile(loop).problem).toMatch(/^cannot read \.\.\/\.critpathrc: .*\(ELOOP\)$/);
    const dangling = tree({ 'critpath.yaml': 'project: X\n' });
    symlinkSync('nowhere.json', join(dir, 'package.json'));
    expect(defaultTaskFile(dangling).problem).toMatch(
      /^cannot read \.\.\/package\.json: .*\(ENOENT\)$/,
    );
    // A task file found by its name is taken as found: reading it says what is wrong with it.
    const named = tree({ 'tasks/epic-1a.yaml': 'project: X\n' });
    symlinkSync('critpath.yaml', join(dir, 'critpath.yaml'));
    expect(defaultTaskFile(named)).toEqual({ file: '../critpath.yaml', from: undefined });
  });
});
