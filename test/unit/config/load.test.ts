import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { parseHours } from '../../../src/config/hours.js';
import { loadProjectFile, loadProjectText, yamlProblem } from '../../../src/config/load.js';
import { buildActivityGraph, compareIds } from '../../../src/model/activities.js';
import { expectedHours } from '../../../src/model/project.js';
import { argStringLimit } from '../../../src/util/arg-limit.js';
import { tooLongArgument } from '../../../src/executor/arg-length.js';
import type { Diagnostic } from '../../../src/result.js';
import { formatDiagnostic } from '../../../src/result.js';

/** A task file of project X with these task lines (`  - { … }`). */
const withTasks = (...tasks: string[]): string =>
  ['project: X', 'start: 2026-01-05', 'tasks:', ...tasks, ''].join('\n');

/** The problems of a file that must not load. */
function problemsOf(text: string, file: string): readonly Diagnostic[] {
  const r = loadProjectText(text, file);
  expect(r.ok).toBe(false);
  return r.ok ? [] : r.error;
}

describe('parseHours', () => {
  it('reads numbers, ranges and three-point estimates', () => {
    expect(parseHours(4)).toEqual({
      ok: true,
      estimate: { low: 4, likely: 4, high: 4, likelyGiven: false },
    });
    expect(parseHours('6-10')).toEqual({
      ok: true,
      estimate: { low: 6, likely: 8, high: 10, likelyGiven: false },
    });
    expect(parseHours(' 2.5 - 3 ')).toMatchObject({ ok: true, estimate: { low: 2.5, high: 3 } });
    expect(parseHours({ low: 2, likely: 3, high: 7 })).toEqual({
      ok: true,
      estimate: { low: 2, likely: 3, high: 7, likelyGiven: true },
    });
    expect(parseHours('10-6')).toEqual({
      ok: false,
      message: 'bad hour range "10-6": low 10 is above high 6',
    });
  });

  it('gives PERT expected hours, the midpoint when likely is missing', () => {
    const r = parseHours({ low: 2, likely: 3, high: 10 });
    expect(r.ok && expectedHours(r.estimate)).toBe(4);
    const m = parseHours('6-10');
    expect(m.ok && expectedHours(m.estimate)).toBe(8);
  });
});

describe('loadProjectFile on tasks/epic-1a.yaml', () => {
  it('loads all 17 tasks with the seed’s hybrid phases', async () => {
    const r = await loadProjectFile('tasks/epic-1a.yaml');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const p = r.value;
    expect(p.tasks.map((t) => t.id)).toEqual(Array.from({ length: 17 }, (_, i) => `1a.${i + 1}`));
    const hybrid = p.tasks.filter(
      (t) =>
        t.phases.some((ph) => ph.hardware === 'macbook') &&
        t.phases.some((ph) => ph.hardware === 'gpu'),
    );
    expect(hybrid.map((t) => t.id)).toEqual([
      '1a.8',
      '1a.10',
      '1a.11',
      '1a.12',
      '1a.13',
      '1a.16',
      '1a.17',
    ]);
    const driver = p.tasks.find((t) => t.id === '1a.8')!;
    expect(driver.phases.map((ph) => [ph.activityId, ph.hardware, ph.gpus])).toEqual([
      ['1a.8/prep', 'macbook', 0],
      ['1a.8/test', 'gpu', 'all'],
    ]);
    expect(p.gpu).toEqual([{ count: 4, from: '2026-12-07' }]);
  });

  it('reproduces the seed’s sums: MacBook-only 24–35 h (the seed says 33), GPU 31–45 h, hybrid 11/20 h', async () => {
    const r = await loadProjectFile('tasks/epic-1a.yaml');
    if (!r.ok) throw new Error('load failed');
    const byId = new Map(r.value.tasks.map((t) => [t.id, t]));
    const sum = (ids: string[], k: 'low' | 'high'): number =>
      ids.reduce((s, id) => s + byId.get(id)!.phases.reduce((a, ph) => a + ph.estimate[k], 0), 0);
    const mac = ['1a.1', '1a.2', '1a.3', '1a.4', '1a.5', '1a.6', '1a.7'];
    const gpu = ['1a.8', '1a.9', '1a.10', '1a.11', '1a.12', '1a.13', '1a.14', '1a.15'];
    expect([sum(mac, 'low'), sum(mac, 'high')]).toEqual([24, 35]);
    expect([sum(gpu, 'low'), sum(gpu, 'high')]).toEqual([31, 45]);
    const hybrid = ['1a.8', '1a.10', '1a.11', '1a.12', '1a.16'];
    const phaseSum = (hw: 'macbook' | 'gpu'): number =>
      hybrid.reduce(
        (s, id) =>
          s +
          byId
            .get(id)!
            .phases.filter((ph) => ph.hardware === hw)
            .reduce((a, ph) => a + ph.estimate.high, 0),
        0,
      );
    expect([phaseSum('macbook'), phaseSum('gpu')]).toEqual([11, 20]);
  });

  it('chains phases and gates later phases on their own deps', async () => {
    const r = await loadProjectFile('tasks/epic-1a.yaml');
    if (!r.ok) throw new Error('load failed');
    const g = buildActivityGraph(r.value);
    expect(g.byId.get('1a.8/prep')!.predecessors).toEqual(['1a.4']);
    expect(g.byId.get('1a.8/test')!.predecessors).toEqual(['1a.3', '1a.5', '1a.8/prep']);
    expect(g.byId.get('1a.9/install')!.predecessors).toEqual(['1a.6', '1a.8/test']);
    expect(g.byId.get('1a.9/smoke')!.predecessors).toEqual(['1a.9/install']);
  });
});

