import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { issueWords } from '../../../src/config/issue-words.js';

/** The words for the first issue zod finds in `value` against `schema`. */
function words(schema: z.ZodType, value: unknown): string | undefined {
  const r = schema.safeParse(value);
  if (r.success) throw new Error('expected an issue');
  return issueWords(r.error.issues[0]!, 'GOT');
}

describe('issueWords', () => {
  it("rewords zod's own messages in the task file's words", () => {
    expect(words(z.array(z.string()), {})).toBe('expected a list, got GOT');
    expect(words(z.record(z.string(), z.string()), [])).toBe(
      'expected a mapping (key: value), got GOT',
    );
    expect(words(z.number().gt(0), 0)).toBe('must be above 0, got GOT');
    expect(words(z.number().min(1), 0)).toBe('must be at least 1, got GOT');
    expect(words(z.number().max(24), 25)).toBe('must be at most 24, got GOT');
    expect(words(z.array(z.string()).min(1), [])).toBe(
      'must list at least 1 item, got an empty list',
    );
    expect(words(z.enum(['low', 'high']), 'mid')).toBe('expected one of "low", "high", got GOT');
    // "Too small: expected string to have >=1 characters" reached `project: ""`.
    expect(words(z.string().min(1), '')).toBe('must not be empty');
    expect(words(z.string().min(3), 'ab')).toBe('must be at least 3 characters, got GOT');
    expect(words(z.string().max(2), 'abc')).toBe('must be at most 2 characters, got GOT');
  });

  it("leaves a schema's own message to the schema", () => {
    expect(words(z.string().regex(/^a$/, { error: 'expected an a' }), 'b')).toBeUndefined();
    expect(words(z.number({ error: 'hours as a number' }), 'x')).toBeUndefined();
  });
});
