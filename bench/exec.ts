/**
 * bench:exec — 2,000 no-op tasks (`true`) in a layered graph (20 layers of 100, each task after two
 * of the previous layer), --jobs 2. Target: critpath ≤ 1.25× the bare loop.
 *
 * The two sides, each a fresh `node` process timed from spawn to exit by this one:
 *
 *   bare      `node dist/bench/exec.mjs --bare`: this file's bareLoop() and nothing else. It walks
 *             the same graph in the same dependency order, at most 2 at a time, with
 *             child_process.spawn('true', [], { stdio: 'ignore', detached: true }) (detached: its
 *             own process group, as critpath gives each attempt). No log, no journal, no env.
 *   critpath  `node bin/critpath.js run bench.yaml --jobs 2` on a fresh project: startup, YAML
 *             load and validation, lock, journal (started/finished records, fdatasync'ed before
 *             dependents start), one log file per task with its header line, CRITPATH_* env, the
 *             orphan sweep, the plain reporter on stdout (to /dev/null here), the summary.
 *
 * Both sides are run BENCH_ROUNDS times (default 3), alternating, since the machine is shared;
 * the ratio reported is the median of the per-round ratios. The bare child also prints its loop
 * time alone (without node's startup), shown for reference.
 *
 * For reference, a third loop, `--execa`: the bare loop with each command started by execa (the
 * options critpath's launcher uses) instead of child_process.spawn. The issue asks for execa;
 * this is what that choice costs before critpath does anything of its own. Skipped when execa
 * cannot be loaded (BENCH_EXECA: a file that exports it, for a host without node_modules).
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as ExecaModule from 'execa';

const LAYERS = 20;
const WIDTH = 100;
const JOBS = 2;
const N = LAYERS * WIDTH;

/** deps[i]: two tasks of the previous layer. */
const deps: number[][] = Array.from({ length: N }, (_, i) => {
  const layer = Math.floor(i / WIDTH);
  if (layer === 0) return [];
  const k = i % WIDTH;
  const prev = (layer - 1) * WIDTH;
  return [...new Set([prev + k, prev + ((k + 37) % WIDTH)])];
});

/** Starts `true` in a process group of its own; calls `exited` when it is gone. */
type Starter = (exited: () => void) => void;

const spawnTrue: Starter = (exited) => {
  spawn('true', [], { stdio: 'ignore', detached: true }).on('exit', exited);
};

async function execaStarter(): Promise<Starter> {
  const from = process.env['BENCH_EXECA'];
  const { execa } = (await import(
    from !== undefined ? pathToFileURL(from).href : 'execa'
  )) as typeof ExecaModule;
  const env = { ...process.env };
  return (exited) => {
    void execa('true', [], {
      env,
      extendEnv: false,
      detached: true,
      stdin: 'ignore',
      stdout: 'ignore',
      stderr: 'ignore',
      buffer: false,
      cleanup: false,
      reject: false,
      forceKillAfterDelay: false,
    }).then(exited);
  };
}

function bareLoop(start: Starter): Promise<number> {
  return new Promise((resolveDone) => {
    const t0 = performance.now();
    const missing = deps.map((d) => d.length);
    const succ: number[][] = Array.from({ length: N }, () => []);
    deps.forEach((d, i) => d.forEach((p) => succ[p]!.push(i)));
    const ready = missing.flatMap((m, i) => (m === 0 ? [i] : []));
    let running = 0;
    let done = 0;
    const pump = (): void => {
      while (running < JOBS && ready.length > 0) {
        const i = ready.shift()!;
        running++;
        start(() => {
          running--;
          done++;
          for (const s of succ[i]!) if (--missing[s]! === 0) ready.push(s);
          if (done === N) resolveDone(performance.now() - t0);
          else pump();
        });
      }
    };
    pump();
  });
}