describe('a task file that cannot be read', () => {
  it('says why in the words the logs folder uses, never a bare code', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'critpath-load-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    // It said "cannot read task file: ELOOP" (and ENOTDIR, ENAMETOOLONG alike).
    symlinkSync('loop.yaml', join(dir, 'loop.yaml'));
    mkdirSync(join(dir, 'sub'));
    const cases = [
      ['loop.yaml', 'a loop of symbolic links (ELOOP)'],
      ['loop.yaml/x.yaml', 'a loop of symbolic links (ELOOP)'],
      [`${'n'.repeat(300)}.yaml`, 'a file name too long (ENAMETOOLONG)'],
      ['sub', 'is a directory'],
    ] as const;
    for (const [name, why] of cases) {
      const r = await loadProjectFile(join(dir, name));
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.map((d) => d.message)).toEqual([`cannot read task file: ${why}`]);
    }
  });
});

describe('loadProjectText defaults', () => {
  it('fills hardware, gpus, hours per day and phase env from the task', () => {
    const r = loadProjectText(
      [
        'project: P',
        'start: 2026-01-05',
        'hardware: { gpu: [{ count: 2, from: 2026-01-05 }] }',
        'tasks:',
        '  - { id: a, hours: 1 }',
        '  - { id: b, hours: 2, gpus: 2, deps: [a] }',
        '  - id: c',
        '    env: { X: "1" }',
        '    timeout: 30m',
        '    phases: [{ name: p, hours: 1, env: { Y: "2" } }, { name: q, hours: 1, hardware: gpu }]',
      ].join('\n'),
      'p.yaml',
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const [a, b, c] = r.value.tasks;
    expect(r.value.hoursPerDay).toBe(8);
    expect(a!.phases[0]).toMatchObject({
      hardware: 'macbook',
      gpus: 0,
      activityId: 'a',
      name: null,
    });
    expect(b!.phases[0]).toMatchObject({ hardware: 'gpu', gpus: 2 });
    expect(c!.phases[0]).toMatchObject({
      env: { X: '1', Y: '2' },
      timeoutSeconds: 1800,
      activityId: 'c/p',
    });
    expect(c!.phases[1]).toMatchObject({ hardware: 'gpu', gpus: 1, env: { X: '1' } });
  });
});

describe('compareIds', () => {
  it('orders numeric runs as numbers', () => {
    expect(['1a.10', '1a.2', '1a.1', 'b', '1a.10/prep', 'a'].sort(compareIds)).toEqual([
      '1a.1',
      '1a.2',
      '1a.10',
      '1a.10/prep',
      'a',
      'b',
    ]);
  });
});

describe('a YAML alias bomb', () => {
  const bomb = [
    'project: Bomb',
    'start: 2026-01-05',
    'a: &a ["x","x","x","x","x","x","x","x","x"]',
    'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
    'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
    'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
    'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
    'tasks: []',
    '',
  ].join('\n');

  it('is a diagnostic at the first alias that multiplies, not an exception', () => {
    const problems = problemsOf(bomb, 'bomb.yaml');
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toMatch(/alias bomb/);
    // `c: &c [*b…`: the first alias whose target holds aliases itself.
    expect(problems[0]!.position).toMatchObject({ file: 'bomb.yaml', line: 5, col: 8 });
  });

  it('is not an anchor that every task shares, however many tasks use it', () => {
    const tasks = Array.from({ length: 2000 }, (_, i) => `  - { id: t${i}, hours: 1, env: *ev }`);
    const text = [
      'project: Shared',
      'start: 2026-01-05',
      'tasks:',
      '  - { id: t, hours: 1, env: &ev { CUDA_VISIBLE_ORDER: PCI_BUS_ID, B: "2" } }',
      ...tasks,
      '',
    ].join('\n');
    const r = loadProjectText(text, 'shared.yaml');
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value.tasks).toHaveLength(2001);
  });

  it('is not a file whose own keys read bomb: true (they are unknown keys)', () => {
    const problems = problemsOf(
      'project: B\nstart: 2026-01-05\nbomb: true\noffset: 5\ntasks: [{ id: a, hours: 1 }]\n',
      'keys.yaml',
    );
    expect(problems.map((d) => d.message.slice(0, d.message.indexOf(' (')))).toEqual([
      'bomb: unknown key "bomb"',
      'offset: unknown key "offset"',
    ]);
  });

  it('is an alias inside its own anchor (a loop)', () => {
    const problems = problemsOf(
      'project: L\nstart: 2026-01-05\nx: &x [1, *x]\ntasks: []\n',
      'loop.yaml',
    );
    expect(problems.map((d) => d.message)).toEqual([
      'YAML aliases expand the file past 10 times the values it writes (an alias bomb)',
    ]);
  });
});

