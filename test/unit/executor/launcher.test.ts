import {
  appendFileSync,
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readlinkSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LaunchHandlers, LaunchRequest } from '../../../src/executor/launcher.js';
import { Launcher } from '../../../src/executor/launcher.js';
import { LauncherPool, launcherCount } from '../../../src/executor/local-backend.js';
import { groupAlive, killGroup } from '../../../src/executor/process-group.js';

/**
 * Launchers that share the --jobs slots: a failure in one holds the queues of all, from the
 * moment it is reaped, until `run` has looked at it (go), so no new work starts behind a failure.
 */

let dir: string;
let launchers: { close(): void }[];

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
  /** Its process (group) id, once started. */
  pid: Promise<number>;
  ended: Promise<number | null>;
  withdrawn: Promise<void>;
  /** Why its launcher died before telling how it ended. */
  lost: Promise<string>;
}

/**
 * The request for `command`, logging to `<name>.log` in the test's directory; `slot`: run gave
 * it a free --jobs slot (without, it waits ahead of one).
 */
function request(name: string, command: string, rank = 0, slot = false): LaunchRequest {
  return {
    command,
    cwd: dir,
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' },
    log: join(dir, `${name}.log`),
    header: [`=== ${name} at `, '\n'],
    rank,
    ...(slot ? { slot } : {}),
  };
}

/** Handlers that turn what the parent hears into promises. */
function outcome(): { handlers: LaunchHandlers; outcome: Outcome } {
  let onStart: LaunchHandlers['onStart'] = () => undefined;
  let onEnd: LaunchHandlers['onEnd'] = () => undefined;
  let onWithdrawn: LaunchHandlers['onWithdrawn'] = () => undefined;
  let onLost: LaunchHandlers['onLost'] = () => undefined;
  let gotPid: (pid: number) => void = () => undefined;
  const pid = new Promise<number>((r) => (gotPid = r));
  const started = new Promise<number>(
    (r) =>
      (onStart = (p, at) => {
        gotPid(p);
        r(at);
      }),
  );
  const ended = new Promise<number | null>((r) => (onEnd = (code) => r(code)));
  const withdrawn = new Promise<void>((r) => (onWithdrawn = () => r()));
  const lost = new Promise<string>((r) => (onLost = r));
  return {
    handlers: { onStart, onEnd, onWithdrawn, onLost },
    outcome: { started, pid, ended, withdrawn, lost },
  };
}

function launch(l: Launcher, name: string, command: string, rank = 0, slot = false): Outcome {
  const o = outcome();
  l.launch(request(name, command, rank, slot), o.handlers);
  return o.outcome;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Two launchers of one slot each, sharing a failure count, as local-backend starts them. */
function pair(): [Launcher, Launcher] {
  const countFile = join(dir, 'failures');
  const fd = openSync(countFile, 'ax');
  rmSync(countFile);
  const shared = { fd, looked: () => 0, onGone: () => undefined };
  const a = new Launcher({ ...shared, mark: 'A' });
  const b = new Launcher({ ...shared, mark: 'B' });
  launchers.push(a, b, { close: () => closeSync(fd) });
  a.start(1);
  b.start(1);
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
    a.go(1);
    await sleep(300);
    expect(existsSync(join(dir, 'queued.ran'))).toBe(false);
    b.go(1);
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
    a.go(1);
    b.go(1);
    // Both launchers go on: new work starts again on either.
    expect(await launch(a, 'next-a', 'true').ended).toBe(0);
    expect(await launch(b, 'next-b', 'true').ended).toBe(0);
    expect(existsSync(join(dir, 'queued.ran'))).toBe(false);
  }, 20_000);

  it('a failure does not hold work that run gave a slot, however late the launcher gets it', async () => {
    const [a, b] = pair();
    // run put `bad` and `side` into free slots in one step; `bad` fails before b gets to `side`
    // (here: long before, as a slow or busy launcher would). `side` starts all the same, with
    // no go; what b holds ahead of a slot still waits for one.
    expect(await launch(a, 'bad', 'exit 3', 0, true).ended).toBe(3);
    const ahead = launch(b, 'ahead', 'touch ahead.ran', 0);
    const side = launch(b, 'side', 'touch side.ran', 1, true);
    const res = await Promise.race([side.ended, sleep(3000).then(() => 'held')]);
    expect(res).toBe(0);
    expect(existsSync(join(dir, 'side.ran'))).toBe(true);
    await sleep(200);
    expect(existsSync(join(dir, 'ahead.ran'))).toBe(false);
    a.go(1);
    b.go(1);
    expect(await ahead.ended).toBe(0);
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
    a.go(1);
    expect(await after.ended).toBe(0);
    const t = await after.started;
    expect(t).toBeGreaterThan(0);
  }, 20_000);
});

