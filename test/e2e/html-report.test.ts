/**
 * The HTML report in a real browser: headless Chromium (Debian's `chromium`, which `.ci/run`
 * installs) loads the report written by `critpath plan --html` and the committed
 * plans/report.html, and the test checks there were no console messages (a blocked resource
 * or a script error shows up there) and that the DOM has the charts.
 *
 * Skips, saying why, when no Chromium is installed. CRITPATH_BROWSER_E2E=require makes a
 * missing browser fail the test instead.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

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

async function load(file: string): Promise<Loaded> {
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
      '--dump-dom',
      pathToFileURL(resolve(file)).href,
    ],
    { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
  );
  // Console messages (errors, CSP violations, failed loads) are logged as `…:CONSOLE:…`.
  const consoleLines = r.stderr.split('\n').filter((l) => /CONSOLE|Uncaught|net::ERR_/.test(l));
  return { dom: r.stdout, console: consoleLines };
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
}

function checkSelfContained(html: string): void {
  expect(html).not.toMatch(/<script/i);
  expect(html).not.toMatch(/<link\b/i);
  expect(html).not.toMatch(/@import|url\(\s*['"]?(https?:)?\/\//i);
  // The only URL is the SVG namespace, which is a name, not a fetch.
  const urls = html.match(/https?:\/\/[^\s"'<>)]+/g) ?? [];
  expect(new Set(urls)).toEqual(new Set(['http://www.w3.org/2000/svg']));
}

describe.skipIf(chromium === undefined)('HTML report in headless Chromium', () => {
  beforeAll(() => {
    if (!existsSync('dist/critpath.mjs'))
      throw new Error('dist/ is missing: run `npm run build` first');
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
  });

  it('the committed plans/report.html loads cleanly', async () => {
    const html = readFileSync('plans/report.html', 'utf8');
    checkSelfContained(html);
    checkReport(await load('plans/report.html'), ['1', '2', '3']);
  });
});
