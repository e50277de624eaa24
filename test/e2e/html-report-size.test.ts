/**
 * `critpath plan --html` on long and large plans, through the built CLI: the page stays small
 * and its grid bounded (a grid line per working day made a 100-task chain at the largest
 * estimates a 76 MB page with 1.2 million lines). No browser needed; html-report.test.ts loads
 * such pages in Chromium. No timing assertion: vitest's timeout is the only clock here.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainYaml } from '../helpers/chain.js';

const run = promisify(execFile);

let tmp = '';
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'critpath-html-size-'));
});
afterAll(() => {
  if (tmp !== '') rmSync(tmp, { recursive: true, force: true });
});

/** The page of a chain; `samples` undefined: the report's own count (no --monte-carlo). */
async function htmlOf(tasks: number, hours: string, samples?: string): Promise<string> {
  const file = join(tmp, `chain-${tasks}.yaml`);
  writeFileSync(file, chainYaml(tasks, hours));
  const out = join(tmp, `chain-${tasks}.html`);
  const mc = samples === undefined ? [] : ['--monte-carlo', samples];
  const r = await run('node', ['bin/critpath.js', 'plan', file, ...mc, '--html', out], {
    maxBuffer: 64 * 1024 * 1024,
  });
  expect(r.stderr).toContain('wrote');
  expect(statSync(out).size).toBeLessThan(2_000_000);
  return readFileSync(out, 'utf8');
}

describe('critpath plan --html on long and large plans', () => {
  it('a 100-task chain at the largest estimates: under 2 MB, a bounded grid', async () => {
    const html = await htmlOf(100, '90000-100000', '500');
    expect((html.match(/<line/g) ?? []).length).toBeLessThanOrEqual(400);
    expect(html).toContain('Summarised: this plan has 100 activities');
  }, 120_000);

  it('a 10,000-task chain: a summarised Gantt, no bar per activity, 500 samples', async () => {
    // At 10,000 samples (the default of --monte-carlo) its report took 85–100 s.
    const html = await htmlOf(10_000, '1');
    expect(html).toContain('Monte Carlo: 500 samples');
    expect((html.match(/<g class="activity"/g) ?? []).length).toBe(0);
    expect((html.match(/<rect/g) ?? []).length).toBeLessThan(1000);
    expect(html).toContain('Summarised: this plan has 10,000 activities over 250 weeks');
  }, 120_000);
});
