import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createHash } from 'node:crypto';
import { describe, expect, it, onTestFinished } from 'vitest';
import { generateProject, toYaml } from '../../../bench/project-generator.js';
import { readSimpleYaml } from '../../../src/config/simple-yaml.js';
import { main } from '../../../src/cli/main.js';
import {
  flushProjectCacheWrites,
  loadProjectFileCached,
  projectCachePath,
} from '../../../src/config/project-cache.js';
import { memoryOutput } from '../../../src/reporters/terminal.js';

const TEXT = `project: deferred cache
start: 2026-01-05
tasks:
  - { id: a, hours: 2, title: "Rack the \\"big\\" host" }
  - { id: b, hours: 1-3, deps: [a], run: 'echo it''s done' }
`;

/** A temp project root (package.json marks it) holding `name`, removed when the test ends. */
function tempFile(name: string, text = TEXT): { file: string; cache: string } {
  const dir = mkdtempSync(join(tmpdir(), 'critpath-defer-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'package.json'), '{}\n');
  const file = join(dir, name);
  writeFileSync(file, text);
  return { file, cache: projectCachePath(file) };
}

const tmpFiles = (cache: string): string[] =>
  existsSync(dirname(cache)) ? readdirSync(dirname(cache)).filter((f) => f.endsWith('.tmp')) : [];

describe('a deferred project cache write', () => {
  it('is written after the load returns, whole, as the synchronous write would be', async () => {
    const sync = tempFile('tasks.yaml');
    const deferred = tempFile('tasks.yaml');
    await loadProjectFileCached(sync.file);
    const r = await loadProjectFileCached(deferred.file, { deferWrite: true });
    expect(r.ok).toBe(true);
    expect(existsSync(deferred.cache)).toBe(false);
    flushProjectCacheWrites();
    expect(existsSync(deferred.cache)).toBe(true);
    expect(tmpFiles(deferred.cache)).toEqual([]);
    // The same entry but for the file's path (absolute, and in the header).
    const body = (f: string): string => readFileSync(f, 'utf8').split('\n')[1]!;
    expect(body(deferred.cache)).toBe(body(sync.cache));
    expect(body(deferred.cache)).toContain('Rack the \\"big\\" host');
    // The next load reads it: the same project as a full check gives.
    expect(await loadProjectFileCached(deferred.file)).toEqual(r);
  });

  it('is written on the next turn of the event loop when nothing flushes it', async () => {
    const p = tempFile('tasks.yaml');
    await loadProjectFileCached(p.file, { deferWrite: true });
    expect(existsSync(p.cache)).toBe(false);
    await new Promise((done) => setImmediate(done));
    expect(existsSync(p.cache)).toBe(true);
    // Written once: a flush after it has nothing left to do.
    const before = readFileSync(p.cache, 'utf8');
    flushProjectCacheWrites();
    expect(readFileSync(p.cache, 'utf8')).toBe(before);
  });

  it('is on disk when a CLI command returns, after its output', async () => {
    for (const name of ['tasks.yaml', 'tasks.json']) {
      const text = name.endsWith('.json')
        ? JSON.stringify({ project: 'j', start: '2026-01-05', tasks: [{ id: 'a', hours: 1 }] })
        : TEXT;
      const p = tempFile(name, text);
      const out = memoryOutput();
      expect(await main(['plan', p.file], out)).toBe(0);
      expect(out.stdout.join('\n')).toContain('critical path analysis');
      expect(existsSync(p.cache)).toBe(true);
      expect(tmpFiles(p.cache)).toEqual([]);
    }
  });

  it('is never made for a file with problems; its one-line errors are as before', async () => {
    const p = tempFile('tasks.yaml', TEXT.replace('deps: [a]', 'deps: [zz]'));
    const out = memoryOutput();
    expect(await main(['plan', p.file], out)).toBe(2);
    flushProjectCacheWrites();
    expect(existsSync(p.cache)).toBe(false);
    expect(out.stderr.join('\n')).toMatch(/tasks\.yaml:5:\d+: .*unknown dependency "zz"/);
  });

  it('holds a large file’s value whole: written in pieces, the JSON of the value, hashed', async () => {
    const text = toYaml(generateProject(12_000));
    const p = tempFile('big.yaml', text);
    const first = await loadProjectFileCached(p.file, { deferWrite: true });
    flushProjectCacheWrites();
    const entry = readFileSync(p.cache, 'utf8');
    const nl = entry.indexOf('\n');
    const header = JSON.parse(entry.slice(0, nl)) as { projectSha256: string; json: boolean };
    const body = entry.slice(nl + 1);
    expect(body).toBe(JSON.stringify(readSimpleYaml(text)));
    expect(header.json).toBe(false);
    expect(header.projectSha256).toBe(createHash('sha256').update(body).digest('hex'));
    expect(await loadProjectFileCached(p.file)).toEqual(first);
  });
});
