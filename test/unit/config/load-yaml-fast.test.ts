import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { CORE_SCHEMA, load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { parseDocument, stringify } from 'yaml';
import { loadProjectText, loadYamlWithPositions } from '../../../src/config/load.js';

/**
 * YAML task files that pass every check load through js-yaml (the fast path); the `yaml`
 * document with positions is only built to report problems. The two parsers must agree on every
 * file the fast path accepts, or a file's meaning would depend on whether it has a problem.
 */

/** What the fast path reads: one document, YAML 1.2 core schema, no aliases. */
function fast(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: load(text, { schema: CORE_SCHEMA, maxAliases: 0 }) };
  } catch {
    return { ok: false };
  }
}

/** What the positioned path reads, as loadYamlWithPositions parses it. */
function slow(text: string): { ok: true; value: unknown } | { ok: false } {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) return { ok: false };
  return { ok: true, value: doc.toJS({ maxAliasCount: 100 }) };
}

/** Plain scalars whose type depends on the schema: the places two parsers could disagree. */
const TRICKY = [
  'yes',
  'no',
  'on',
  'off',
  'y',
  'n',
  'true',
  'False',
  'TRUE',
  'null',
  'Null',
  '~',
  '',
  '0',
  '-0',
  '+1',
  '007',
  '0o17',
  '0x1F',
  '0b101',
  '1_000',
  '1e3',
  '1E-3',
  '.5',
  '5.',
  '-.5',
  '.inf',
  '-.Inf',
  '.NAN',
  '.nan',
  '2026-01-05',
  '2026-01-05T10:00:00Z',
  '12:30',
  '1:20:30',
  '6-10',
  '4h',
  '3.5',
  '=',
  '<<',
  'a b',
  'é',
  '0.1.2',
  '-',
  '--',
  'x-y',
];

const key = fc.stringMatching(/^[a-z][a-z0-9_-]{0,6}$/);
const scalar = fc.oneof(
  fc.constantFrom(...TRICKY),
  fc.string({ maxLength: 12 }),
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.boolean(),
  fc.constant(null),
);
const value = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, scalar, tie('list'), tie('map')),
  list: fc.array(tie('node'), { maxLength: 4 }),
  map: fc.dictionary(key, tie('node'), { maxKeys: 4 }),
})).map;

describe('the YAML fast path', () => {
  it('reads what `yaml` reads, for values written in any style', () => {
    fc.assert(
      fc.property(
        value,
        fc.constantFrom('PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE', 'BLOCK_LITERAL') as fc.Arbitrary<
          'PLAIN' | 'QUOTE_DOUBLE' | 'QUOTE_SINGLE' | 'BLOCK_LITERAL'
        >,
        fc.boolean(),
        (v, defaultStringType, flow) => {
          const text = stringify(v, {
            defaultStringType,
            collectionStyle: flow ? 'flow' : 'block',
          });
          const f = fast(text);
          if (!f.ok) return;
          const s = slow(text);
          expect(s.ok, text).toBe(true);
          if (s.ok) expect(f.value, text).toEqual(s.value);
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('reads unquoted scalars as `yaml` does', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...TRICKY), { minLength: 1, maxLength: 8 }),
        fc.boolean(),
        (tokens, flow) => {
          const text = flow
            ? `{ ${tokens.map((t, i) => `k${i}: ${t}`).join(', ')} }\n`
            : tokens.map((t, i) => `k${i}: ${t}\n`).join('');
          const f = fast(text);
          const s = slow(text);
          // Declining is always safe (the positioned path decides); accepting must agree.
          if (f.ok) {
            expect(s.ok, text).toBe(true);
            if (s.ok) expect(f.value, text).toEqual(s.value);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('declines aliases, several documents, duplicate keys and custom tags', () => {
    expect(fast('a: &x [1]\nb: *x\n').ok).toBe(false);
    expect(fast('a: 1\n---\nb: 2\n').ok).toBe(false);
    expect(fast('a: 1\na: 2\n').ok).toBe(false);
    expect(fast('a: !thing 5\n').ok).toBe(false);
  });

  it('gives every task file in the repository the project the positioned path gives it', () => {
    const files = [
      ...readdirSync('tasks')
        .filter((f) => f.endsWith('.yaml'))
        .map((f) => join('tasks', f)),
      'test/fixtures/slurm/demo.yaml',
    ];
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      expect(fast(text).ok, f).toBe(true);
      const a = loadProjectText(text, f);
      expect(a.ok, f).toBe(true);
      expect(a, f).toEqual(loadYamlWithPositions(text, f));
    }
  });
});
