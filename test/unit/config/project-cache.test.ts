import { createHash } from 'node:crypto';
import {
  chownSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { load as loadYaml } from 'js-yaml';
import { describe, expect, it, onTestFinished } from 'vitest';
import { loadProjectFile } from '../../../src/config/load.js';
import {
  loadProjectFileCached,
  PROJECT_CACHE_FORMAT,
  projectCachePath,
} from '../../../src/config/project-cache.js';
import type { Project } from '../../../src/model/project.js';

const SMALL = `project: cache test
start: 2026-01-05
tasks:
  - { id: a, hours: 2 }
  - { id: b, hours: 1-3, deps: [a], tags: [x] }
`;

/** A temp project root (package.json marks it) holding `tasks.yaml`, removed when the test ends. */
function tempProject(text = SMALL): { dir: string; file: string; cache: string } {
  const dir = mkdtempSync(join(tmpdir(), 'critpath-cache-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'package.json'), '{}\n');
  const file = join(dir, 'tasks.yaml');
  writeFileSync(file, text);
  return { dir, file, cache: projectCachePath(file) };
}

async function loadOk(file: string): Promise<Project> {
  const r = await loadProjectFileCached(file);
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

/** Rewrites a cache entry's parsed value consistently (as a correct entry would be written). */
function tamper(cache: string, edit: (p: Record<string, unknown>) => void): void {
  const text = readFileSync(cache, 'utf8');
  const nl = text.indexOf('\n');
  const header = JSON.parse(text.slice(0, nl)) as Record<string, unknown>;
  const project = JSON.parse(text.slice(nl + 1)) as Record<string, unknown>;
  edit(project);
  const body = JSON.stringify(project);
  header['projectSha256'] = sha256(body);
  writeFileSync(cache, `${JSON.stringify(header)}\n${body}`);
}

describe('validated-project cache', () => {
  it('stores a checked file under .critpath/cache and returns it on the next load', async () => {
    const p = tempProject();
    expect(dirname(p.cache)).toBe(join(p.dir, '.critpath', 'cache'));
    const first = await loadOk(p.file);
    expect(existsSync(p.cache)).toBe(true);
    expect(readFileSync(join(p.dir, '.critpath', 'cache', '.gitignore'), 'utf8')).toBe('*\n');
    // Entries copy env values (secrets): owner only, whatever the umask.
    expect(statSync(p.cache).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(p.cache)).mode & 0o777).toBe(0o700);
    const header = JSON.parse(readFileSync(p.cache, 'utf8').split('\n')[0]!) as Record<
      string,
      unknown
    >;
    expect(header).toMatchObject({
      format: PROJECT_CACHE_FORMAT,
      file: resolve(p.file),
      sha256: createHash('sha256').update(readFileSync(p.file)).digest('hex'),
    });
    // A hit returns what the entry holds: prove it by changing the entry.
    tamper(p.cache, (parsed) => (parsed['project'] = 'from the cache'));
    const second = await loadOk(p.file);
    expect(second.name).toBe('from the cache');
    expect({ ...second, name: first.name }).toEqual(first);
    // Temp files never stay behind.
    expect(readdirSync(dirname(p.cache)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('gives the same Project as loadProjectFile, from a miss and from a hit', async () => {
    for (const src of ['tasks/epic-1a.yaml', 'tasks/demo.yaml', 'tasks/validation.yaml']) {
      const p = tempProject();
      copyFileSync(src, p.file);
      const plain = await loadProjectFile(p.file);
      expect(plain.ok).toBe(true);
      const miss = await loadOk(p.file);
      const hit = await loadOk(p.file);
      expect(miss).toEqual(plain.ok && plain.value);
      expect(hit).toEqual(plain.ok && plain.value);
      expect(JSON.stringify(hit)).toBe(JSON.stringify(plain.ok && plain.value));
    }
  });

  it('a JSON task file is its own parsed value: its entry is the header alone', async () => {
    const plain = await loadProjectFile('tasks/epic-1a.yaml');
    if (!plain.ok) throw new Error('epic-1a.yaml does not load');
    const p = tempProject();
    const json = join(p.dir, 'tasks.json');
    writeFileSync(json, JSON.stringify(loadYaml(readFileSync('tasks/epic-1a.yaml', 'utf8'))));
    const miss = await loadOk(json);
    const entry = readFileSync(projectCachePath(json), 'utf8');
    expect(entry.endsWith('\n')).toBe(true);
    expect(entry.split('\n')).toHaveLength(2);
    expect(JSON.parse(entry.split('\n')[0]!)).toMatchObject({ json: true });
    const hit = await loadOk(json);
    expect(hit).toEqual(miss);
    expect(JSON.stringify(hit)).toBe(JSON.stringify(plain.value));
  });

  it('loads the file again when it changed (stale entry), and re-stores it', async () => {
    const p = tempProject();
    await loadOk(p.file);
    tamper(p.cache, (parsed) => (parsed['project'] = 'stale'));
    writeFileSync(p.file, SMALL.replace('cache test', 'edited'));
    expect((await loadOk(p.file)).name).toBe('edited');
    expect(JSON.parse(readFileSync(p.cache, 'utf8').split('\n')[1]!)).toMatchObject({
      project: 'edited',
    });
  });

  it('ignores a corrupt, truncated or foreign entry: a normal load, never an error', async () => {
    const p = tempProject();
    const good = await loadOk(p.file);
    const entry = readFileSync(p.cache, 'utf8');
    const nl = entry.indexOf('\n');
    const header = JSON.parse(entry.slice(0, nl)) as Record<string, unknown>;
    const body = entry.slice(nl + 1);
    const variants = [
      'not json at all',
      '',
      entry.slice(0, nl),
      entry.slice(0, entry.length - 10),
      `${entry.slice(0, nl)}\n${body.replace('"cache test"', '"cache tost"')}`,
      `${JSON.stringify({ ...header, format: PROJECT_CACHE_FORMAT + 1 })}\n${body}`,
      `${JSON.stringify({ ...header, critpath: '0.0.0-other' })}\n${body}`,
      `${JSON.stringify({ ...header, build: 'another build' })}\n${body}`,
      `${JSON.stringify({ ...header, file: '/elsewhere/tasks.yaml' })}\n${body}`,
      `${JSON.stringify({ ...header, projectSha256: sha256('null') })}\nnull`,
      'null\n{}',
    ];
    for (const v of variants) {
      writeFileSync(p.cache, v);
      expect(await loadOk(p.file)).toEqual(good);
      // …and the entry is good again afterwards.
      expect(readFileSync(p.cache, 'utf8')).toBe(entry);
    }
  });

  // chown needs root: CI runs as root, and says so with CRITPATH_TMPFS_E2E=require.
  it.skipIf(process.getuid?.() !== 0 && process.env['CRITPATH_TMPFS_E2E'] !== 'require')(
    "ignores an entry another user wrote, though it would pass as this file's",
    async () => {
      const p = tempProject();
      const good = await loadOk(p.file);
      tamper(p.cache, (project) => (project['project'] = 'forged'));
      // Written by this user, a consistent entry is taken as it is: what makes one a lever.
      expect((await loadOk(p.file)).name).toBe('forged');
      tamper(p.cache, (project) => (project['project'] = 'forged'));
      chownSync(p.cache, 12345, 12345);
      expect(await loadOk(p.file)).toEqual(good);
    },
  );

  it('never caches a file with problems; its diagnostics are the loader’s', async () => {
    const bad = [
      'project: x\nstart: 2026-01-05\ntasks:\n  - { id: a, hours: 2, deps: [nope] }\n',
      'project: x\nstart: 2026-01-05\ntasks:\n  - { id: a, hours: 2, colour: red }\n',
      'project: [\n',
    ];
    for (const text of bad) {
      const p = tempProject(text);
      const plain = await loadProjectFile(p.file);
      expect(plain.ok).toBe(false);
      const cached = await loadProjectFileCached(p.file);
      expect(cached).toEqual(plain);
      expect(await loadProjectFileCached(p.file)).toEqual(plain);
      expect(existsSync(p.cache)).toBe(false);
    }
  });

  it('a file made bad after it was cached reports its problems', async () => {
    const p = tempProject();
    await loadOk(p.file);
    writeFileSync(p.file, SMALL.replace('deps: [a]', 'deps: [zz]'));
    const r = await loadProjectFileCached(p.file);
    expect(r.ok).toBe(false);
    expect(r).toEqual(await loadProjectFile(p.file));
  });

  it('reports an unreadable file as the loader does', async () => {
    const p = tempProject();
    const missing = join(p.dir, 'missing.yaml');
    expect(await loadProjectFileCached(missing)).toEqual(await loadProjectFile(missing));
    expect(await loadProjectFileCached(p.dir)).toEqual(await loadProjectFile(p.dir));
  });

  it('loads normally when the cache cannot be written', async () => {
    const p = tempProject();
    // .critpath/cache is a file: no entry can be made.
    mkdirSync(join(p.dir, '.critpath'));
    writeFileSync(join(p.dir, '.critpath', 'cache'), 'in the way');
    const plain = await loadProjectFile(p.file);
    expect(await loadProjectFileCached(p.file)).toEqual(plain);
    expect(await loadProjectFileCached(p.file)).toEqual(plain);
    expect(readFileSync(join(p.dir, '.critpath', 'cache'), 'utf8')).toBe('in the way');
  });

  it('neither writes nor reads entries through a cache folder that is a link', async () => {
    // Linked to /etc, the cache had root write its entries there.
    const p = tempProject();
    const elsewhere = mkdtempSync(join(tmpdir(), 'critpath-elsewhere-'));
    onTestFinished(() => rmSync(elsewhere, { recursive: true, force: true }));
    mkdirSync(join(p.dir, '.critpath'));
    symlinkSync(elsewhere, join(p.dir, '.critpath', 'cache'));
    const plain = await loadProjectFile(p.file);
    expect(await loadProjectFileCached(p.file)).toEqual(plain);
    expect(readdirSync(elsewhere)).toEqual([]);
    // An entry found there is not taken either.
    const real = tempProject();
    await loadOk(real.file);
    copyFileSync(real.cache, join(elsewhere, 'x'));
    tamper(join(elsewhere, 'x'), (parsed) => (parsed['project'] = 'planted'));
    const planted = readFileSync(join(elsewhere, 'x'), 'utf8').replace(
      JSON.stringify(resolve(real.file)),
      JSON.stringify(resolve(p.file)),
    );
    writeFileSync(join(elsewhere, p.cache.split('/').at(-1)!), planted);
    expect((await loadOk(p.file)).name).toBe('cache test');
  });

  it('keys entries by the absolute path: two files, two entries', async () => {
    const p = tempProject();
    const other = join(p.dir, 'sub', 'tasks.yaml');
    mkdirSync(dirname(other));
    writeFileSync(other, SMALL.replace('cache test', 'other'));
    expect(projectCachePath(other)).not.toBe(p.cache);
    expect((await loadOk(p.file)).name).toBe('cache test');
    expect((await loadOk(other)).name).toBe('other');
    expect((await loadOk(p.file)).name).toBe('cache test');
    expect((await loadOk(other)).name).toBe('other');
  });
});
