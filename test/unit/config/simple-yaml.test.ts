import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { CORE_SCHEMA, load } from 'js-yaml';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { readSimpleYaml } from '../../../src/config/simple-yaml.js';
import { generateProject, toYaml } from '../../../bench/project-generator.js';

/** What both full parsers read (they agree on every text used here), or a throw. */
function full(text: string): unknown {
  const a = load(text, { schema: CORE_SCHEMA });
  expect(parse(text, { uniqueKeys: true })).toEqual(a);
  return a;
}

/** The simple reader either declines or reads what the full parsers read. */
function agrees(text: string): 'read' | 'declined' {
  const mine = readSimpleYaml(text);
  if (mine === undefined) return 'declined';
  expect(mine, text).toEqual(full(text));
  return 'read';
}

describe('readSimpleYaml', () => {
  it("reads the repository's task files as js-yaml and yaml do, or declines them", () => {
    const files = execFileSync('git', ['ls-files', '*.yaml', '*.yml'], { encoding: 'utf8' })
      .split('\n')
      .filter((f) => f !== '' && !f.startsWith('.github/'));
    expect(files.length).toBeGreaterThan(5);
    const results = files.map((f) => {
      const text = readFileSync(f, 'utf8');
      try {
        full(text);
      } catch {
        expect(readSimpleYaml(text), f).toBeUndefined();
        return 'declined';
      }
      return agrees(text);
    });
    expect(results).toContain('read');
  });

  it('reads generated projects exactly', () => {
    for (const seed of [1, 2, 3]) expect(agrees(toYaml(generateProject(300, seed)))).toBe('read');
  });

  it.each([
    'a: 1\nb: -2.50\nc: 007\n',
    'a: 0x1f\n',
    'a: 1e3\n',
    'a: .5\n',
    'a: +1\n',
    'a: .inf\n',
    'a: 2026-11-30\nb: 3-5\nc: 2.5-4\n',
    'a: ~\nb: null\nc:\nd: NULL\ne: True\nf: FALSE\ng: yes\n',
    'a: "x: y"\nb: \'it\'\'s\'\nc: "tab\\there"\nd: "\\u0041"\n',
    'a: b # note\nc: [x, y] # note\nd: "q" # note\n',
    'a: b#c\n',
    'a: [1, two, 2026-01-01, ~, true]\nb: {x: 1, y: [a, b], z: {w: v}}\nc: []\nd: {}\n',
    'a: [a:b]\n',
    'a: [x, ]\n',
    'a: &x 1\nb: *x\n',
    'a: !!str 1\n',
    'a: |\n  text\n',
    'a: >\n  text\n',
    'a: b\n  c\n',
    'a: 1\na: 2\n',
    'list:\n- a\n- b\n',
    'list:\n  - a\n  -\n  - - x\n',
    'list:\n  - id: t1\n    deps: [a]\n  - id: t2\n    sub:\n      - 1\n      - 2\n    k:\n  - x\n',
    '- a\n- b: c\n  d: e\n',
    '---\na: 1\n',
    '%YAML 1.2\n---\na: 1\n',
    '\ta: 1\n',
    'a:\n\tb: 1\n',
    'a: 1\r\nb:\r\n  - x\r\n',
    '"quoted key": 1\n',
    '~: 1\n',
    'null: 1\n',
    '__proto__: 1\n',
    '? a\n: b\n',
    'a: - b\n',
    'a: x: y\n',
    'a:b\n',
    'a: 12345678901234567890\n',
    'ab: 1\nac: 2\nba: 3\nab2: x\n',
    'list:\n  - {ab: 1, ac: [x, y]}\n  - ab: 3\n    ac: 4\n    ab: 5\n',
    'a: x:y\nb: x:\nc: u # v\nd: u\u00a0#v\ne: #x\nf: a#b\n',
    'a: [x:y, p q, r#s]\nb: {k: v w}\n',
    '# only a comment\n',
    '',
  ])('reads %j as the full parsers do, or declines it', (text) => {
    let ok = true;
    try {
      full(text);
    } catch {
      ok = false;
    }
    if (!ok) expect(readSimpleYaml(text)).toBeUndefined();
    else agrees(text);
  });

  it('reads quoted items of a flow collection, and declines those with escapes', () => {
    const read = [
      'run: ["make", "-C", \'work dir\']\n',
      'deps: [ "a" , b, \'c\' ]  # note\n',
      'x: { k: "v: w", l: \'a\\b\' }\n',
      'x: ["", \'\']\n',
      'tasks:\n  - { id: t0, hours: 1, deps: [], run: ["true"] }\n',
    ];
    for (const text of read) expect(agrees(text), text).toBe('read');
    const declined = ['x: ["a\\tb"]\n', "x: ['it''s']\n", 'x: ["k": 1]\n', 'x: ["open]\n'];
    for (const text of declined) expect(readSimpleYaml(text), text).toBeUndefined();
  });
});
