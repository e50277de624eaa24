import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import type * as FsModule from 'node:fs';
import type { Socket } from 'node:net';
import type * as ExecaModule from 'execa';
import type { StateOwner } from '../state/state-owner.js';
import { ownedByState } from '../state/state-owner.js';

/**
 * The spawn launcher: a small node process that `run` starts once, early, and that starts every
 * local attempt, with execa (a string through `/bin/sh -c`, an argv array without a shell). Two
 * reasons:
 *
 * - fork(2) costs grow with the forking process's memory (page tables, copy-on-write faults);
 *   from `run`'s own process (YAML, graph, journal, reporters) a spawn costs two to three times
 *   what it costs from a fresh node process;
 * - `run` may hand it up to `jobs` attempts ahead: when a command ends, the launcher starts the
 *   next one at once (its log already open), without a round trip through `run`. It runs at most
 *   `jobs` at a time. After a failure it starts nothing more of that until `run` has looked at
 *   the failure and says go (`run` withdraws what is queued first when it stops starting work).
 *
 * `run` may start several launchers and share the --jobs slots among them (local-backend.ts):
 * one node process spends about as long starting a command as a no-op command runs, so with
 * short commands one launcher is what limits the pace. A failure must then hold every launcher,
 * at once, not when `run` gets round to telling them: the launchers share a failure count, a
 * file each appends one byte to per failure (O_APPEND, so appends from several processes never
 * overwrite each other). A launcher starts a command only while that file is no longer than
 * the number of failures `run` has looked at (its go messages, which go to every launcher). That
 * holds only work queued ahead of a slot: a command `run` gave a free slot (flag `o`) starts when
 * the launcher gets it, whatever failed meanwhile, so what starts never depends on how long a
 * launcher takes to get to it. The file has no name: `run` hands each launcher a descriptor and removes the name at once, so even
 * a `run` killed with SIGKILL leaves nothing behind.
 *
 * Protocol, one JSON object a line; what one turn of the event loop sends goes in one write (a
 * wakeup of the other side costs more than the write). To the launcher (stdin):
 *   { j, v, n, m, g }         first line: run at most `j` commands at once; `v`: the environment
 *                             every command starts from; `n`: the descriptor of the shared
 *                             failure-count file, if any, and `m` the byte this launcher appends
 *                             to it per failure; `g`: failures looked at so far (`v`, `n`, `m`
 *                             sent once; a later { j } changes `j` only)
 *   { i, f, a, b, c, e, l, h, r, o, u }
 *                             queue `f` with arguments `a` (`b`: `f` is a command line for
 *                             /bin/sh -c) in directory `c` with environment `v` changed by `e` (a
 *                             value sets, null unsets), stdout and stderr appended to the file
 *                             `l` (opened when queued), after the header h[0] + start time (ISO) +
 *                             h[1]; its own process group; the queue is kept in order of rank `r`
 *                             (lower first); `o`: it has a slot, and no failure holds it; `u`:
 *                             [uid, gid] the log goes to when this launcher makes it (sudo)
 *   { k, s }                  signal `s` to the group of request `k`; withdraws it if not started
 *   { w }                     withdraw request `w` if it has not started (no effect otherwise)
 *   { g }                     `g` failures (this launcher's and others') have been looked at
 * From the launcher (stdout):
 *   { i, p, t }               started at `t` (epoch ms), pid (= process group id) `p`
 *   { i, x, s }               it ended: exit code `x` or signal `s` (a failure holds the queue:
 *                             what has no `o`)
 *   { i, e, y, z }            it could not be started: message `e` (holds the queue likewise);
 *                             `y`: its log could not be opened or written, and why: 'link',
 *                             'not-file' (a FIFO, a folder) or the error's code; `z`: the code
 *                             of the start that failed (E2BIG, EAGAIN, ENOENT…), when it has one
 *   { i, q }                  withdrawn before it started
 * The launcher exits when its stdin closes, when `run` ends or dies (even by SIGKILL), starting
 * nothing more. It kills nothing on its own: `run` signals the process groups, and leftovers of a
 * dead run are found by their CRITPATH_RUN_ID tag (orphans.ts).
 */
