import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateProject, toJson, toYaml } from '../../bench/project-generator.js';
import { TABLE_MIN_BYTES } from '../../src/config/load-table.js';

/**
 * `plan`'s critical path of a huge JSON or YAML task file of plain tasks is read into columns
 * (config/task-table*.ts), not through the usual load: the built CLI must print the same plan
 * either way. The same project with a scenario added (which the column readers leave to the
 * usual load, and which does not change the base plan) is the reference.
 */
const run = promisify(execFile);
const BIN = resolve('bin/critpath.js');

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

async function critpath(cwd: string, ...args: string[]): Promise<Ran> {
  try {
    const r = await run(process.execPath, [BIN, ...args], {
      cwd,
      maxBuffer: 1 << 30,
      env: { ...process.env, COLUMNS: '100', NO_COLOR: '1' },
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

describe('plan of a huge task file (read into columns)', () => {
  let dir = '';
  let json = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'critpath-plan-table-'));
    writeFileSync(join(dir, 'package.json'), '{}\n');
    const p = generateProject(30_000, 7);
    json = toJson(p);
    writeFileSync(join(dir, 'big.json'), json);
    const yaml = toYaml(p);
    writeFileSync(join(dir, 'big.yaml'), yaml);
    const scenario =
      'scenarios:\n  later-gpus:\n    hardware:\n      gpu: [{ count: 4, from: 2027-01-04 }]\n';
    writeFileSync(join(dir, 'usual.yaml'), yaml.replace('tasks:\n', `${scenario}tasks:\n`));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is over the size read into columns', () => {
    expect(Buffer.byteLength(json)).toBeGreaterThan(TABLE_MIN_BYTES);
  });

  for (const args of [[], ['--json'], ['--estimate', 'high'], ['--estimate', 'low', '--json']])
    it(`prints what the usual load gives (plan ${args.join(' ')})`, async () => {
      const [a, b, c] = await Promise.all(
        ['big.json', 'big.yaml', 'usual.yaml'].map((f) => critpath(dir, 'plan', f, ...args)),
      );
      for (const r of [a, b, c]) expect(r?.code).toBe(0);
      expect(c!.stdout.length).toBeGreaterThan(1000);
      expect(a!.stdout).toBe(c!.stdout);
      expect(b!.stdout).toBe(c!.stdout);
      expect(a!.stderr + b!.stderr).toBe('');
    }, 120_000);

  it('writes no project cache entry (the usual load does)', async () => {
    const cache = join(dir, '.critpath', 'cache');
    rmSync(cache, { recursive: true, force: true });
    expect((await critpath(dir, 'plan', 'big.json')).code).toBe(0);
    expect((await critpath(dir, 'plan', 'big.yaml')).code).toBe(0);
    expect(existsSync(cache) ? readdirSync(cache) : []).toEqual([]);
    expect((await critpath(dir, 'plan', 'usual.yaml')).code).toBe(0);
    expect(readdirSync(cache).length).toBeGreaterThan(0);
  }, 120_000);

  it('leaves a JSON file with a problem to the usual load, which names its line', async () => {
    const at = json.indexOf('"deps":["', json.length / 2) + '"deps":["'.length;
    const line = json.slice(0, at).split('\n').length;
    writeFileSync(join(dir, 'bad.json'), `${json.slice(0, at)}nope-${json.slice(at)}`);
    const r = await critpath(dir, 'plan', 'bad.json');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`bad\\.json:${line}:\\d+.*unknown dependency "nope-`));
  }, 120_000);

  it('leaves a YAML file with a problem to the usual load, which names its line', async () => {
    const yaml = readFileSync(join(dir, 'big.yaml'), 'utf8');
    const lines = yaml.split('\n');
    const at = lines.findIndex((l, i) => i > lines.length / 2 && l.includes('    deps: ['));
    lines[at] = lines[at]!.replace('deps: [', 'deps: [nope-, ');
    writeFileSync(join(dir, 'bad.yaml'), lines.join('\n'));
    const r = await critpath(dir, 'plan', 'bad.yaml');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`bad\\.yaml:${at + 1}:\\d+.*unknown dependency "nope-"`));
  }, 120_000);
});
