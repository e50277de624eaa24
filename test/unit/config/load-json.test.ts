import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadProjectText } from '../../../src/config/load.js';

// JSON task files take the JSON.parse fast path; their problems are still reported with the
// line and column of the offending value (JSON is YAML, so the YAML pass finds them).
describe('JSON task files', () => {
  it('load to the same project as the YAML they were written from', () => {
    const yaml = readFileSync('tasks/epic-1a.yaml', 'utf8');
    const json = JSON.stringify(parse(yaml), null, 2);
    const a = loadProjectText(yaml, 'epic-1a.yaml');
    const b = loadProjectText(json, 'epic-1a.json');
    expect(a.ok && b.ok).toBe(true);
    expect(b).toEqual(a);
  });

  it('report problems with positions', () => {
    const json = [
      '{',
      '  "project": "P",',
      '  "start": "2026-11-30",',
      '  "tasks": [',
      '    { "id": "a", "hours": 1 },',
      '    { "id": "b", "hours": "5-2", "deps": ["aa"] }',
      '  ]',
      '}',
    ].join('\n');
    const r = loadProjectText(json, 'p.json');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.map((d) => `${d.position.line}:${d.position.col}: ${d.message}`)).toEqual([
      '6:27: tasks[1].hours: bad hour range "5-2": low 5 is above high 2',
      '6:43: tasks[1].deps[0]: unknown dependency "aa"',
    ]);
  });

  it('report a key written twice in one object, which JSON.parse would keep the last of', () => {
    const task = '{"id":"a","title":"A","hours":2,"hours":50,"hardware":"macbook"}';
    for (const [text, where] of [
      [`{"project":"T","start":"2026-11-30","tasks":[${task}]}`, '1:78: duplicate key "hours"'],
      [
        '{"project":"T","start":"2026-11-30","tasks":[{"id":"a","hours":1}],\n "tasks":[]}',
        '2:2: duplicate key "tasks"',
      ],
    ] as const) {
      const r = loadProjectText(text, 'p.json');
      expect(r.ok, text).toBe(false);
      if (r.ok) continue;
      expect(r.error.map((d) => `${d.position.line}:${d.position.col}: ${d.message}`)).toEqual([
        `${where}: a mapping holds each key once`,
      ]);
    }
    // The same key in two objects, and a key's name inside a string value, are no duplicate.
    const fine = loadProjectText(
      '{"project":"T \\"x\\": y","start":"2026-11-30","tasks":[{"id":"a","hours":1},{"id":"b","hours":2}]}',
      'p.json',
    );
    expect(fine.ok).toBe(true);
  });

  it('fall back to the YAML parser for text that is not JSON', () => {
    const r = loadProjectText(
      '{ project: P, start: 2026-11-30, tasks: [{ id: a, hours: 1 }] }',
      'p.yaml',
    );
    expect(r.ok).toBe(true);
  });
});