function launcherMain(
  load: (id: string) => unknown,
  importExeca: () => Promise<typeof ExecaModule>,
): void {
  const fs = load('node:fs') as typeof FsModule;
  // Nothing here shows a stack, and execa makes an AbortError for every command it ran.
  Error.stackTraceLimit = 0;
  let execa: typeof ExecaModule.execa;
  let jobs = 1;
  let base: Record<string, string> = {};
  let running = 0;
  /** The shared failure-count file (one byte per failure), or -1: this launcher counts alone. */
  let countFd = -1;
  /** What this launcher appends to the shared file per failure (run tells them apart by it). */
  let mark = 'F';
  let ownFailures = 0;
  /** Failures `run` has looked at; nothing starts while there are more failures than that. */
  let looked = 0;
  const failures = (): number => (countFd < 0 ? ownFailures : fs.fstatSync(countFd).size);
  const fail = (): void => {
    if (countFd < 0) ownFailures++;
    else fs.writeSync(countFd, mark);
  };
  let closing = false;
  const queue: Req[] = [];
  const pids = new Map<number, number>();
  // What one turn of the event loop has to say goes out in one write, after every exit that turn
  // reaped: waking `run` costs more than the write itself.
  let out = '';
  const flush = (): void => {
    const text = out;
    out = '';
    // Synchronous for pipes on Linux; a broken pipe means run is gone and stdin ends next.
    try {
      process.stdout.write(text);
    } catch {
      /* run is gone */
    }
  };
  const send = (o: object): void => {
    if (out === '') setImmediate(flush);
    out += `${JSON.stringify(o)}\n`;
  };
  const pump = (): void => {
    // In rank order; a failure not looked at yet holds what waits ahead of a slot, not what has
    // one (asked again after each start: a start that fails counts too).
    for (let k = 0; !closing && running < jobs && k < queue.length;) {
      if (queue[k]!.o !== 1 && failures() > looked) k++;
      else start(queue.splice(k, 1)[0]!);
    }
  };
  const start = (m: Req): void => {
    const t = Date.now();
    const spawned = spawnLogged(execa, fs, base, m, t);
    if (!spawned.ok) {
      fail();
      send({ i: m.i, e: spawned.error, ...(spawned.y !== undefined ? { y: spawned.y } : {}) });
      return;
    }
    const child = spawned.child;
    const pid = child.pid;
    if (pid === undefined) {
      void child.then((r) => {
        // Not started (ENOENT, EACCES; E2BIG, EAGAIN): no exit code, no signal.
        fail();
        const e = r.originalMessage ?? r.shortMessage ?? 'could not start';
        send({ i: m.i, e, ...(typeof r.code === 'string' ? { z: r.code } : {}) });
        pump();
      });
      return;
    }
    running++;
    pids.set(m.i, pid);
    send({ i: m.i, p: pid, t });
    // The slot frees at the exit event: execa's promise (reject: false, nothing buffered, so it
    // has nothing more to say) settles some turns later.
    child.once('exit', (code, signal) => {
      running--;
      pids.delete(m.i);
      if (code !== 0) fail();
      send({ i: m.i, x: code, s: signal });
      pump();
    });
  };
  const enqueue = (m: Req): void => {
    // Opened now, on this thread (a hop through the thread pool costs more than it saves), while
    // earlier commands run; a failure is reported when the request's turn comes.
    const log = openAppendLog(fs, m.l, m.u);
    m.fd = log.fd;
    m.y = log.y;
    m.err = log.err;
    let at = queue.length;
    while (at > 0 && queue[at - 1]!.r > m.r) at--;
    queue.splice(at, 0, m);
    pump();
  };
  const withdraw = (i: number): boolean => {
    const at = queue.findIndex((m) => m.i === i);
    if (at < 0) return false;
    const [m] = queue.splice(at, 1);
    if (m!.fd >= 0) fs.closeSync(m!.fd);
    send({ i, q: 1 });
    pump();
    return true;
  };
  const handle = (msg: Msg & Partial<Req>): void => {
    if (msg.i !== undefined) enqueue(msg as Req);
    else if (msg.j !== undefined) {
      jobs = msg.j;
      if (msg.v !== undefined) base = msg.v;
      if (msg.g !== undefined) looked = msg.g;
      if (msg.m !== undefined) mark = msg.m;
      // Before any command starts.
      if (msg.n !== undefined) countFd = reopenCloseOnExec(fs, msg.n);
      pump();
    } else if (msg.k !== undefined) {
      if (!withdraw(msg.k)) {
        const pid = pids.get(msg.k);
        if (pid !== undefined) {
          try {
            process.kill(-pid, msg.s ?? 'SIGTERM');
          } catch {
            /* gone */
          }
        }
      }
    } else if (msg.w !== undefined) withdraw(msg.w);
    else if (msg.g !== undefined) {
      looked = Math.max(looked, msg.g);
      pump();
    }
  };
  // A write to `run` that is gone (EPIPE) fails later, as an 'error' event: without a listener,
  // node would print a stack on the terminal the launcher shares with `run`. stdin ends next.
  process.stdout.on('error', () => undefined);
  process.stdin.setEncoding('utf8');
  const onData = lineReader((line) => handle(JSON.parse(line) as Msg & Partial<Req>));
  // What run sends meanwhile waits in the pipe.
  void importExeca().then((m) => {
    execa = m.execa;
    process.stdin.on('data', onData);
    process.stdin.on('end', () => {
      closing = true;
      process.exit(0);
    });
  });
  // Ctrl-C and friends are for `run`, which stops the work; the launcher follows run's end.
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => undefined);
}

