/**
 * bench:status — `critpath status --json` on a 10,000-task project (100 layers of 100, each task
 * after two of the previous layer) with a journal of one run that finished 7,000 of them, failed
 * one for good and ended: 14,004 records. Times the built CLI (`node bin/critpath.js`, a fresh
 * process each time, output to a pipe) from spawn to exit. The first call finds no validated-
 * project cache (it parses the YAML and writes the cache); the later ones are the usual case.
 * Target: ≤ 300 ms.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const LAYERS = 100;
const WIDTH = 100;
const N = LAYERS * WIDTH;
const DONE = 7000;
const CALLS = Math.max(2, Number(process.env['BENCH_CALLS'] ?? 7));

const dir = mkdtempSync(join(tmpdir(), 'critpath-bench-status-'));
writeFileSync(join(dir, 'package.json'), '{}\n');
const file = join(dir, 'big.yaml');
const lines = ['project: big', 'start: 2026-01-05', 'tasks:'];
for (let i = 0; i < N; i++) {
  const layer = Math.floor(i / WIDTH);
  const k = i % WIDTH;
  const prev = (layer - 1) * WIDTH;
  const deps = layer === 0 ? [] : [...new Set([prev + k, prev + ((k + 37) % WIDTH)])];
  lines.push(
    `  - { id: t${i}, hours: ${1 + (i % 5)}, deps: [${deps.map((p) => `t${p}`).join(', ')}], run: ["true"] }`,
  );
}
writeFileSync(file, `${lines.join('\n')}\n`);

const runId = '20260105T090000-bench0';
const t0 = Date.parse('2026-01-05T09:00:00Z');
const recs: object[] = [
  {
    v: 1,
    t: 'run-start',
    at: t0,
    runId,
    pid: 999999,
    pidStart: '1',
    boot: 'bench',
    host: 'bench',
    backend: 'local',
    jobs: 4,
    gpus: [],
    simulatedGpus: false,
  },
];
let at = t0;
for (let i = 0; i <= DONE; i++) {
  const id = `t${i}`;
  const log = `.critpath/logs/${id}.log`;
  recs.push({
    v: 1,
    t: 'started',
    at,
    runId,
    id,
    attempt: 1,
    backend: 'local',
    pid: 1000 + i,
    gpus: [],
    log,
  });
  at += 1000;
  recs.push(
    i < DONE
      ? { v: 1, t: 'finished', at, runId, id, attempt: 1, exitCode: 0, durationMs: 1000 }
      : {
          v: 1,
          t: 'failed',
          at,
          runId,
          id,
          attempt: 1,
          reason: 'exit-non-zero',
          exitCode: 1,
          signal: null,
          durationMs: 1000,
          final: true,
        },
  );
}
recs.push({ v: 1, t: 'run-end', at, runId, outcome: 'failed' });
mkdirSync(join(dir, '.critpath'), { recursive: true });
writeFileSync(
  join(dir, '.critpath', 'big.journal'),
  recs.map((r) => `${JSON.stringify(r)}\n`).join(''),
);

const bin = resolve(import.meta.dirname, '../../bin/critpath.js');
function statusOnce(): Promise<{ ms: number; bytes: number }> {
  return new Promise((resolveDone, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, [bin, 'status', file, '--json'], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let bytes = 0;
    child.stdout.on('data', (d: Buffer) => (bytes += d.length));
    child.on('close', (code) =>
      code === 0
        ? resolveDone({ ms: performance.now() - start, bytes })
        : reject(new Error(`status exited ${code}`)),
    );
  });
}

const times: number[] = [];
let bytes = 0;
for (let k = 0; k < CALLS; k++) {
  const r = await statusOnce();
  times.push(r.ms);
  bytes = r.bytes;
}
const warm = times.slice(1).sort((a, b) => a - b);
console.log(
  `bench:status  ${N} tasks, ${recs.length} journal records, status --json (${bytes} bytes)`,
);
console.log(`  first call (no project cache yet): ${times[0]!.toFixed(0)} ms`);
console.log(
  `  next ${warm.length} calls: median ${warm[warm.length >> 1]!.toFixed(0)} ms, min ${warm[0]!.toFixed(0)} ms, max ${warm[warm.length - 1]!.toFixed(0)} ms (target <= 300 ms)`,
);
rmSync(dir, { recursive: true, force: true });
