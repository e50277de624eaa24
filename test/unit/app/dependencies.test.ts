import { describe, expect, it } from 'vitest';
import { dependencies } from '../../../src/app/dependencies.js';
import { loadProjectText } from '../../../src/config/load.js';

const r = loadProjectText(
  `
project: D
start: 2026-11-30
tasks:
  - { id: a, hours: 1 }
  - { id: b, hours: 1, deps: [a] }
  - id: c
    deps: [b]
    phases:
      - { name: one, hours: 1 }
      - { name: two, hours: 1 }
  - { id: d, hours: 1, deps: [c] }
  - { id: e, hours: 1 }
`,
  'd.yaml',
);
if (!r.ok) throw new Error('fixture does not load');
const project = r.value;

describe('dependency queries', () => {
  it('lists everything upstream and downstream, in file order', () => {
    expect(dependencies(project, 'd', 'upstream')).toEqual({
      ok: true,
      value: { id: 'd', direction: 'upstream', activities: ['a', 'b', 'c/one', 'c/two'] },
    });
    expect(dependencies(project, 'b', 'downstream')).toMatchObject({
      ok: true,
      value: { activities: ['c/one', 'c/two', 'd'] },
    });
    expect(dependencies(project, 'e', 'upstream')).toMatchObject({ value: { activities: [] } });
  });

  it('takes a phase or a whole task', () => {
    expect(dependencies(project, 'c/two', 'upstream')).toMatchObject({
      value: { activities: ['a', 'b', 'c/one'] },
    });
    expect(dependencies(project, 'c', 'upstream')).toMatchObject({
      value: { activities: ['a', 'b'] },
    });
  });

  it('names an unknown id with the closest one', () => {
    expect(dependencies(project, 'c/too', 'upstream')).toEqual({
      ok: false,
      error: { kind: 'unknown-id', id: 'c/too', hint: 'c/two' },
    });
  });

  it('walks a long chain without recursion', () => {
    const tasks = Array.from({ length: 20_000 }, (_, i) =>
      i === 0 ? `  - { id: t0, hours: 1 }` : `  - { id: t${i}, hours: 1, deps: [t${i - 1}] }`,
    );
    const long = loadProjectText(
      `project: L\nstart: 2026-11-30\ntasks:\n${tasks.join('\n')}\n`,
      'l.yaml',
    );
    if (!long.ok) throw new Error('long chain does not load');
    const up = dependencies(long.value, 't19999', 'upstream');
    expect(up.ok && up.value.activities.length).toBe(19_999);
  });
});