/** A request as the launcher holds it (see the protocol above). */
interface Req {
  readonly i: number;
  readonly f: string;
  readonly a: string[];
  /** Set: `f` is a command line for /bin/sh -c. */
  readonly b?: 1;
  readonly c: string;
  /** Changes to the base environment: a value sets, null unsets. */
  readonly e: Record<string, string | null>;
  readonly l: string;
  readonly h: [string, string];
  readonly r: number;
  /** Set: it has a --jobs slot, and starts even while a failure not looked at yet holds the rest. */
  readonly o?: 1;
  /**
   * Set: [uid, gid, places], who the log goes to when it is root's and lies in one of those
   * folders under one name (made under sudo: state-owner.ts).
   */
  readonly u?: readonly [number, number, readonly string[]];
  /** The log, open from the moment the request is queued; -1 when it could not be opened. */
  fd: number;
  /** Why the log could not be opened: 'link', 'not-file', or the error's code ('?': none). */
  y: string | undefined;
  /** The error's message, if any. */
  err: string | undefined;
}
/** A control message from `run` (see the protocol above). */
interface Msg {
  readonly j?: number;
  readonly v?: Record<string, string>;
  readonly n?: number;
  readonly m?: string;
  readonly k?: number;
  readonly s?: NodeJS.Signals;
  readonly w?: number;
  readonly g?: number;
}

/** Feeds text in chunks, calls `onLine` with each complete line that is not empty. */
function lineReader(onLine: (line: string) => void): (chunk: string) => void {
  let buf = '';
  return (chunk) => {
    buf += chunk;
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (line !== '') onLine(line);
    }
  };
}

/**
 * A log opened for appending (fd -1 and why, when it cannot be): never through a symbolic link
 * (it would append to whatever file the link names), and never waiting on a FIFO (the open would
 * block the launcher, deaf to every signal); only a regular file is taken. `owner`: [uid, gid]
 * the log goes to when it is root's.
 */
function openAppendLog(
  fs: typeof FsModule,
  path: string,
  owner?: readonly [number, number, readonly string[]],
): { fd: number; y?: string; err?: string } {
  const c = fs.constants;
  try {
    const flags = c.O_WRONLY | c.O_APPEND | c.O_CREAT | c.O_NOFOLLOW | c.O_NONBLOCK;
    const fd = fs.openSync(path, flags, 0o666);
    const st = fs.fstatSync(fd);
    if (st.isFile() && owner !== undefined) {
      try {
        if (ownedByState(st, fd, owner[2], fs)) fs.fchownSync(fd, owner[0], owner[1]);
      } catch {
        /* no owners there, or no /proc: it stays root's */
      }
    }
    if (st.isFile()) return { fd };
    fs.closeSync(fd);
    return { fd: -1, y: 'not-file' };
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ELOOP' || code === 'EMLINK') return { fd: -1, y: 'link' };
    if (code === 'ENXIO') return { fd: -1, y: 'not-file' };
    return { fd: -1, y: code ?? '?', err: e instanceof Error ? e.message : String(e) };
  }
}

/**
 * Descriptor `n` opened again by node (close-on-exec) and the inherited one closed, so that the
 * commands do not inherit it. (Where there is no /dev/fd, the inherited one serves: node does
 * not pass it on either.)
 */