describe('bad values in messages', () => {
  it('show control characters in a string as escapes, never as they are', () => {
    const text = withTasks('  - { id: "a\\e[8mhidden", hours: 1, hardware: macbook }');
    const m = problemsOf(text, 'esc.yaml')
      .map((d) => d.message)
      .join(' | ');
    expect(m).toContain('got "a\\u001b[8mhidden" (string)');
    // eslint-disable-next-line no-control-regex -- what must not be there
    expect(m).not.toMatch(/[\u0000-\u001f]/);
  });
});

describe('hours too large to plan', () => {
  it('are a diagnostic at the value, as YAML and as JSON', () => {
    const yaml = withTasks(
      '  - { id: a, hours: 1e308, hardware: macbook }',
      '  - { id: b, hours: 1000000000000, hardware: macbook }',
    );
    const json = JSON.stringify({
      project: 'X',
      start: '2026-01-05',
      tasks: [{ id: 'a', hours: 1e12, hardware: 'macbook' }],
    });
    for (const [text, lines] of [
      [yaml, [4, 5]],
      [json, [1]],
    ] as const) {
      const problems = problemsOf(text, 'big.yaml');
      expect(problems.map((d) => d.position.line)).toEqual(lines);
      for (const d of problems) expect(d.message).toMatch(/hours must be at most 100000/);
    }
  });
  it('that are not finite get one diagnostic each, the one that says so', () => {
    const yaml = withTasks(
      '  - { id: a, hours: .inf, hardware: macbook }',
      '  - { id: b, hours: { low: 1, high: .nan }, hardware: macbook }',
      '  - { id: c, hours: 1-x, hardware: macbook }',
    );
    expect(problemsOf(yaml, 'inf.yaml').map((d) => d.message)).toEqual([
      'tasks[0].hours: hours must be a finite number, got Infinity',
      'tasks[1].hours: hours must be finite numbers',
      'tasks[2].hours: expected hours as a number, "low-high" or { low, likely, high }, got "1-x" (string)',
    ]);
  });
});

