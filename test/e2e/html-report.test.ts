/**
 * The HTML report in a real browser: headless Chromium (Debian's `chromium`, which `.ci/run`
 * installs) loads the report written by `critpath plan --html` and the committed
 * plans/report.html, and the test checks there were no console messages (a blocked resource
 * or a script error shows up there) and that the DOM has the charts.
 *
 * Then it measures the layout: a copy of the report with a script added (the report itself has
 * none, and its CSP forbids them) asks the browser for the box of every text in the Gantt charts,
 * the histograms and the task graph (getBBox, at 1920×1080 and 1366×768 windows), and writes what
 * it found into the page, which `--dump-dom` returns: no two texts of a chart may overlap, no
 * text may leave its chart or be crossed by a marker line, a bar's inside label stays in its bar,
 * an engineer's name stays left of the lanes, a task-graph box holds its texts, and a Gantt fills
 * its column with the plan over most of its time axis.
 *
 * Skips, saying why, when no Chromium is installed. CRITPATH_BROWSER_E2E=require makes a
 * missing browser fail the test instead.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainYaml } from '../helpers/chain.js';

const run = promisify(execFile);

function findChromium(): string | undefined {
  const candidates = [
    process.env['CHROMIUM'],
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
  ];
  return candidates.find((c): c is string => c !== undefined && c !== '' && existsSync(c));
}

const chromium = findChromium();
const required = process.env['CRITPATH_BROWSER_E2E'] === 'require';
if (chromium === undefined) {
  const msg =
    'html report e2e: no Chromium found (/usr/bin/chromium); skipping. Install it with `apt-get install -y chromium` (CI does).';
  if (required) throw new Error(msg);
  console.warn(msg);
}

interface Loaded {
  dom: string;
  console: string[];
}

let tmp = '';

async function load(file: string, flags: readonly string[] = []): Promise<Loaded> {
  const profile = mkdtempSync(join(tmp, 'profile-'));
  const r = await run(
    chromium!,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      `--user-data-dir=${profile}`,
      '--enable-logging=stderr',
      '--v=0',
      ...flags,
      '--dump-dom',
      pathToFileURL(resolve(file)).href,
    ],
    { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
  );
  // Console messages (errors, CSP violations, failed loads) are logged as `…:CONSOLE:…`.
  const consoleLines = r.stderr.split('\n').filter((l) => /CONSOLE|Uncaught|net::ERR_/.test(l));
  return { dom: r.stdout, console: consoleLines };
}

/** The page script of the measuring copy: test/e2e/browser/measure-text.js. */
const MEASURE_SCRIPT = readFileSync(
  resolve(import.meta.dirname, 'browser/measure-text.js'),
  'utf8',
);

let tmpCount = 0;

/** Loads a copy of `file` with `measure` run in the page, at a window size; its findings. */
async function measured(file: string, width: number, height: number): Promise<string[]> {
  const html = readFileSync(file, 'utf8')
    .replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, '')
    .replace('</body>', `<pre id="measured"></pre><script>${MEASURE_SCRIPT}</script></body>`);
  const copy = join(tmp, `measure-${tmpCount++}.html`);
  writeFileSync(copy, html);
  const page = await load(copy, [`--window-size=${width},${height}`]);
  expect(page.console).toEqual([]);
  const m = /<pre id="measured">([^<]*)<\/pre>/.exec(page.dom);
  if (m === null) throw new Error(`the measuring script wrote nothing for ${file}`);
  const text = m[1]!.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  return JSON.parse(text) as string[];
}

function count(dom: string, re: RegExp): number {
  return (dom.match(re) ?? []).length;
}

