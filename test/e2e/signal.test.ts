import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { findTagged } from '../../src/executor/orphans.js';
import { BIN, tempProject } from '../helpers/cli.js';

/**
 *   a (sleep 30, with a grandchild)   b (sleep 30)   c (sleep 30, ignores SIGTERM)
 * SIGINT while all three run: every process group gets SIGTERM, c gets SIGKILL after the grace,
 * the activities are journaled as interrupted, and nothing tagged with the run survives.
 */
const yaml = `project: signals
start: 2026-01-05
tasks:
  - { id: a, hours: 1, run: "sleep 30 & sleep 30; wait" }
  - { id: b, hours: 1, run: ["sleep", "30"] }
  - { id: c, hours: 1, run: "trap '' TERM; sleep 30 & wait; sleep 30" }
`;

describe('signals', () => {
  it('SIGINT stops the run promptly, leaves no child processes and records interrupted activities', async () => {
    const p = tempProject(yaml);
    const child = execa('node', [BIN, 'run', p.file, '--jobs', '3', '--json', '--grace', '1'], {
      cwd: p.dir,
      env: p.env,
      reject: false,
    });
    let out = '';
    let runId = '';
    await new Promise<void>((resolve) => {
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /"runId":"([^"]+)"/.exec(out);
        if (m !== null) runId = m[1]!;
        if ((out.match(/"activity-start"/g) ?? []).length === 3) resolve();
      });
    });
    const sent = Date.now();
    child.kill('SIGINT');
    const r = await child;
    expect(r.exitCode).toBe(130);
    // Promptly: the grace (1 s) for c, which ignores SIGTERM, not the 30 s the commands sleep.
    expect(Date.now() - sent).toBeLessThan(20_000);
    expect(findTagged(new Set([runId]))).toEqual([]);
    const journal = readFileSync(join(p.dir, '.critpath', 'project.journal'), 'utf8');
    expect((journal.match(/"t":"interrupted"/g) ?? []).length).toBe(3);
    expect(journal).toContain('"outcome":"interrupted"');
  }, 60_000);

  it('on one terminal the "to resume" line comes after every event line, not among them', async () => {
    const p = tempProject(
      'project: resume\nstart: 2026-01-05\ntasks:\n' +
        '  - { id: a, hours: 1, run: "sleep 30" }\n  - { id: b, hours: 1, run: "sleep 30" }\n',
    );
    // stdout and stderr into one file, as a terminal shows them.
    const out = join(p.dir, 'out.txt');
    const child = execa(
      'sh',
      ['-c', `exec node "${BIN}" run "${p.file}" --grace 1 > out.txt 2>&1`],
      {
        cwd: p.dir,
        env: { ...p.env, NO_COLOR: '1' },
        reject: false,
      },
    );
    const text = (): string => {
      try {
        return readFileSync(out, 'utf8');
      } catch {
        return '';
      }
    };
    for (let i = 0; i < 200 && (text().match(/ start /g) ?? []).length < 2; i++) await sleep(50);
    child.kill('SIGINT');
    expect((await child).exitCode).toBe(130);
    const lines = text().trimEnd().split('\n');
    expect(lines.filter((l) => / interrupted [ab] \(signal\)$/.test(l))).toHaveLength(2);
    expect(lines.at(-1)).toMatch(/^to resume: critpath run /);
  }, 60_000);

  it('SIGHUP (a terminal that hung up) does not stop the work', async () => {
    const p = tempProject(`project: hangup
start: 2026-01-05
tasks:
  - { id: a, hours: 1, run: "sleep 1" }
  - { id: b, hours: 1, deps: [a], run: "true" }
`);
    const child = execa('node', [BIN, 'run', p.file, '--json'], {
      cwd: p.dir,
      env: p.env,
      reject: false,
    });
    await new Promise<void>((resolve) => {
      let out = '';
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('"activity-start"')) resolve();
      });
    });
    child.kill('SIGHUP');
    const r = await child;
    expect(r.exitCode, r.stderr).toBe(0);
    const journal = readFileSync(join(p.dir, '.critpath', 'project.journal'), 'utf8');
    expect((journal.match(/"t":"finished"/g) ?? []).length).toBe(2);
    expect(journal).toContain('"outcome":"ok"');
  }, 60_000);
});