describe('a launcher that dies', () => {
  it('tells every request it held, started or queued, why; one closed on purpose does not', async () => {
    const a = new Launcher();
    launchers.push(a);
    a.start(1);
    const long = launch(a, 'long', 'sleep 30');
    const queued = launch(a, 'queued', 'true');
    const group = await long.pid;
    const pid = a.pid!;
    process.kill(pid, 'SIGKILL');
    const why = await long.lost;
    expect(why).toMatch(
      new RegExp(`^the process that started its command \\(critpath launcher, pid ${pid}\\) died`),
    );
    expect(await queued.lost).toBe(why);
    // Its command lives on in its own group: whoever hears of the loss ends it.
    expect(groupAlive(group)).toBe(true);
    process.kill(-group, 'SIGKILL');
    // A new request starts a new launcher.
    expect(await launch(a, 'again', 'true').ended).toBe(0);
    const b = new Launcher();
    b.start(1);
    const held = launch(b, 'held', 'sleep 30');
    const heldGroup = await held.pid;
    let lost = false;
    void held.lost.then(() => (lost = true));
    b.close();
    await sleep(200);
    expect(lost).toBe(false);
    process.kill(-heldGroup, 'SIGKILL');
  }, 20_000);
});

describe('a pool of launchers', () => {
  /** A pool of `k` launchers for `jobs` commands at once, closed when the test ends. */
  function pool(jobs: number, k: number): LauncherPool {
    const p = new LauncherPool(jobs, k);
    launchers.push(p);
    return p;
  }

  function send(p: LauncherPool, name: string, command: string, rank = 0, slot = false): Outcome {
    const o = outcome();
    p.send(request(name, command, rank, slot), o.handlers);
    return o.outcome;
  }

  it('a launcher that dies before telling of a start loses the request: never withdrawn and sent again', async () => {
    const p = pool(1, 1);
    const o = send(p, 'unheard', 'sleep 30');
    // Killed before any answer can come: whether the command started, nobody here can know.
    process.kill(p.launchers[0]!.pid!, 'SIGKILL');
    let withdrawn = false;
    void o.withdrawn.then(() => (withdrawn = true));
    expect(await o.lost).toMatch(/^the process that started its command/);
    await sleep(100);
    expect(withdrawn).toBe(false);
  }, 20_000);

  it('hands work queued behind a long command to a launcher that would otherwise idle', async () => {
    const p = pool(2, 2);
    const t0 = Date.now();
    const long = send(p, 'long', 'sleep 10');
    const short = send(p, 'short', 'sleep 0.2');
    await Promise.all([long.started, short.started]);
    // Both slots are busy: `next` queues in one launcher, as a tie goes to the first (long's).
    const next = send(p, 'next', 'true');
    expect(await short.ended).toBe(0);
    // The short one's launcher is free: `next` is taken back and runs there, not after `long`.
    const at = await next.started;
    expect(at - t0).toBeLessThan(8000);
    expect(await next.ended).toBe(0);
    expect(await long.ended).toBe(0);
  }, 30_000);

  it('goes on handing work over after a request was withdrawn while it moved', async () => {
    const p = pool(2, 2);
    const long = send(p, 'long', 'sleep 4');
    const short = send(p, 'short', 'sleep 0.3; exit 1');
    await Promise.all([long.started, short.started]);
    // `gone` queues behind `long`; when `short` fails it starts to move (held: the failure has
    // not been looked at), and is withdrawn then, as run does under the default policy.
    const o = outcome();
    const gone = p.send(request('gone', 'touch gone.ran'), o.handlers);
    expect(await short.ended).toBe(1);
    p.withdraw(gone);
    await o.outcome.withdrawn;
    p.go();
    // Again: `next` queues behind `long` while `second` runs, and moves when `second` ends.
    const second = send(p, 'second', 'sleep 0.3');
    await second.started;
    const next = send(p, 'next', 'true');
    await second.ended;
    expect(await Promise.race([next.ended, sleep(2000).then(() => 'waited for long')])).toBe(0);
    expect(existsSync(join(dir, 'gone.ran'))).toBe(false);
    expect(await long.ended).toBe(0);
  }, 20_000);

  it('work that moves into a slot freed by a success has that slot: a later withdraw misses', async () => {
    const p = pool(2, 2);
    const long = send(p, 'long', 'sleep 4');
    const short = send(p, 'short', 'sleep 0.3');
    await Promise.all([long.started, short.started]);
    // `moved` queues behind `long` and moves when `short` ends; a failure run looks at after
    // that end (its withdraw) comes too late: the slot was free before it.
    const o = outcome();
    const moved = p.send(request('moved', 'touch moved.ran'), o.handlers);
    expect(await short.ended).toBe(0);
    p.withdraw(moved);
    expect(await Promise.race([o.outcome.ended, sleep(2000).then(() => 'withdrawn')])).toBe(0);
    expect(existsSync(join(dir, 'moved.ran'))).toBe(true);
    expect(await long.ended).toBe(0);
  }, 20_000);

  it('a request with a slot is not withdrawn: it starts behind a failure', async () => {
    const p = pool(2, 2);
    const bad = send(p, 'bad', 'exit 5', 0, true);
    const o = outcome();
    const side = p.send(request('side', 'touch side.ran', 1, true), o.handlers);
    expect(await bad.ended).toBe(5);
    // What run does on a failure under the default policy: take back what has not started.
    p.withdraw(side);
    const res = await Promise.race([o.outcome.ended, sleep(3000).then(() => 'held')]);
    expect(res).toBe(0);
    expect(existsSync(join(dir, 'side.ran'))).toBe(true);
  }, 20_000);

  it('a failure holds the whole pool until it was looked at', async () => {
    const p = pool(2, 2);
    const busy = send(p, 'busy', 'sleep 0.4');
    await busy.started;
    const bad = send(p, 'bad', 'exit 4');
    expect(await bad.ended).toBe(4);
    const after = send(p, 'after', 'touch after.ran');
    expect(await busy.ended).toBe(0);
    await sleep(300);
    expect(existsSync(join(dir, 'after.ran'))).toBe(false);
    p.go();
    expect(await after.ended).toBe(0);
  }, 20_000);
});