function checkReport(page: Loaded, teams: string[]): void {
  expect(page.console).toEqual([]);
  const dom = page.dom;
  expect(dom).toContain('<h1>Epic 1A: plan and schedule risk</h1>');
  for (const t of teams) {
    // One Gantt and one histogram per team.
    expect(dom).toMatch(new RegExp(`<svg class="gantt" data-team="${t}"`));
    expect(dom).toMatch(new RegExp(`<svg class="histogram" data-team="${t}"`));
  }
  expect(count(dom, /<svg class="gantt"/g)).toBe(teams.length);
  // Engineer lanes (the declared people) and the GPU lane.
  expect(dom).toContain('data-engineer="infra"');
  expect(dom).toContain('data-engineer="ml"');
  // Names in full, not cut.
  expect(dom).toMatch(/<text class="lane-name" [^>]*>Infrastructure specialist<\/text>/);
  expect(dom).toMatch(/<text class="lane-name" [^>]*>ML frameworks specialist<\/text>/);
  expect(count(dom, /class="lane gpu-lane"/g)).toBe(teams.length);
  // Bars, the critical chain highlighted, GPU use shaded, hardware arrival marked.
  expect(count(dom, /class="bar (macbook|gpu)/g)).toBeGreaterThan(20);
  expect(dom).toMatch(/class="bar (macbook|gpu) critical"/);
  expect(dom).toMatch(/class="gpu-usage" data-used="\d+" data-capacity="4"/);
  expect(dom).toContain('class="gpu-none"');
  expect(dom).toMatch(/class="arrival" data-gpus="4"/);
  expect(dom).toContain('4 GPUs from here');
  // The histogram with its percentile lines.
  expect(count(dom, /class="hist-bar"/g)).toBeGreaterThan(10);
  for (const p of ['p50', 'p80', 'p95']) expect(dom).toContain(`class="pline ${p}"`);
  expect(dom).toContain('<table class="criticality"');
  // The task graph: a box per activity, hardware by colour, GPUs on each box, the critical path.
  expect(count(dom, /<g class="node (macbook|gpu)/g)).toBe(cpm.activities.length);
  expect(count(dom, /<g class="node (macbook|gpu) critical"/g)).toBe(
    cpm.activities.filter((a) => a.critical).length,
  );
  // Each dependency on a critical chain is drawn red, once.
  const onChains = new Set(
    cpm.criticalPaths.flatMap((p) => p.slice(1).map((id, k) => `${p[k]}→${id}`)),
  );
  expect(count(dom, /<path class="dep critical"/g)).toBe(onChains.size);
  expect(dom).toMatch(/<g class="node gpu critical" data-id="1a\.8\/test" data-gpus="4">/);
  expect(dom).toContain('7 h · all 4 GPUs');
  expect(dom).toMatch(/<g class="node gpu critical" data-id="1a\.13\/run" data-gpus="4">/);
}

function checkSelfContained(html: string): void {
  expect(html).not.toMatch(/<script/i);
  expect(html).not.toMatch(/<link\b/i);
  expect(html).not.toMatch(/@import|url\(\s*['"]?(https?:)?\/\//i);
  // The only URL is the SVG namespace, which is a name, not a fetch.
  const urls = html.match(/https?:\/\/[^\s"'<>)]+/g) ?? [];
  expect(new Set(urls)).toEqual(new Set(['http://www.w3.org/2000/svg']));
}

/** The critical-path plan of Epic 1A, which the task-graph picture draws. */
let cpm: { activities: { id: string; critical: boolean }[]; criticalPaths: string[][] };

describe.skipIf(chromium === undefined)('HTML report in headless Chromium', () => {
  beforeAll(async () => {
    if (!existsSync('dist/critpath.mjs'))
      throw new Error('dist/ is missing: run `npm run build` first');
    cpm = JSON.parse(
      (await run('node', ['bin/critpath.js', 'plan', '--json'])).stdout,
    ) as typeof cpm;
    tmp = mkdtempSync(join(tmpdir(), 'critpath-html-'));
  });
  afterAll(() => {
    if (tmp !== '') rmSync(tmp, { recursive: true, force: true });
  });

  it('critpath plan --html writes a report that loads cleanly', async () => {
    const out = join(tmp, 'report.html');
    const r = await run(
      'node',
      ['bin/critpath.js', 'plan', '--monte-carlo', '500', '--team', '1,2', '--html', out],
      { env: { ...process.env, NO_COLOR: '1' } },
    );
    expect(r.stderr).toContain('wrote');
    const html = readFileSync(out, 'utf8');
    checkSelfContained(html);
    checkReport(await load(out), ['1', '2']);
    // 2 teams × (Gantt + histogram) + the task graph.
    expect(await measured(out, 1366, 768)).toEqual(['measured 5 charts']);
  }, 180_000);

  it('no text of a chart overlaps another or spills, at two window sizes', async () => {
    for (const [w, h] of [
      [1920, 1080],
      [1366, 768],
    ] as const) {
      const found = await measured('plans/report.html', w, h);
      // 3 teams × (Gantt + histogram) + the task graph.
      expect(found).toEqual(['measured 7 charts']);
    }
  }, 180_000);

  it('the measurement finds overlapping and spilling texts when there are some', async () => {
    const bad = join(tmp, 'bad.html');
    writeFileSync(
      bad,
      '<!DOCTYPE html><html><body>' +
        '<svg class="gantt" viewBox="0 0 200 60" width="200" height="60">' +
        '<rect class="lane-bg" x="40" y="0" width="150" height="60"/>' +
        '<text class="lane-id" x="2" y="20">a long engineer name</text>' +
        '<text x="100" y="40">Mon 30 Nov</text><text x="130" y="40">Tue 1</text>' +
        '<text x="190" y="55">edge</text>' +
        '<line class="pline p80" x1="120" y1="0" x2="120" y2="60"/></svg></body></html>',
    );
    const found = await measured(bad, 1366, 768);
    expect(found[0]).toBe('measured 1 charts');
    expect(found).toContain('overlap: gantt "Mon 30 Nov" and gantt "Tue 1"');
    expect(found).toContain('outside its chart: gantt "edge"');
    expect(found).toContain('engineer name runs into the lanes: gantt "a long engineer name"');
    expect(found).toContain('a pline p80 line crosses gantt "Mon 30 Nov"');
  });

  it('a summarised report (a long plan, or one of many activities) loads with no overlaps', async () => {
    // 3 tasks at the largest estimates run for over a century (years on the axes); 600
    // one-hour tasks are summarised by their number (a period a day).
    for (const [tasks, hours] of [
      [3, '90000-100000'],
      [600, '1'],
    ] as const) {
      const file = join(tmp, `chain-${tasks}.yaml`);
      writeFileSync(file, chainYaml(tasks, hours));
      const out = join(tmp, `chain-${tasks}.html`);
      await run('node', ['bin/critpath.js', 'plan', file, '--monte-carlo', '200', '--html', out]);
      const html = readFileSync(out, 'utf8');
      checkSelfContained(html);
      expect(html).toContain('<svg class="gantt summary"');
      const page = await load(out);
      expect(page.console).toEqual([]);
      // Gantt and histogram, and the task graph while it is drawn (up to 400 activities).
      const charts = tasks <= 400 ? 3 : 2;
      expect(await measured(out, 1366, 768)).toEqual([`measured ${charts} charts`]);
    }
  }, 180_000);

  it('the committed plans/report.html loads cleanly', async () => {
    const html = readFileSync('plans/report.html', 'utf8');
    checkSelfContained(html);
    checkReport(await load('plans/report.html'), ['1', '2', '3']);
  });
});
