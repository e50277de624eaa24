/**
 * Scale benchmark, as users run critpath: generated task files of 10k, 100k and 1M tasks
 * (`bench/project-generator.ts`: 30 % GPU tasks needing 1, 2 or 4 GPUs, about 4 deps each, hour
 * ranges, run commands), written as YAML and as JSON, and the built CLI (`node bin/critpath.js`)
 * started cold on each: a fresh project directory per run, so no project cache. It times
 * `validate`, `plan` (CPM), `plan --team 3 --json`, `plan --team 3` (table) and `status`, and
 * prints, per command, the median wall seconds of `--runs` runs (default 3; from spawn to exit,
 * Node's start included, and the second process where the CLI starts one for a huge file) and the
 * highest peak RSS (`process.resourceUsage().maxRSS` read at exit by a one-line `--import` probe,
 * summed over the CLI's processes),
 * the growth from 10k to 100k, and each figure against issue 17's targets: at 100k ≤ 5 s and
 * ≤ 1 GiB; at 1M the critical path (`plan`) ≤ 5 s; growth ≤ 12×. Then, labelled, the engine-only
 * figures (bench/scale-engine.ts), unless `--no-engine`.
 *
 *   npm run bench:scale                                   # everything (minutes)
 *   npm run bench:scale -- --sizes 10k,100k --formats yaml
 *   npm run bench:scale -- --sizes 100k --commands team-json,team-table --no-engine
 *   npm run bench:scale -- --engine-only --sizes 10k,100k
 *   npm run bench:scale -- --sizes 1M --commands cpm --no-engine --runs 1
 *   npm run bench:scale -- --sizes 100k --commands team-json --stdout pipe
 *
 * The CLI's standard output goes to a file in the run's directory, as a user's
 * `critpath plan big.yaml --team 3 --json > plan.json` sends it. `--stdout pipe` reads it
 * through a pipe into this process instead (spawnSync's buffers): on a 2-core machine that
 * reader competes with the CLI for the second core, which costs the 87 MB of 100k-task JSON
 * most of a second.
 *
 * Commands: validate, cpm, team-json, team-table, status. Needs `npm run build` first.
 */
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { generateProject, toJson, toYaml } from './project-generator.js';
import type { ScaleCommand, ScaleFormat, ScaleRun } from './scale-report.js';
import {
  SCALE_COMMANDS,
  SCALE_FORMATS,
  SCALE_SIZES,
  growthLine,
  headerLine,
  pick,
  runLine,
} from './scale-report.js';
import { runEngine } from './scale-engine.js';

const CLI = fileURLToPath(new URL('../../bin/critpath.js', import.meta.url));

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i < 0 ? undefined : process.argv[i + 1];
}

function fail(message: string): never {
  console.error(`bench:scale: ${message}`);
  process.exit(2);
}

function picked<T>(r: readonly T[] | string): readonly T[] {
  return typeof r === 'string' ? fail(r) : r;
}

/**
 * Adds the process's peak RSS (KiB) as a line to $CRITPATH_BENCH_RSS when it exits. Node passes
 * `--import` on to the second process a huge task file is read in (src/cli/relaunch.ts), so a
 * command's figure is the sum of its processes' peaks.
 */
const PROBE = `import { appendFileSync } from 'node:fs';
process.on('exit', () => appendFileSync(process.env.CRITPATH_BENCH_RSS, process.resourceUsage().maxRSS + '\\n'));
`;

/** Runs the CLI once on a link to `file` in a fresh project directory under `work`. */
function timeCli(
  work: string,
  probe: string,
  file: string,
  command: ScaleCommand,
  timeoutMs: number,
): Omit<ScaleRun, 'size' | 'format' | 'command'> {
  const dir = mkdtempSync(join(work, 'run-'));
  mkdirSync(join(dir, '.critpath'));
  const target = join(dir, basename(file));
  try {
    linkSync(file, target);
  } catch {
    copyFileSync(file, target);
  }
  const rssFile = join(dir, 'rss');
  const out = stdoutTo === 'file' ? openSync(join(dir, 'stdout'), 'w') : 'pipe';
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--import', probe, CLI, ...command.args, basename(file)], {
    cwd: dir,
    stdio: ['ignore', out, 'pipe'],
    env: { ...process.env, CRITPATH_BENCH_RSS: rssFile },
    maxBuffer: 1 << 30,
    timeout: timeoutMs,
  });
  const wallS = (performance.now() - t0) / 1000;
  if (typeof out === 'number') closeSync(out);
  const rssMiB = existsSync(rssFile) ? sumOfLines(readFileSync(rssFile, 'utf8')) / 1024 : NaN;
  if (r.status !== 0) {
    const why = r.status === null ? `killed (${r.signal ?? '?'})` : `exit ${r.status}`;
    console.error(`  ${command.label}: ${why}: ${r.stderr.toString().slice(0, 400)}`);
  }
  rmSync(dir, { recursive: true, force: true });
  return { wallS, rssMiB, exitCode: r.status ?? -1 };
}