/** Runs `node args…` and resolves with its wall time and stdout. */
function timed(args: string[], cwd: string): Promise<{ ms: number; stdout: string }> {
  return new Promise((resolveDone, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.on('close', (code) =>
      code === 0
        ? resolveDone({ ms: performance.now() - t0, stdout })
        : reject(new Error(`node ${args.join(' ')} exited ${code}`)),
    );
  });
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Seconds, two decimals. */
const sec = (ms: number): string => (ms / 1000).toFixed(2);

/** Creates `n` empty files in a new directory under `parent`; returns the milliseconds it took. */
function createFiles(parent: string, n: number): number {
  const d = mkdtempSync(join(parent, 'probe-'));
  const t0 = performance.now();
  for (let i = 0; i < n; i++) closeSync(openSync(join(d, `f${i}.log`), 'a'));
  return performance.now() - t0;
}

if (process.argv.includes('--bare')) {
  console.log(String(await bareLoop(spawnTrue)));
} else if (process.argv.includes('--execa')) {
  const start = await execaStarter().catch(() => undefined);
  console.log(start === undefined ? 'none' : String(await bareLoop(start)));
} else {
  const rounds = Math.max(1, Number(process.env['BENCH_ROUNDS'] ?? 3));
  const root = mkdtempSync(join(tmpdir(), 'critpath-bench-'));
  const lines = ['project: bench', 'start: 2026-01-05', 'tasks:'];
  deps.forEach((d, i) =>
    lines.push(
      `  - { id: t${i}, hours: 1, deps: [${d.map((p) => `t${p}`).join(', ')}], run: ["true"] }`,
    ),
  );
  const yaml = `${lines.join('\n')}\n`;
  const self = import.meta.filename;
  // BENCH_CLI: another build of the CLI (the single-file bundle, on a host without npm).
  // The loops run in the project directory: a path given relative to here must not change.
  if (process.env['BENCH_EXECA'] !== undefined)
    process.env['BENCH_EXECA'] = resolve(process.env['BENCH_EXECA']);
  const bin = resolve(
    process.env['BENCH_CLI'] ?? join(import.meta.dirname, '../../bin/critpath.js'),
  );

  console.log(
    `bench:exec  ${N} no-op tasks, ${LAYERS} layers x ${WIDTH}, --jobs ${JOBS}; ${availableParallelism()} cores, node ${process.version}`,
  );
  // critpath writes one log per task: what creating that many files costs here is part of its
  // time and none of the bare loop's. Shown so a slow file system can be told from a slow
  // critpath (ext4 without a journal, for one, scans past every inode freed in the last minute).
  console.log(`  file system: ${N} empty files created in ${createFiles(root, N).toFixed(0)} ms`);
  const bare: number[] = [];
  const loops: number[] = [];
  const viaExeca: number[] = [];
  const cp: number[] = [];
  for (let r = 0; r < rounds; r++) {
    // A fresh project each round. Nothing is deleted until the end: deleting the last round's
    // logs just before this round's run would slow its file creation on such file systems.
    const dir = join(root, `round-${r + 1}`);
    mkdirSync(dir);
    writeFileSync(join(dir, 'package.json'), '{}\n');
    writeFileSync(join(dir, 'bench.yaml'), yaml);
    const b = await timed([self, '--bare'], dir);
    bare.push(b.ms);
    loops.push(Number(b.stdout.trim()));
    const e = await timed([self, '--execa'], dir);
    if (e.stdout.trim() !== 'none') viaExeca.push(e.ms);
    cp.push((await timed([bin, 'run', 'bench.yaml', '--jobs', String(JOBS)], dir)).ms);
    console.log(
      `  round ${r + 1}: bare ${sec(bare[r]!)} s (loop ${sec(loops[r]!)} s)  critpath ${sec(cp[r]!)} s  ratio ${(cp[r]! / bare[r]!).toFixed(2)}x`,
    );
  }
  const ratios = cp.map((c, r) => c / bare[r]!);
  console.log(
    `  bare child_process.spawn loop (fresh node): ${sec(median(bare))} s median (loop alone ${sec(median(loops))} s)`,
  );
  if (viaExeca.length === rounds) {
    const r = median(viaExeca.map((e, i) => e / bare[i]!));
    console.log(
      `  the same loop through execa (reference):   ${sec(median(viaExeca))} s median, ${r.toFixed(2)}x the bare loop`,
    );
  } else console.log('  the same loop through execa (reference):   skipped, execa not found');
  console.log(`  critpath run (whole CLI):                  ${sec(median(cp))} s median`);
  console.log(`  ratio: ${median(ratios).toFixed(2)}x median of ${rounds} (target <= 1.25x)`);
  rmSync(root, { recursive: true, force: true });
}
