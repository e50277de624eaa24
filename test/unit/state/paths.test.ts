import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { loadProjectText } from '../../../src/config/load.js';
import { buildActivityGraph } from '../../../src/model/activities.js';
import { logFileName, projectRoot, statePaths } from '../../../src/state/paths.js';
import { replay } from '../../../src/state/reducer.js';
import { resetClosure } from '../../../src/state/reset.js';

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'critpath-paths-'));
  onTestFinished(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

describe('state paths', () => {
  it('keys state by the path relative to the repository root: two copies never meet', () => {
    const repo = tempDir();
    mkdirSync(join(repo, '.git'));
    mkdirSync(join(repo, 'my'));
    mkdirSync(join(repo, 'my2'));
    const a = statePaths(join(repo, 'my', 'lab.yaml'));
    const b = statePaths(join(repo, 'my2', 'lab.yaml'));
    expect(a.root).toBe(repo);
    expect(a.key).toBe('my/lab.yaml');
    expect(a.journal).toBe(join(repo, '.critpath', 'my', 'lab.journal'));
    expect(b.journal).toBe(join(repo, '.critpath', 'my2', 'lab.journal'));
    expect(a.logs).toBe(join(repo, '.critpath', 'logs', 'my', 'lab'));
    expect(a.lock).not.toBe(b.lock);
    expect(a.logs).not.toBe(b.logs);
  });

  it('takes the file’s own folder outside a repository; a stray .critpath above captures nothing', () => {
    const top = tempDir();
    mkdirSync(join(top, '.critpath'));
    writeFileSync(join(top, 'package.json'), '{}');
    const sub = join(top, 'project');
    mkdirSync(sub);
    expect(projectRoot(join(sub, 'x.yaml'))).toBe(sub);
    expect(projectRoot(join(sub, 'x.yaml'), top)).toBe(top);
    expect(statePaths(join(sub, 'x.yaml'), top).key).toBe('project/x.yaml');
    expect(() => statePaths(join(top, 'x.yaml'), sub)).toThrow(/not inside the project root/);
  });

  it('gives distinct ids distinct log names', () => {
    expect(logFileName('h/prep')).not.toBe(logFileName('h.prep'));
    expect(logFileName('a%2Fb')).not.toBe(logFileName('a/b'));
  });
});

describe('resetClosure', () => {
  const project = loadProjectText(
    [
      'project: P',
      'start: 2026-01-05',
      'tasks:',
      '  - { id: a, title: A, hours: 1, hardware: macbook }',
      '  - { id: b, title: B, hours: 1, hardware: macbook, deps: [a] }',
      '  - { id: c, title: C, hours: 1, hardware: macbook, deps: [b] }',
      '  - { id: d, title: D, hours: 1, hardware: macbook }',
      '',
    ].join('\n'),
    'p.yaml',
  );
  it('adds every downstream activity with a result, and nothing else', () => {
    if (!project.ok) throw new Error('fixture');
    const graph = buildActivityGraph(project.value);
    const done = (id: string, at: number) =>
      [
        { v: 1, t: 'started', at, runId: 'r', id, attempt: 1, backend: 'local', gpus: [], log: '' },
        { v: 1, t: 'finished', at, runId: 'r', id, attempt: 1, exitCode: 0, durationMs: 1 },
      ] as const;
    const state = replay([...done('a', 1), ...done('b', 2), ...done('c', 3), ...done('d', 4)]);
    expect(resetClosure(graph, state, ['a'])).toEqual({ named: ['a'], downstream: ['b', 'c'] });
    expect(resetClosure(graph, state, ['d']).downstream).toEqual([]);
  });
});
