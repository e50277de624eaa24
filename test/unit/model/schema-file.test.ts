import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { projectJsonSchema } from '../../../src/model/schema.js';

describe('tasks/schema.json', () => {
  it('is what the zod schemas generate (run `npm run schema` after changing them)', () => {
    const onDisk = JSON.parse(readFileSync('tasks/schema.json', 'utf8')) as Record<string, unknown>;
    const { title: _t, $id: _i, ...rest } = onDisk;
    expect(rest).toEqual(projectJsonSchema());
  });
});
