import { closeSync, existsSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LaunchHandlers, LaunchRequest } from '../../../src/executor/launcher.js';
import { Launcher } from '../../../src/executor/launcher.js';
import { launcherCount } from '../../../src/executor/local-backend.js';

/**
 * Launchers that share the --jobs slots: a failure in one holds the queues of all, from the
 * moment it is reaped, until `run` has looked at it (go), so no new work starts behind a failure.
 */

let dir: string;
let launchers: Launcher[];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'critpath-launcher-'));
  launchers = [];
});
afterEach(() => {
  for (const l of launchers) l.close();
  rmSync(dir, { recursive: true, force: true });
});

/** What happened to one request, as the parent hears it. */
interface Outcome {
  started: Promise<number>;
  ended: Promise<number | null>;
  withdrawn: Promise<void>;
}

function launch(l: Launcher, name: string, command: string, rank = 0): Outcome {
  let onStart: LaunchHandlers['onStart'] = () => undefined;
  let onEnd: LaunchHandlers['onEnd'] = () => undefined;
  let onWithdrawn: LaunchHandlers['onWithdrawn'] = () => undefined;
  const started = new Promise<number>((r) => (onStart = (_pid, at) => r(at)));
  const ended = new Promise<number | null>((r) => (onEnd = (code) => r(code)));
  const withdrawn = new Promise<void>((r) => (onWithdrawn = () => r()));
  const req: LaunchRequest = {
    command,
    cwd: dir,
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' },
    log: join(dir, `${name}.log`),
    header: [`=== ${name} at `, '\n'],
    rank,
  };
  l.launch(req, { onStart, onEnd, onWithdrawn });
  return { started, ended, withdrawn };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Two launchers of one slot each, sharing a failure count, as local-backend starts them. */
function pair(): [Launcher, Launcher] {
  const countFile = join(dir, 'failures');
  const fd = openSync(countFile, 'ax');
  const a = new Launcher();
  const b = new Launcher();
  launchers.push(a, b);
  a.start(1, fd);
  b.start(1, fd);
  closeSync(fd);
  rmSync(countFile);
  return [a, b];
}

describe('launchers sharing --jobs', () => {
  it('a failure in one holds what another has queued until every launcher hears go', async () => {
    const [a, b] = pair();
    // b is busy while a's command fails; b's next command is queued behind its first. (A command
    // b had not started when a's failure came would wait for go just the same.)
    const first = launch(b, 'first', 'sleep 0.4');
    const queued = launch(b, 'queued', 'touch queued.ran');
    await first.started;
    const bad = launch(a, 'bad', 'exit 3');
    expect(await bad.ended).toBe(3);
    expect(await first.ended).toBe(0);
    await sleep(300);
    // b's slot is free, and still nothing starts: a's failure has not been looked at.
    expect(existsSync(join(dir, 'queued.ran'))).toBe(false);
    // go to a alone is not enough: b counts the failures looked at by what it hears.
    a.go();
    await sleep(300);
    expect(existsSync(join(dir, 'queued.ran'))).toBe(false);
    b.go();
    expect(await queued.ended).toBe(0);
    expect(existsSync(join(dir, 'queued.ran'))).toBe(true);
  }, 20_000);

  it('work queued behind a failure can be withdrawn and never starts', async () => {
    const [a, b] = pair();
    const first = launch(b, 'first', 'sleep 0.3');
    const queued = launch(b, 'queued', 'touch queued.ran');
    await first.started;
    expect(await launch(a, 'bad', 'exit 1').ended).toBe(1);
    await first.ended;
    b.withdraw(2);
    await queued.withdrawn;
    a.go();
    b.go();
    // Both launchers go on: new work starts again on either.
    expect(await launch(a, 'next-a', 'true').ended).toBe(0);
    expect(await launch(b, 'next-b', 'true').ended).toBe(0);
    expect(existsSync(join(dir, 'queued.ran'))).toBe(false);
  }, 20_000);

  it('commands do not inherit the failure-count descriptor', async () => {
    const [a] = pair();
    // fd 3 of the launcher is the count file until the launcher has its own copy.
    expect(await launch(a, 'fds', 'if [ -e /dev/fd/3 ]; then exit 7; fi').ended).toBe(0);
  }, 20_000);

  it('a launcher with no shared count holds only itself', async () => {
    const a = new Launcher();
    launchers.push(a);
    a.start(1);
    const bad = launch(a, 'bad', 'exit 2');
    const after = launch(a, 'after', 'true');
    expect(await bad.ended).toBe(2);
    await sleep(200);
    a.go();
    expect(await after.ended).toBe(0);
    const t = await after.started;
    expect(t).toBeGreaterThan(0);
  }, 20_000);
});

describe('launcherCount', () => {
  it('is one per command at once, at most one per core and never more than four', () => {
    expect(launcherCount(1, 16)).toBe(1);
    expect(launcherCount(2, 16)).toBe(2);
    expect(launcherCount(2, 1)).toBe(1);
    expect(launcherCount(8, 2)).toBe(2);
    expect(launcherCount(32, 64)).toBe(4);
  });
});