function sumOfLines(text: string): number {
  return text
    .trim()
    .split('\n')
    .reduce((sum, line) => sum + Number(line), 0);
}

/**
 * `n` runs of `once`: the median wall time (the machine's noise is a second either way on the
 * same run), the highest peak RSS, and the first failing exit code (else 0).
 */
function medianOf(
  n: number,
  once: () => Omit<ScaleRun, 'size' | 'format' | 'command'>,
): Omit<ScaleRun, 'size' | 'format' | 'command'> {
  const all = Array.from({ length: n }, once);
  const walls = all.map((r) => r.wallS).sort((a, b) => a - b);
  const mid = walls.length >> 1;
  const wallS = walls.length % 2 === 1 ? walls[mid]! : (walls[mid - 1]! + walls[mid]!) / 2;
  const rssMiB = Math.max(...all.map((r) => r.rssMiB));
  const exitCode = all.find((r) => r.exitCode !== 0)?.exitCode ?? 0;
  return { wallS, rssMiB, exitCode };
}

function writeProject(
  work: string,
  n: number,
  formats: readonly ScaleFormat[],
): Map<ScaleFormat, string> {
  const p = generateProject(n);
  const files = new Map<ScaleFormat, string>();
  for (const f of formats) {
    const file = join(work, `generated-${n}.${f}`);
    writeFileSync(file, f === 'yaml' ? toYaml(p) : toJson(p));
    files.set(f, file);
  }
  return files;
}

const sizes = picked(pick(option('--sizes'), SCALE_SIZES, (s) => s.name, 'size'));
const formats = picked(pick(option('--formats'), SCALE_FORMATS, (f) => f, 'format'));
const commands = picked(pick(option('--commands'), SCALE_COMMANDS, (c) => c.key, 'command'));
const timeoutMs = Number(option('--timeout-s') ?? '600') * 1000;
/** Runs of each command: its row gives the median wall time and the highest peak RSS. */
const times = Math.max(1, Math.floor(Number(option('--runs') ?? '3')));
const engineSize = option('--engine-size');
/** Where the CLI's standard output goes: a file (as `> plan.json`), or a pipe into this process. */
const stdoutTo = option('--stdout') ?? 'file';
if (stdoutTo !== 'file' && stdoutTo !== 'pipe') fail(`--stdout is file or pipe, got ${stdoutTo}`);

if (engineSize !== undefined) {
  await runEngine(Number(engineSize), Number(option('--plan-ms') ?? '1000'));
} else if (process.argv.includes('--engine-only')) {
  printEngine();
} else {
  if (!existsSync(join(CLI, '..', '..', 'dist', 'critpath.mjs'))) fail('run `npm run build` first');
  const work = mkdtempSync(join(tmpdir(), 'critpath-scale-'));
  const probe = join(work, 'rss-probe.mjs');
  writeFileSync(probe, PROBE);
  const probeUrl = pathToFileURL(probe).href;
  console.log(
    `Scale benchmark: the built CLI (node bin/critpath.js), cold, a fresh project directory per run (no cache), median wall of ${times} run${times === 1 ? '' : 's'} per row, standard output ${stdoutTo === 'file' ? 'to a file' : 'through a pipe'}; node ${process.version}, ${cpus().length} cores, load average ${loadavg()[0]!.toFixed(1)} at the start`,
  );
  const runs: ScaleRun[] = [];
  try {
    for (const size of sizes) {
      const files = writeProject(work, size.n, formats);
      const bytes = [...files].map(
        ([f, file]) => `${f.toUpperCase()} ${(statSync(file).size / 1048576).toFixed(0)} MiB`,
      );
      console.log(`\n${size.name} tasks (generated task files: ${bytes.join(', ')})`);
      console.log(headerLine());
      for (const [format, file] of files) {
        for (const command of commands) {
          const run = {
            size: size.name,
            format,
            command,
            ...medianOf(times, () => timeCli(work, probeUrl, file, command, timeoutMs)),
          };
          runs.push(run);
          console.log(runLine(run));
        }
        rmSync(file);
      }
    }
    const growth = formats.flatMap((f) => commands.map((c) => growthLine(runs, f, c)));
    if (growth.some((g) => g !== undefined)) {
      console.log('\nGrowth from 10k to 100k tasks (wall time)');
      for (const g of growth) if (g !== undefined) console.log(g);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  if (!process.argv.includes('--no-engine')) printEngine();
}

/** The engine-only figures, each size in its own process (peak RSS per size). */
function printEngine(): void {
  console.log('\nEngine only (not end to end: the engine called directly on an in-memory problem)');
  for (const size of sizes) {
    const r = spawnSync(
      process.execPath,
      [
        '--max-old-space-size=4096',
        fileURLToPath(import.meta.url),
        '--engine-size',
        String(size.n),
        '--plan-ms',
        option('--plan-ms') ?? '1000',
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
    );
    process.stdout.write(r.stdout);
  }
}