describe('a launcher that dies', () => {
  // Linux: the test reaches into the launcher's descriptors through /proc.
  it.skipIf(process.platform !== 'linux')(
    'does not leave the pool holding for a failure it counted but never reported',
    async () => {
      const p = new LauncherPool(2, 2);
      launchers.push(p);
      const send = (name: string, command: string): Outcome => {
        const o = outcome();
        p.send(request(name, command), o.handlers);
        return o.outcome;
      };
      const first = send('first', 'sleep 30');
      const second = send('second', 'sleep 30');
      const [firstGroup, secondGroup] = await Promise.all([first.pid, second.pid]);
      // Launcher 1 counts a failure in the shared file (its own byte, B), then dies before it can
      // report it: as an out-of-memory kill between the two would leave things.
      const pid = p.launchers[1]!.pid!;
      const fd = readdirSync(`/proc/${pid}/fd`).find((f) =>
        readlinkSync(`/proc/${pid}/fd/${f}`).includes('critpath-failures-'),
      );
      expect(fd).toBeDefined();
      appendFileSync(`/proc/${pid}/fd/${fd}`, 'B');
      process.kill(pid, 'SIGKILL');
      expect(await second.lost).toMatch(/^the process that started its command/);
      // New work starts (on the launcher that takes it, started again) without a go for that failure.
      const next = send('next', 'true');
      const res = await Promise.race([next.ended, sleep(5000).then(() => 'held')]);
      killGroup(firstGroup, 'SIGKILL');
      killGroup(secondGroup, 'SIGKILL');
      await first.ended;
      expect(res).toBe(0);
    },
    20_000,
  );
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