describe('ids YAML reads as numbers, and deps not given as a list', () => {
  it('say what to write instead', () => {
    const text = withTasks(
      '  - { id: "1", hours: 1, hardware: macbook }',
      '  - { id: 2, hours: 1, hardware: macbook, deps: [1.10] }',
      '  - { id: "3", hours: 1, hardware: macbook, deps: "1" }',
    );
    expect(problemsOf(text, 'ids.yaml').map((d) => `${d.position.line}: ${d.message}`)).toEqual([
      '5: tasks[1].id: an id is text: put it in quotes ("3", "1.10"), got 2 (number)',
      '5: tasks[1].deps[0]: an id is text: put it in quotes ("3", "1.10"), got 1.1 (number)',
      '6: tasks[2].deps: expected a list of ids, such as [a] or [a, b], got "1" (string)',
    ]);
  });
});

describe('did-you-mean hints on unknown dependencies', () => {
  it('a long unknown id is the usual one-line finding, without a hint, at once', () => {
    // The full edit-distance table of two 20,000-letter ids ran node out of heap, and of two
    // 66,000-letter ones threw "RangeError: Invalid array length".
    for (const n of [66_000, 20_000]) {
      const text = withTasks(
        `  - { id: ${'a'.repeat(n)}, hours: 1 }`,
        `  - { id: c, hours: 1, deps: [${'b'.repeat(n)}] }`,
      );
      const t0 = performance.now();
      const [id, d, ...more] = problemsOf(text, 'long.yaml');
      expect(performance.now() - t0).toBeLessThan(5_000);
      expect(more).toEqual([]);
      // The id itself is too long for a log file's name.
      expect(id?.message).toMatch(/^tasks\[0\]\.id: an id is at most 128 characters/);
      expect(d?.message).toBe(`tasks[1].deps[0]: unknown dependency "${'b'.repeat(n)}"`);
      expect(`${d?.position.line}:${d?.position.col}`).toBe('5:31');
    }
  });

  it('many deps sharing a typo take seconds, not minutes, and the first keep their hints', () => {
    // Each unknown dep was compared with every id in full: 2,000 of them took two minutes.
    const n = 3000;
    const id = (i: number): string => `infra-provisioning-step-${String(i).padStart(6, '0')}`;
    const tasks = Array.from({ length: n }, (_, i) =>
      i === 0
        ? `  - { id: ${id(i)}, hours: 1 }`
        : `  - { id: ${id(i)}, hours: 1, deps: [${id(i - 1).replace('ning', 'nning')}] }`,
    );
    const t0 = performance.now();
    const problems = problemsOf(withTasks(...tasks), 'chain.yaml');
    expect(performance.now() - t0).toBeLessThan(20_000);
    expect(problems).toHaveLength(n - 1);
    expect(problems[0]?.message).toBe(
      `tasks[1].deps[0]: unknown dependency "infra-provisionning-step-000000" (did you mean "${id(0)}"?)`,
    );
    // Past the budget, the rest are reported without one.
    expect(problems.at(-1)?.message).toBe(
      `tasks[${n - 1}].deps[0]: unknown dependency "${id(n - 2).replace('ning', 'nning')}"`,
    );
  });
});

describe('YAML syntax messages', () => {
  it('quote at most the first 40 characters of one line of the file', () => {
    // A README, taken for a task file: the parser quotes the lines after the fence whole.
    const prose = [
      '# notes',
      '',
      '```sh',
      'npm ci && npx critpath plan --team 2     # plan it',
      '```',
      '',
      'critpath plans and runs the bring-up of GPU infrastructure as a task graph. Tasks live in',
      '(`tasks/`), each with an hour estimate (a number or a range such as `6-10`), a hardware tag',
      '(MacBook work, or GPU work holding some GPUs) and dependencies. A hybrid task has phases: prep',
      'a MacBook before the hardware arrives, then testing on the GPU host.',
      '',
    ].join('\n');
    const r = loadProjectText(prose, 'notes.md');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    for (const d of r.error) expect(d.message.length, d.message).toBeLessThan(120);
    expect(yamlProblem('Unexpected scalar token in YAML stream: "a b\\nc d"')).toBe(
      'Unexpected scalar token in YAML stream: "a b…"',
    );
    expect(yamlProblem(`Unexpected token: "${'x'.repeat(50)}"`)).toBe(
      `Unexpected token: "${'x'.repeat(40)}…"`,
    );
    expect(yamlProblem('Unexpected token: ":"')).toBe('Unexpected token: ":"');
    expect(yamlProblem('Nested mappings are not allowed\nat line 3')).toBe(
      'Nested mappings are not allowed',
    );
  });
});

