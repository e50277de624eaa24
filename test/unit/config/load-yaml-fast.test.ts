import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDocument, stringify } from 'yaml';
import { loadProjectText, loadYamlWithPositions, parseYamlFast } from '../../../src/config/load.js';

/**
 * YAML task files that pass every check load through js-yaml (the fast path); the `yaml`
 * document with positions is only built to report problems. The two must agree on every text
 * the fast path accepts, or a file's meaning would depend on whether it has a problem. The fast
 * path may decline anything: the positioned path then decides.
 */

/** What the fast path reads (ok false: it declines). */
function fast(text: string): { ok: true; value: unknown } | { ok: false } {
  const value = parseYamlFast(text);
  return value === undefined ? { ok: false } : { ok: true, value };
}

/** What the positioned path reads, parsed as loadYamlWithPositions parses it. */
function slow(text: string): { ok: true; value: unknown } | { ok: false } {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) return { ok: false };
  return { ok: true, value: doc.toJS({ maxAliasCount: 100 }) };
}

/** Where the fast path accepts `text`, it reads what the positioned path reads. */
function agree(text: string): void {
  const f = fast(text);
  if (!f.ok) return;
  const s = slow(text);
  expect(s.ok, text).toBe(true);
  if (s.ok) expect(f.value, text).toEqual(s.value);
}

// prettier-ignore
/** Plain scalars whose type depends on the schema: the places two parsers could disagree. */
const TRICKY = [
  'yes', 'no', 'on', 'off', 'y', 'n', 'true', 'False', 'TRUE', 'null', 'Null', '~', '',
  '0', '-0', '+1', '007', '0o17', '0x1F', '0b101', '1_000', '1e3', '1E-3', '.5', '5.', '-.5',
  '.inf', '-.Inf', '.NAN', '.nan', '2026-01-05', '2026-01-05T10:00:00Z', '12:30', '1:20:30',
  '6-10', '4h', '3.5', '=', '<<', 'a b', 'é', '0.1.2', '-', '--', 'x-y', '1e400', '-1e999',
  '1.0', '1.50', '0.0', '-0.0', '1e0', '!!float 1', '!!str 5', '!!int "7"', '! x', 'a!b',
  '__proto__', 'constructor',
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
        (v, defaultStringType, flow) =>
          agree(stringify(v, { defaultStringType, collectionStyle: flow ? 'flow' : 'block' })),
      ),
      { numRuns: 1500 },
    );
  });

  it('reads unquoted scalars, as keys and as values, as `yaml` does', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...TRICKY), fc.constantFrom(...TRICKY)), {
          minLength: 1,
          maxLength: 8,
        }),
        fc.boolean(),
        fc.constantFrom('', '%YAML 1.1\n---\n', '%YAML 1.2\n---\n', '---\n'),
        (pairs, flow, head) => {
          // Every other key is a plain one, so that most texts have no duplicate key.
          const entries = pairs.map(([k, v], i) => `${i % 2 === 0 ? k : `k${i}`}: ${v}`);
          agree(head + (flow ? `{ ${entries.join(', ')} }\n` : `${entries.join('\n')}\n`));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('declines what it might read differently', () => {
    for (const text of [
      'a: &x [1]\nb: *x\n', // an alias
      'a: 1\n---\nb: 2\n', // two documents
      'a: 1\na: 2\n', // a duplicate key
      'a: !thing 5\n', // a tag
      'a: !!float 1\n',
      '%YAML 1.1\n---\nstart: 2026-01-05\nretries: 010\n', // a directive
      'title: 1e400\n', // out of a double's range
      'env: { ~: x }\n', // a null key
      'env: { null: x }\n',
    ])
      expect(fast(text).ok, text).toBe(false);
  });

  it('accepts task files as they are written', () => {
    // A `!` in a command line declines the fast path only when it could be a tag.
    expect(fast('run: "test -e x && echo hi"\nhours: 1e3\n').ok).toBe(true);
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
