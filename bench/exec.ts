/**
 * bench:exec — 2,000 no-op tasks (`true`) in a layered graph, --jobs 2: wall time of the built
 * `critpath run` (a fresh process: startup, YAML load, journal with fsync, logs, orphan sweep)
 * next to a bare child_process.spawn loop over the same graph in this process.
 * Target: critpath ≤ 1.25× the bare loop.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

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

function bareLoop(): Promise<number> {
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
        spawn('true', [], { stdio: 'ignore' }).on('exit', () => {
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

function critpathRun(dir: string, file: string): Promise<number> {
  return new Promise((resolveDone, reject) => {
    const t0 = performance.now();
    const bin = resolve(import.meta.dirname, '../../bin/critpath.js');
    const child = spawn('node', [bin, 'run', file, '--jobs', String(JOBS)], {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    child.on('exit', (code) =>
      code === 0
        ? resolveDone(performance.now() - t0)
        : reject(new Error(`critpath exited ${code}`)),
    );
  });
}

const dir = mkdtempSync(join(tmpdir(), 'critpath-bench-'));
writeFileSync(join(dir, 'package.json'), '{}\n');
const file = join(dir, 'bench.yaml');
const lines = ['project: bench', 'start: 2026-01-05', 'tasks:'];
deps.forEach((d, i) =>
  lines.push(
    `  - { id: t${i}, hours: 1, deps: [${d.map((p) => `t${p}`).join(', ')}], run: ["true"] }`,
  ),
);
writeFileSync(file, `${lines.join('\n')}\n`);

const bare = await bareLoop();
const cp = await critpathRun(dir, file);
console.log(`bench:exec  ${N} no-op tasks, ${LAYERS} layers x ${WIDTH}, --jobs ${JOBS}`);
console.log(`  bare child_process.spawn loop: ${(bare / 1000).toFixed(2)} s`);
console.log(`  critpath run (whole CLI):      ${(cp / 1000).toFixed(2)} s`);
console.log(`  ratio: ${(cp / bare).toFixed(2)}x (target <= 1.25x)`);
