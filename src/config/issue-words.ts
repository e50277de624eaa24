import type { z } from 'zod';

/** How messages name a value's kind (zod's `expected`). */
const KINDS: Readonly<Record<string, string>> = {
  array: 'a list',
  record: 'a mapping (key: value)',
  object: 'a mapping (key: value)',
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
};

/**
 * A schema problem in the task file's words, for the issues zod words itself ("Invalid input:
 * expected array, received object", "Too small: expected number to be >0"); undefined for the
 * rest, whose messages come from the schema. `got` describes the value found.
 */
export function issueWords(issue: z.core.$ZodIssue, got: string): string | undefined {
  if (!/^(Invalid input|Invalid option|Too small|Too big)/.test(issue.message)) return undefined;
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${KINDS[issue.expected] ?? issue.expected}, got ${got}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${got}`;
    case 'too_small':
      if (issue.origin === 'array')
        return `must list at least ${String(issue.minimum)} ${Number(issue.minimum) === 1 ? 'item' : 'items'}, got an empty list`;
      if (issue.origin === 'number' || issue.origin === 'int')
        return `must be ${issue.inclusive === false ? 'above' : 'at least'} ${String(issue.minimum)}, got ${got}`;
      if (issue.origin === 'string')
        return Number(issue.minimum) === 1
          ? 'must not be empty'
          : `must be at least ${String(issue.minimum)} characters, got ${got}`;
      return undefined;
    case 'too_big':
      if (issue.origin === 'number' || issue.origin === 'int')
        return `must be ${issue.inclusive === false ? 'below' : 'at most'} ${String(issue.maximum)}, got ${got}`;
      if (issue.origin === 'string')
        return `must be at most ${String(issue.maximum)} characters, got ${got}`;
      return undefined;
    default:
      return undefined;
  }
}

/**
 * A short rendering of a bad value for messages: `"abc" (string)`, `-3 (number)`. A string is
 * quoted as JSON, so its control characters show as escapes (`"a\u001b[8m" (string)`): a
 * terminal keeps colour sequences in what critpath prints, and a bad id may be one.
 */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `${quotedText(v)} (string)`;
  return `${String(v)} (${typeof v})`;
}

/** Text as messages quote it: JSON (control characters escaped), at most 40 characters. */
export function quotedText(s: string): string {
  return JSON.stringify(s.length > 40 ? `${s.slice(0, 37)}...` : s);
}
