import { execFile } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';

// `status` through the built CLI: the validated-project cache and lazily loaded verbs.
const run = promisify(execFile);
const BIN = resolve('bin/critpath.js');
/**
 * The CLI as tsc builds it, one module a file: what a verb imports shows in the modules loaded.
 * bin/critpath.js runs the one-file bundle of the same modules, where esbuild keeps a module
 * that is imported dynamically (a verb, what only a cache miss needs) from running until then.
 */
const MODULES_BIN = resolve('dist/cli/entry.js');

const YAML = `project: status cache
start: 2026-01-05
hardware:
  gpu: [{ count: 2, from: 2026-01-05 }]
tasks:
  - { id: a, hours: 2, run: "true" }
  - { id: b, hours: 1-3, deps: [a], gpus: 1, run: "true" }
  - { id: c, hours: 1, deps: [a, b], run: "true" }
`;

/**
 * Module-resolution hooks that list every module a process loads (one URL a line), for
 * checking what a verb imports.
 */
const HOOKS = `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  if (process.env.CRITPATH_TEST_MODULES) appendFileSync(process.env.CRITPATH_TEST_MODULES, r.url + '\\n');
  return r;
}
`;

/** A temp project with the module-listing hooks, removed when the test ends. */
function project(): { dir: string; file: string; cacheDir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'critpath-status-cache-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'package.json'), '{}\n');
  writeFileSync(join(dir, 'hooks.mjs'), HOOKS);
  writeFileSync(
    join(dir, 'register.mjs'),
    "import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);\n",
  );
  const file = join(dir, 'project.yaml');
  writeFileSync(file, YAML);
  return { dir, file, cacheDir: join(dir, '.critpath', 'cache') };
}

