import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, RECORD, tempProject } from '../helpers/cli.js';

/**
 * Output whose reader went away (`critpath status | head`, a closed ssh pipe) ends the output,
 * not the command: no stack trace, and a run finishes its work.
 */

/** Runs the CLI with its standard output closed by the reader before anything is written. */
function withClosedStdout(
  args: string[],
  cwd: string,
  env: Record<string, string>,
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('node', [BIN, ...args], {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

const YAML = `project: pipe
start: 2026-01-05
tasks:
  - { id: a, hours: 1, run: '${RECORD} 0.2' }
  - { id: b, hours: 1, deps: [a], run: '${RECORD} 0.2' }
  - { id: c, hours: 1, deps: [b], run: '${RECORD} 0.2' }
`;

describe('a reader that goes away', () => {
  it('does not stop a run: every activity finishes and is journaled', async () => {
    const p = tempProject(YAML);
    const r = await withClosedStdout(['run', p.file], p.dir, p.env);
    expect(r.stderr).not.toMatch(/EPIPE|at .*\.mjs/);
    expect(r.code).toBe(0);
    const journal = readFileSync(join(p.dir, '.critpath', 'project.journal'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { t: string; id?: string });
    expect(
      journal
        .filter((l) => l.t === 'finished')
        .map((l) => l.id)
        .sort(),
    ).toEqual(['a', 'b', 'c']);
  }, 30_000);

  it('ends status quietly, without a stack trace', async () => {
    const p = tempProject(YAML);
    const r = await withClosedStdout(['status', p.file], p.dir, p.env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  }, 30_000);

  // Linux: /dev/full fails every write with ENOSPC.
  it.skipIf(process.platform !== 'linux')(
    'a command whose output could not be written exits 2, and says why',
    async () => {
      const p = tempProject(YAML);
      const full = openSync('/dev/full', 'w');
      const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn('node', [BIN, 'status', p.file, '--json'], {
          cwd: p.dir,
          env: { ...process.env, ...p.env },
          stdio: ['ignore', full, 'pipe'],
        });
        let stderr = '';
        child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('close', (code) => resolve({ code, stderr }));
      });
      closeSync(full);
      expect(r.stderr.trim()).toBe(
        'critpath: cannot write standard output: no space left on the device (ENOSPC)',
      );
      expect(r.code).toBe(2);
    },
    30_000,
  );
});
