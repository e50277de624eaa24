import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateProject, toJson } from '../../bench/project-generator.js';
import { HUGE_PAGE_TUNABLE, RELAUNCH_MIN_BYTES, thpModeOf } from '../../src/cli/relaunch.js';

/**
 * A verb reading a huge task file runs in a second process started with glibc's huge-page
 * setting where Linux gives huge pages only on request (src/cli/relaunch.ts). The built CLI must
 * print the same, exit the same and die by the same signal as one process does, and start one
 * second process, never more. A probe given to node (`--import`, which the second process is
 * given too) lists each process as it starts: what this machine's THP mode says to expect is
 * checked either way.
 */
const run = promisify(execFile);
const BIN = resolve('bin/critpath.js');
const THP = existsSync('/sys/kernel/mm/transparent_hugepage/enabled')
  ? thpModeOf(readFileSync('/sys/kernel/mm/transparent_hugepage/enabled', 'utf8'))
  : undefined;
const RELAUNCHES = process.platform === 'linux' && THP === 'madvise';

const PROBE = `import { appendFileSync } from 'node:fs';
appendFileSync(process.env.CRITPATH_TEST_PROCS, [process.pid, process.ppid, process.env.GLIBC_TUNABLES ?? '-'].join(' ') + '\\n');
`;

interface Proc {
  pid: number;
  ppid: number;
  tunables: string;
}

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
  procs: Proc[];
}

let dir = '';
let probes = 0;

function procsOf(file: string): Proc[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => {
      const [pid, ppid, tunables] = l.split(' ');
      return { pid: Number(pid), ppid: Number(ppid), tunables: tunables! };
    });
}

function envFor(procs: string, more: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', CRITPATH_TEST_PROCS: procs };
  delete env['GLIBC_TUNABLES'];
  delete env['CRITPATH_NO_RELAUNCH'];
  return { ...env, ...more };
}

async function critpath(more: Record<string, string>, ...args: string[]): Promise<Ran> {
  const procs = join(dir, `procs-${probes++}`);
  const argv = ['--import', join(dir, 'probe.mjs'), BIN, ...args];
  const opts = { cwd: dir, maxBuffer: 1 << 30, env: envFor(procs, more) };
  try {
    const r = await run(process.execPath, argv, opts);
    return { code: 0, stdout: r.stdout, stderr: r.stderr, procs: procsOf(procs) };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr, procs: procsOf(procs) };
  }
}

/** Blanks that take a task file past the size (JSON allows them after the value). */
const PAD = `\n${' '.repeat(RELAUNCH_MIN_BYTES)}\n`;

/** A task file of three tasks, padded past the size; `extra` ends the tasks. */
function padded(extra = ''): string {
  return [
    '{ "project": "padded", "start": "2026-01-05", "tasks": [',
    '  { "id": "a", "hours": 2 },',
    '  { "id": "b", "hours": "1-3", "deps": ["a"] },',
    `  { "id": "c", "hours": 1, "deps": ["a", "b"] }${extra}`,
    '] }',
    PAD,
  ].join('\n');
}

/** The processes one command started: the first, and the second where THP says so. */
function expectProcs(procs: Proc[]): void {
  if (!RELAUNCHES) {
    expect(procs).toHaveLength(1);
    expect(procs[0]!.tunables).toBe('-');
    return;
  }
  expect(procs).toHaveLength(2);
  expect(procs[0]!.tunables).toBe('-');
  expect(procs[1]!.ppid).toBe(procs[0]!.pid);
  expect(procs[1]!.tunables).toBe(HUGE_PAGE_TUNABLE);
}

describe('a verb reading a huge task file (relaunched with huge pages)', () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'critpath-relaunch-'));
    writeFileSync(join(dir, 'package.json'), '{}\n');
    writeFileSync(join(dir, 'probe.mjs'), PROBE);
    writeFileSync(join(dir, 'big.json'), padded());
    writeFileSync(
      join(dir, 'bad.json'),
      padded(',\n  { "id": "d", "hours": 1, "deps": ["nowhere"] }'),
    );
    // About four seconds of `plan --team 3`: time to see the second process start.
    writeFileSync(join(dir, 'long.json'), toJson(generateProject(100_000, 3)) + PAD);
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints what one process prints, the tunable in the second process alone', async () => {
    for (const args of [
      ['plan', 'big.json', '--json'],
      ['validate', 'big.json'],
      ['status', 'big.json'],
    ]) {
      const [two, one] = await Promise.all([
        critpath({}, ...args),
        critpath({ CRITPATH_NO_RELAUNCH: '1' }, ...args),
      ]);
      expect(two.code, args.join(' ')).toBe(0);
      expect(two.stdout.length).toBeGreaterThan(20);
      expect(two.stdout).toBe(one.stdout);
      expect(two.stderr).toBe(one.stderr);
      expectProcs(two.procs);
      expect(one.procs).toHaveLength(1);
    }
  }, 60_000);

  it('a bad huge file: the one-line error, once, and exit 2', async () => {
    const [two, one] = await Promise.all([
      critpath({}, 'plan', 'bad.json'),
      critpath({ CRITPATH_NO_RELAUNCH: '1' }, 'plan', 'bad.json'),
    ]);
    expect(two.code).toBe(2);
    expect(two.stderr).toMatch(/^bad\.json:5:\d+: .*nowhere/);
    expect(two.stderr.trim().split('\n')).toHaveLength(1);
    expect(two.stderr).toBe(one.stderr);
    expect(two.stdout).toBe('');
    expectProcs(two.procs);
  }, 60_000);

  it('SIGTERM to the first process ends both, by SIGTERM', async () => {
    const procs = join(dir, 'procs-term');
    const child = spawn(
      process.execPath,
      ['--import', join(dir, 'probe.mjs'), BIN, 'plan', 'long.json', '--team', '3', '--json'],
      { cwd: dir, env: envFor(procs, {}), stdio: 'ignore' },
    );
    const ended = new Promise<NodeJS.Signals | null>((r) => child.once('exit', (_c, s) => r(s)));
    const want = RELAUNCHES ? 2 : 1;
    for (let k = 0; k < 400 && procsOf(procs).length < want; k++)
      await new Promise((r) => setTimeout(r, 25));
    const started = procsOf(procs);
    expectProcs(started);
    child.kill('SIGTERM');
    expect(await ended).toBe('SIGTERM');
    // The second process ended before the first re-raised its signal: no pid is left.
    for (const p of started) expect(() => process.kill(p.pid, 0), `pid ${p.pid}`).toThrow(/ESRCH/);
  }, 60_000);
});