function reopenCloseOnExec(fs: typeof FsModule, n: number): number {
  try {
    const fd = fs.openSync(`/dev/fd/${n}`, 'a');
    fs.closeSync(n);
    return fd;
  } catch {
    return n;
  }
}

/**
 * Starts request `m`'s command at `t` in its own process group, stdout and stderr appended to
 * its log after the attempt's header; the child, or why it could not start (the log among
 * others). Closes the log's
 * descriptor either way (the child has its own copy). Runs in the launcher, beside launcherMain.
 */
function spawnLogged(
  execa: typeof ExecaModule.execa,
  fs: typeof FsModule,
  base: Record<string, string>,
  m: Req,
  t: number,
):
  | { readonly ok: true; readonly child: ReturnType<typeof ExecaModule.execa> }
  | { readonly ok: false; readonly error: string; readonly y?: string } {
  const fd = m.fd;
  if (fd < 0) return { ok: false, error: m.err ?? '', y: m.y ?? '?' };
  try {
    try {
      fs.writeSync(fd, `${m.h[0]}${new Date(t).toISOString()}${m.h[1]}`);
    } catch (e) {
      const code = (e as { code?: string }).code;
      return { ok: false, error: e instanceof Error ? e.message : String(e), y: code ?? '?' };
    }
    const env = { ...base };
    for (const k in m.e) {
      const v = m.e[k];
      if (v === null || v === undefined) delete env[k];
      else env[k] = v;
    }
    // The cheapest execa: the log's descriptor goes straight to the child (no stream here),
    // nothing buffered, no exit hook (run cleans up), no rejection, no kill timer of its own.
    // (execa passes any descriptor number through at runtime; its typings list only 3 to 9.)
    const log = fd as 3;
    const child = execa(m.f, m.a, {
      shell: m.b === 1 ? '/bin/sh' : false,
      cwd: m.c,
      env,
      extendEnv: false,
      detached: true,
      stdin: 'ignore',
      stdout: log,
      stderr: log,
      buffer: false,
      cleanup: false,
      reject: false,
      forceKillAfterDelay: false,
    });
    return { ok: true, child };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Set by scripts/bundle.mjs for the single-file build: the file, beside the bundle, that holds
 * execa for the launcher (the bundle has no node_modules to resolve it from).
 */
declare const __CRITPATH_EXECA__: string | undefined;

/**
 * The launcher's program, for `node -e` (CommonJS, so `require` is there; execa by its URL). The
 * `import()` is in this text, not in launcherMain: a test runner that rewrites imports in the
 * source it loads would rewrite one there into something a bare node process does not have.
 */
function launcherSource(): string {
  const execaUrl =
    typeof __CRITPATH_EXECA__ === 'string'
      ? new URL(__CRITPATH_EXECA__, import.meta.url).href
      : import.meta.resolve('execa');
  // A readable name in ps and top, instead of this source as the command line.
  const title = `process.title = ${JSON.stringify(`critpath launcher (run pid ${process.pid})`)};`;
  return `${title}\n${[spawnLogged, lineReader, reopenCloseOnExec, openAppendLog, ownedByState].map((f) => f.toString()).join('\n')}\n(${launcherMain.toString()})(require, () => import(${JSON.stringify(execaUrl)}));\n`;
}

/** This process's environment, without unset variables. */
function currentEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  return env;
}

/** What `run` hears about one request. */
export interface LaunchHandlers {
  /** It started at `at` (epoch ms) as process (group) `pid`. */
  readonly onStart: (pid: number, at: number) => void;
  /**
   * It ended, or (`error`) could not start. `counted`: the launcher counted it as a failure
   * (a non-zero exit, a start that failed), which holds every launcher until go(); not so when
   * the launcher itself is gone. `logFault`: it could not start because its log could not be
   * opened or written: 'link', 'not-file' (a FIFO, a folder), or the error's code ('?': none).
   * `code`: the code of the start the OS refused (E2BIG, EAGAIN, ENOENT…), when it has one.
   */
  readonly onEnd: (
    exitCode: number | null,
    signal: string | null,
    error: string | undefined,
    counted: boolean,
    logFault?: string,
    code?: string,
  ) => void;
  /** It was withdrawn before it started. */
  readonly onWithdrawn: () => void;
  /**
   * The launcher died (killed, or out of memory) before telling how it ended: `why` says so.
   * Its command, if it started, may still run, in its own process group.
   */
  readonly onLost: (why: string) => void;
}

export interface LaunchRequest {
  /** A string runs through /bin/sh -c, an argv array without a shell. */
  readonly command: string | readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  /** Absolute path of the log, opened for append. */
  readonly log: string;
  /** Written to the log before the command starts: [0] + start time (ISO) + [1]. */
  readonly header: readonly [string, string];
  /** Queued requests start in this order (lower first). */
  readonly rank: number;
  /**
   * `run` gave it a free --jobs slot: it starts as soon as the launcher has it, even while a
   * failure not looked at yet holds the queue. Without: it waits ahead of a slot, and is held.
   */
  readonly slot?: boolean;
  /** Who the log goes to when it is root's (under sudo: state-owner.ts); none: it stays. */
  readonly owner?: StateOwner | undefined;
}

/** How launchers that share the --jobs slots share their failure count. */
export interface SharedCount {
  /** An open descriptor (append mode) of the failure-count file, for each launcher to inherit. */
  readonly fd: number;
  /** The byte this launcher appends for each failure (one character, its own). */
  readonly mark: string;
  /** Failures looked at so far, for a launcher that starts (or starts again) now. */
  readonly looked: () => number;
  /** Called when the launcher process is gone. */
  readonly onGone: () => void;
}

/** The parent's side of a launcher process. */
export class Launcher {
  readonly #shared: SharedCount | undefined;
  #child: ChildProcess | undefined;
  #jobs = 1;
  #buf = '';
  /** Requests not written yet: what one turn of the event loop sends goes in one write. */
  #out = '';
  #next = 1;
  /** The environment the launcher has; requests carry only their changes to it. */
  #base: Record<string, string> = {};
  readonly #pending = new Map<number, LaunchHandlers>();

  /** `shared`: the failure count it shares with other launchers; none: it counts alone. */
  constructor(shared?: SharedCount) {
    this.#shared = shared;
  }

  /** Launcher processes whose end was handled. */
  readonly #gone = new WeakSet<ChildProcess>();

  /** The launcher process's pid, while it runs. */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Requests sent and not yet ended. */
  get load(): number {
    return this.#pending.size;
  }

  /** Starts the launcher process now (it also starts, again, on a request after it is gone). */
  start(jobs: number): void {
    this.#jobs = jobs;
    if (this.#child !== undefined) {
      this.#send({ j: jobs });
      return;
    }
    this.#base = currentEnv();
    const own = { ...this.#base };
    delete own['NODE_OPTIONS'];
    const child = spawn(
      process.execPath,
      // Its memory is its fork cost: a small young generation, and lite mode (no optimizing
      // compiler, lazy feedback; quiet about wasm, which it does not use). A short-lived process
      // that mostly waits gains nothing from optimized code.
      ['--max-semi-space-size=1', '--lite-mode', '--no-expose-wasm', '-e', launcherSource()],
      // Its own process group: a Ctrl-C on the terminal is for `run`, which stops the work.
      {
        stdio: [
          'pipe',
          'pipe',
          'inherit',
          ...(this.#shared !== undefined ? [this.#shared.fd] : []),
        ],
        detached: true,
        env: own,
      },
    );
    this.#child = child;
    child.unref();
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => this.#onData(chunk));
    child.stdin!.on('error', () => undefined);
    // After its exit and the end of its output (what it said before it died is read first).
    child.on('close', () => this.#onGone(child));
    child.on('error', () => this.#onGone(child));
    // Its exit (how it died) is not waited for (unref'd): a process that waited for nothing else
    // would end, once the launcher's stdout has, before hearing of it. This timer waits.
    child.stdout!.on('close', () => {
      if (this.#child === child) setTimeout(() => this.#onGone(child), 1000);
    });
    const shared = this.#shared;
    this.#send({
      j: jobs,
      v: this.#base,
      ...(shared !== undefined ? { n: 3, m: shared.mark, g: shared.looked() } : {}),
    });
    this.#refresh();
  }

  /** Queues a command; returns the request's id. */
  launch(req: LaunchRequest, handlers: LaunchHandlers): number {
    if (this.#child === undefined) this.start(this.#jobs);
    const i = this.#next++;
    this.#pending.set(i, handlers);
    this.#refresh();
    const shell = typeof req.command === 'string';
    const env: Record<string, string | null> = {};
    const base = this.#base;
    for (const k in req.env) if (base[k] !== req.env[k]) env[k] = req.env[k]!;
    for (const k in base) if (!(k in req.env)) env[k] = null;
    this.#send({
      i,
      f: shell ? req.command : req.command[0],
      a: shell ? [] : req.command.slice(1),
      ...(shell ? { b: 1 } : {}),
      c: req.cwd,
      e: env,
      l: req.log,
      h: req.header,
      r: req.rank,
      ...(req.slot === true ? { o: 1 } : {}),
      ...(req.owner !== undefined ? { u: [req.owner.uid, req.owner.gid, req.owner.places] } : {}),
    });
    return i;
  }

  /** Signals request `i`'s process group; withdraws it when it has not started yet. */
  signal(i: number, signal: NodeJS.Signals): void {
    if (this.#pending.has(i)) this.#send({ k: i, s: signal });
  }

  /** Withdraws request `i` if it has not started yet. */
  withdraw(i: number): void {
    if (this.#pending.has(i)) this.#send({ w: i });
  }

  /**
   * `looked` failures (counted by this launcher or, sharing a count, by any) have been looked at:
   * the queue may go on once that covers every failure counted.
   */
  go(looked: number): void {
    this.#send({ g: looked });
  }

  /** Ends the launcher (it exits when its stdin closes). */
  close(): void {
    const child = this.#child;
    if (child === undefined) return;
    this.#flush();
    this.#child = undefined;
    child.stdin!.end();
    child.stdout!.destroy();
    this.#onGone(child);
  }

  #send(o: object): void {
    if (this.#child === undefined) return;
    if (this.#out === '') process.nextTick(() => this.#flush());
    this.#out += `${JSON.stringify(o)}\n`;
  }

  #flush(): void {
    if (this.#out === '') return;
    const text = this.#out;
    this.#out = '';
    this.#child?.stdin!.write(text);
  }

  #onData(chunk: string): void {
    this.#buf += chunk;
    let nl: number;
    while ((nl = this.#buf.indexOf('\n')) >= 0) {
      const line = this.#buf.slice(0, nl);
      this.#buf = this.#buf.slice(nl + 1);
      if (line === '') continue;
      const m = JSON.parse(line) as {
        i: number;
        p?: number;
        t?: number;
        x?: number | null;
        s?: string | null;
        e?: string;
        y?: string;
        z?: string;
        q?: number;
      };
      const h = this.#pending.get(m.i);
      if (h === undefined) continue;
      if (m.p !== undefined) {
        h.onStart(m.p, m.t ?? Date.now());
        continue;
      }
      this.#pending.delete(m.i);
      if (m.q !== undefined) h.onWithdrawn();
      else if (m.e !== undefined) h.onEnd(null, null, m.e, true, m.y, m.z);
      else h.onEnd(m.x ?? null, m.s ?? null, undefined, m.x !== 0);
    }
    this.#refresh();
  }

  /** The launcher is gone: what it had can no longer be watched. */
  #onGone(child: ChildProcess): void {
    // Heard of once: its exit, its stdout's end and an error each tell it, the later ones while a
    // launcher started since may hold new requests.
    if (this.#gone.has(child)) return;
    this.#gone.add(child);
    // Not closed by this process: it died.
    const died = this.#child === child;
    if (died) {
      this.#child = undefined;
      this.#out = ''; // for a launcher that is gone
    }
    const lost = [...this.#pending.values()];
    this.#pending.clear();
    const how = child.signalCode !== null ? ` (${child.signalCode})` : '';
    const why = `the process that started its command (critpath launcher, pid ${child.pid}) died${how}`;
    for (const h of lost)
      if (died) h.onLost(why);
      else h.onEnd(null, null, 'the spawn launcher exited', false);
    this.#shared?.onGone();
  }

  /** Keeps node alive while answers are due, and only then. */
  #refresh(): void {
    // A pipe to a child process is a net.Socket, which can be (un)referenced.
    const out = this.#child?.stdout as Socket | null | undefined;
    if (out === undefined || out === null) return;
    if (this.#pending.size > 0) out.ref();
    else out.unref();
  }
}