describe('YAML slips a task file author makes', () => {
  it('say what was most likely meant', () => {
    const head = 'project: X\nstart: 2026-01-05\ntasks:\n';
    const cases: [string, RegExp][] = [
      [
        '  - id: a\n    title: Git repository: init\n    hours: 1\n',
        /^tasks\.yaml:5:\d+: YAML syntax: .*; a value holding ": " needs quotes \(title: "Git repository: init"\)$/,
      ],
      [
        '  - { id: a, title: Git: init, hours: 1 }\n',
        /^tasks\.yaml:4:\d+: YAML syntax: .*; a value holding ": " needs quotes/,
      ],
      ['  - id: a\n    title A\n    hours: 1\n', /; a key needs ": " after it \(title: A\)$/],
      ['  - id: a\n    hours 1\n    title: b\n', /; a key needs ": " after it \(hours: 1\)$/],
      [
        '  - id: a\n    title: Pull: the "base" image\n',
        /; a value holding ": " needs quotes \(title: "Pull: the \\"base\\" image"\)$/,
      ],
    ];
    for (const [tasks, says] of cases) {
      const found = problemsOf(head + tasks, 'tasks.yaml').map(formatDiagnostic);
      expect(
        found.some((l) => says.test(l)),
        found.join('\n'),
      ).toBe(true);
    }
    // A key indented too deep is neither slip: no advice that would mislead.
    const deep = problemsOf(head + '  - id: a\n    title: A\n      hours: 1\n', 'tasks.yaml');
    expect(deep.length).toBeGreaterThan(0);
    for (const d of deep) expect(d.message).not.toMatch(/needs quotes|a key needs/);
  });
});

describe('a command longer than Linux starts a program with', () => {
  // Linux refuses any one argument or environment entry over 32 pages (MAX_ARG_STRLEN) with
  // E2BIG; the page, and so the limit, depends on the machine. Validation does not: `run`
  // checks the host it runs on.
  it('loads on every host, whatever the length, so the verdict cannot differ by machine', () => {
    const max = 32 * 4096 - 1;
    const text = withTasks(
      `  - { id: a, hours: 1, run: ": ${'x'.repeat(max - 1)}" }`,
      `  - { id: b, hours: 1, run: [echo, "${'é'.repeat((max + 1) / 2)}"] }`,
      `  - { id: c, hours: 1, run: 'true', env: { BIG: "${'y'.repeat(max)}" } }`,
    );
    expect(loadProjectText(text, 'p.yaml').ok).toBe(true);
    const p = loadProjectText(text, 'p.yaml');
    if (!p.ok) return;
    const why = `this host starts no program with an argument or environment entry over ${max} bytes (E2BIG); put it in a script file and run that`;
    expect(tooLongArgument(p.value, max)).toEqual({
      path: ['tasks', 0, 'run'],
      message: `the command is ${max + 1} bytes (128.0 KiB): ${why}`,
    });
    const rest = loadProjectText(withTasks(...text.split('\n').slice(4, 6)), 'p.yaml');
    if (!rest.ok) return;
    expect(tooLongArgument(rest.value, max)?.path).toEqual(['tasks', 0, 'run', 1]);
    expect(tooLongArgument(rest.value, max + 1)?.path).toEqual(['tasks', 1, 'env', 'BIG']);
    expect(tooLongArgument(rest.value, max + 4)).toBeUndefined();
  });

  it('is known on x86 Linux only, where a page is 4 KiB', () => {
    expect(argStringLimit('linux', 'x64')).toBe(131071);
    expect(argStringLimit('linux', 'arm64')).toBeUndefined();
    expect(argStringLimit('darwin', 'x64')).toBeUndefined();
  });
});