async function critpath(
  dir: string,
  args: string[],
  modules?: string,
  bin = modules === undefined ? BIN : MODULES_BIN,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const pre = modules === undefined ? [] : ['--import', join(dir, 'register.mjs')];
  const env = { ...process.env, NO_COLOR: '1', CRITPATH_TEST_MODULES: modules ?? '' };
  try {
    const r = await run('node', [...pre, bin, ...args], {
      cwd: dir,
      env,
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

/** The packages and critpath modules a run loaded. */
function loaded(path: string): { packages: Set<string>; own: Set<string> } {
  const urls = readFileSync(path, 'utf8').split('\n');
  const packages = new Set(
    urls.flatMap((u) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u)?.[1] ?? []),
  );
  const own = new Set(urls.flatMap((u) => /\/dist\/(.+\.js)$/.exec(u)?.[1] ?? []));
  return { packages, own };
}

beforeAll(() => {
  if (!existsSync('dist/critpath.mjs') || !existsSync(MODULES_BIN))
    throw new Error('dist/ is missing: run `npm run build` first');
});

describe('status through the validated-project cache', () => {
  it('answers the same from a cache miss and a hit; the hit loads no yaml, zod or planner', async () => {
    const p = project();
    const coldModules = join(p.dir, 'cold.txt');
    const cold = await critpath(p.dir, ['status', p.file, '--json', '--gpus', '2'], coldModules);
    expect(cold.code).toBe(0);
    expect(readdirSync(p.cacheDir).filter((f) => f.endsWith('.json'))).toHaveLength(1);
    const warmModules = join(p.dir, 'warm.txt');
    const warm = await critpath(p.dir, ['status', p.file, '--json', '--gpus', '2'], warmModules);
    expect(warm.code).toBe(0);
    expect(warm.stdout).toBe(cold.stdout);
    expect(JSON.parse(warm.stdout)).toMatchObject({
      project: 'status cache',
      counts: { ready: 1, pending: 2 },
      forecastBy: 'team',
    });

    const c = loaded(coldModules);
    expect(c.packages.has('yaml')).toBe(true);
    expect(c.packages.has('zod')).toBe(true);
    const w = loaded(warmModules);
    expect(w.packages.has('yaml')).toBe(false);
    // zod is loaded here by the team forecast's modules (app/forecast.js reads journals in full);
    // over 300 activities status loads none (below).
    expect(w.packages.has('execa')).toBe(false);
    expect(w.own.has('config/load.js')).toBe(false);
    expect(w.own.has('config/rules.js')).toBe(false);
    // Other verbs are not loaded at all.
    expect(w.own.has('cli/commands/run.js')).toBe(false);
    expect(w.own.has('cli/commands/plan.js')).toBe(false);
    expect(w.own.has('executor/executor.js')).toBe(false);
    expect(w.own.has('cli/commands/status.js')).toBe(true);
  });

  it('--version loads no verb, nor zod', async () => {
    const p = project();
    const mods = join(p.dir, 'version.txt');
    const v = await critpath(p.dir, ['--version'], mods);
    expect(v.code).toBe(0);
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const l = loaded(mods);
    expect([...l.own].filter((m) => m.startsWith('cli/commands/'))).toEqual([]);
    expect(l.packages.has('zod')).toBe(false);
  });

  it('reads a journal of well-formed records without zod, and takes zod for a line that needs it', async () => {
    const p = project();
    const lines = ['project: big', 'start: 2026-01-05', 'tasks:'];
    for (let i = 0; i < 400; i++)
      lines.push(`  - { id: t${i}, hours: 1${i === 0 ? '' : `, deps: [t${i - 1}]`}, run: "true" }`);
    writeFileSync(p.file, `${lines.join('\n')}\n`);
    const recs = [
      {
        v: 1,
        t: 'run-start',
        at: 1,
        runId: 'r1',
        pid: 1,
        pidStart: '1',
        boot: 'b',
        host: 'elsewhere',
        backend: 'local',
        jobs: 1,
        gpus: [],
        simulatedGpus: false,
      },
      {
        v: 1,
        t: 'started',
        at: 2,
        runId: 'r1',
        id: 't0',
        attempt: 1,
        backend: 'local',
        pid: 2,
        gpus: [],
        log: 'l/a',
      },
      { v: 1, t: 'finished', at: 3, runId: 'r1', id: 't0', attempt: 1, exitCode: 0, durationMs: 1 },
      { v: 1, t: 'run-end', at: 4, runId: 'r1', outcome: 'ok' },
    ];
    const journal = join(p.dir, '.critpath', 'project.journal');
    const write = (extra: object): void => {
      const lines = recs.map((r, i) => JSON.stringify(i === 3 ? { ...r, ...extra } : r));
      mkdirSync(join(p.dir, '.critpath'), { recursive: true });
      writeFileSync(journal, `${lines.join('\n')}\n`);
    };
    write({});
    // The entry is a build's own (the bundle's, or the one that lists modules): a run of the
    // build makes it, for the hit that follows.
    const args = ['status', p.file, '--json', '--gpus', '2'];
    await critpath(p.dir, args, join(p.dir, 'miss.txt'));
    const quickModules = join(p.dir, 'quick.txt');
    const quick = await critpath(p.dir, args, quickModules);
    expect(quick.code).toBe(0);
    expect(JSON.parse(quick.stdout)).toMatchObject({
      counts: { done: 1, ready: 1 },
      forecastBy: 'cpm',
    });
    expect(loaded(quickModules).own.has('config/load.js')).toBe(false);
    expect(loaded(quickModules).packages.has('zod')).toBe(false);
    // The bundle as bin/critpath.js runs it: the files a hit loads (the entry and its chunks)
    // hold none of the heavy packages; node compiles every byte it loads.
    await critpath(p.dir, args);
    const bundled = join(p.dir, 'bundled.txt');
    const b = await critpath(p.dir, args, bundled, BIN);
    expect(b.stdout).toBe(quick.stdout);
    const chunks = readFileSync(bundled, 'utf8')
      .split('\n')
      .flatMap((u) => /^file:\/\/(.+\/dist\/critpath[^/]*\.mjs)$/.exec(u)?.[1] ?? []);
    expect(chunks.length).toBeGreaterThan(1);
    const packages = new Set(
      chunks.flatMap((f) =>
        [...readFileSync(f, 'utf8').matchAll(/node_modules\/((?:@[^/]+\/)?[^/]+)\//g)].map(
          (m) => m[1]!,
        ),
      ),
    );
    // The CLI's own (commander, chalk): no zod, yaml, js-yaml, execa, highs or dagre.
    expect([...packages].sort()).toEqual(['chalk', 'commander']);
    // A key the schema does not know: zod drops it, and the status is the same.
    await critpath(p.dir, args, join(p.dir, 'miss.txt'));
    write({ note: 'by hand' });
    const fullModules = join(p.dir, 'full.txt');
    const full = await critpath(p.dir, args, fullModules);
    expect(full.stdout).toBe(quick.stdout);
    expect(loaded(fullModules).own.has('config/load.js')).toBe(false);
    expect(loaded(fullModules).packages.has('zod')).toBe(true);
  });

  it('over 300 activities, status loads no planner and no Slurm client', async () => {
    const p = project();
    const lines = ['project: big', 'start: 2026-01-05', 'tasks:'];
    for (let i = 0; i < 400; i++)
      lines.push(`  - { id: t${i}, hours: 1${i === 0 ? '' : `, deps: [t${i - 1}]`} }`);
    writeFileSync(p.file, `${lines.join('\n')}\n`);
    // The entry of the build that lists modules (an entry is one build's: the bundle's misses).
    await critpath(p.dir, ['status', p.file, '--json', '--gpus', '0'], join(p.dir, 'miss.txt'));
    const modules = join(p.dir, 'modules.txt');
    const r = await critpath(p.dir, ['status', p.file, '--json', '--gpus', '0'], modules);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ forecastBy: 'cpm' });
    const w = loaded(modules);
    expect(w.own.has('state/status-forecast.js')).toBe(false);
    expect(w.own.has('calendar/build-team-plan.js')).toBe(false);
    expect(w.own.has('executor/slurm/client.js')).toBe(false);
    expect(w.packages.has('execa')).toBe(false);
  });

  it('a file edited into a bad one gets its diagnostics, not the cached project', async () => {
    const p = project();
    expect((await critpath(p.dir, ['status', p.file, '--json', '--gpus', '2'])).code).toBe(0);
    writeFileSync(p.file, YAML.replace('deps: [a, b]', 'deps: [a, zz]'));
    const st = await critpath(p.dir, ['status', p.file, '--json', '--gpus', '2']);
    const va = await critpath(p.dir, ['validate', p.file]);
    expect(st.code).toBe(2);
    expect(va.code).toBe(2);
    expect(st.stderr).toContain('unknown');
    expect(st.stderr).toContain('zz');
    expect(st.stderr).toBe(va.stderr);
    // Fixed again: the cache follows the file.
    writeFileSync(p.file, YAML.replace('id: c, hours: 1,', 'id: c, hours: 5,'));
    const ok = await critpath(p.dir, ['status', p.file, '--json', '--gpus', '2']);
    expect(ok.code).toBe(0);
    const c = (JSON.parse(ok.stdout) as { activities: { id: string; estimateHours: number }[] })
      .activities;
    expect(c.find((a) => a.id === 'c')?.estimateHours).toBe(5);
  });

  it('a corrupt cache entry is ignored', async () => {
    const p = project();
    const first = await critpath(p.dir, ['status', p.file, '--json', '--gpus', '2']);
    for (const f of readdirSync(p.cacheDir).filter((x) => x.endsWith('.json')))
      writeFileSync(join(p.cacheDir, f), '{"format":1,\n garbage');
    const again = await critpath(p.dir, ['status', p.file, '--json', '--gpus', '2']);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(first.stdout);
    expect(again.stderr).toBe('');
  });

  it('keeps help working: per verb, and over every verb', async () => {
    const p = project();
    const st = await critpath(p.dir, ['status', '--help']);
    expect(st.code).toBe(0);
    expect(st.stdout).toContain('Usage: critpath status [options] [file]');
    expect(st.stdout).toContain('--team <team>');
    const all = await critpath(p.dir, ['--help']);
    expect(all.code).toBe(0);
    for (const verb of ['validate', 'plan', 'graph', 'run', 'status', 'reset', 'cancel'])
      expect(all.stdout).toMatch(new RegExp(`^  ${verb} `, 'm'));
    const helpStatus = await critpath(p.dir, ['help', 'status']);
    expect(helpStatus.stdout).toBe(st.stdout);
    const typo = await critpath(p.dir, ['stauts']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('(did you mean status?)');
  });
});
