import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadProjectText } from '../../../src/config/load.js';
import { projectJsonSchema } from '../../../src/model/schema.js';

/** Every value under `key` anywhere in `v`. */
function valuesOf(v: unknown, key: string, out: unknown[] = []): unknown[] {
  if (Array.isArray(v)) for (const x of v) valuesOf(x, key, out);
  else if (v !== null && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) {
      if (k === key) out.push(x);
      valuesOf(x, key, out);
    }
  return out;
}

/** Whether the loader takes a one-task file whose task carries `fields` (JSON text). */
function loads(fields: Record<string, unknown>): boolean {
  const task = { id: 'a', hours: 1, ...fields };
  const text = JSON.stringify({ project: 'P', start: '2026-11-30', tasks: [task] });
  return loadProjectText(text, 'p.json').ok;
}

describe('tasks/schema.json', () => {
  it('is what the zod schemas generate (run `npm run schema` after changing them)', () => {
    const onDisk = JSON.parse(readFileSync('tasks/schema.json', 'utf8')) as Record<string, unknown>;
    const { title: _t, $id: _i, ...rest } = onDisk;
    expect(rest).toEqual(projectJsonSchema());
  });

  it("tells editors the loader's rules on env names and blank commands, as the loader judges them", () => {
    const schema = projectJsonSchema();
    const envNames = valuesOf(schema, 'env').map(
      (e) => (e as { propertyNames: { pattern?: string } }).propertyNames.pattern,
    );
    const commands = valuesOf(schema, 'run').map(
      (r) => (r as { anyOf: { type: string; pattern?: string }[] }).anyOf[0]!.pattern,
    );
    // The task's and the phase's, in the file and in scenarios.
    expect(envNames.length).toBeGreaterThanOrEqual(2);
    expect(commands.length).toBeGreaterThanOrEqual(2);
    for (const name of ['FOO', 'A_1', '', 'A=B', 'A\u0000B', '=']) {
      for (const p of envNames)
        expect(new RegExp(p!, 'u').test(name), JSON.stringify(name)).toBe(
          loads({ env: { [name]: 'x' } }),
        );
    }
    for (const run of ['make all', ' make', '  ', '\t', '\u00a0']) {
      for (const p of commands)
        expect(new RegExp(p!, 'u').test(run), JSON.stringify(run)).toBe(loads({ run }));
    }
  });
});
