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
      'a: &x [*x]\n', // an alias inside its own anchor
      'a: *x\n', // an alias that names no anchor
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

  it("reads aliases as `yaml` does, within the positioned path's bound on their expansion", () => {
    agree('a: &x [1, {b: 2}]\nb: *x\nc: [*x, *x]\nd: &s text\ne: *s\n');
    expect(fast('a: &x [1]\nb: *x\n')).toEqual({ ok: true, value: { a: [1], b: [1] } });
    // A billion laughs: each level lists the one before ten times.
    const levels = ['l0: &l0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let k = 1; k < 9; k++) levels.push(`l${k}: &l${k} [${Array(10).fill(`*l${k - 1}`)}]`);
    const bomb = `${levels.join('\n')}\n`;
    expect(fast(bomb).ok).toBe(false);
    const r = loadProjectText(bomb, 'bomb.yaml');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error[0]!.message).toMatch(/an alias bomb/);
    fc.assert(
      fc.property(value, fc.array(fc.nat(), { maxLength: 6 }), (v, picks) => {
        // One anchored value, used where the picks say, in a mapping of the rest.
        const uses = picks.map((p, i) => `u${i}: ${p % 2 === 0 ? '*v' : `[*v, ${p}]`}`);
        const text = `v: &v ${stringify(v, { collectionStyle: 'flow' }).trim()}\n${uses.join('\n')}\n`;
        agree(text);
      }),
      { numRuns: 500 },
    );
  });

  it('loads a file of 20,000 tasks sharing an anchor as fast as one without, problem or not', () => {
    // yaml resolves each alias by walking the document: such a file took a minute to validate.
    const n = 20_000;
    const tasks = ['  - id: t0', '    hours: 1', '    env: &env { A: "1" }', '    tags: &tags [x]'];
    for (let i = 1; i < n; i++)
      tasks.push(
        `  - id: t${i}\n    hours: 1\n    deps: [t${i - 1}]\n    env: *env\n    tags: *tags`,
      );
    const text = `project: A\nstart: 2026-01-05\ntasks:\n${tasks.join('\n')}\n`;
    const t0 = performance.now();
    const good = loadProjectText(text, 'a.yaml');
    expect(good.ok).toBe(true);
    if (good.ok) expect(good.value.tasks[n - 1]!.phases[0]!.env).toEqual({ A: '1' });
    const bad = loadProjectText(text.replace('deps: [t1]', 'deps: [t1x]'), 'a.yaml');
    expect(bad.ok).toBe(false);
    if (!bad.ok)
      expect(bad.error.map((d) => d.message)).toEqual([
        'tasks[2].deps[0]: unknown dependency "t1x" (did you mean "t1"?)',
      ]);
    expect(performance.now() - t0).toBeLessThan(20_000);
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
