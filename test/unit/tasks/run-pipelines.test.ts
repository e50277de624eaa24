import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';

// A task's `run` goes through /bin/sh -c, whose pipeline status is the LAST command's: in
// `ansible --version | head -n 1` a missing ansible is hidden by head's exit 0, so the check passes
// without the tool. /bin/sh (dash) has no `pipefail`, so task commands must not pipe at all unless
// they run the pipeline under bash with pipefail themselves.

const TASK_DIR = 'tasks';
const COMMAND_KEYS = new Set(['run', 'check']);

/** Every string under a `run` / `check` key, with where it was found. */
function commands(node: unknown, path: string, out: Array<[string, string]>): void {
  if (Array.isArray(node)) {
    node.forEach((v, i) => commands(v, `${path}[${i}]`, out));
  } else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
      const here = `${path}.${k}`;
      if (COMMAND_KEYS.has(k) && typeof v === 'string') out.push([here, v]);
      else if (COMMAND_KEYS.has(k) && Array.isArray(v) && v.every((x) => typeof x === 'string'))
        continue; // argv: no shell
      else commands(v, here, out);
    }
  }
}

/** True when the shell command has a `|` pipe (not `||`) outside quotes. */
export function hasPipe(cmd: string): boolean {
  const unquoted = cmd.replace(/'[^']*'/g, "''").replace(/"(?:[^"\\]|\\.)*"/g, '""');
  return /(^|[^|])\|(?!\|)/.test(unquoted.replace(/\|\|/g, '  '));
}

/** A pipeline is allowed only when it runs under bash with pipefail. */
export function pipelineHidesFailure(cmd: string): boolean {
  if (!hasPipe(cmd)) return false;
  return !/^\s*bash\s+(-[a-z]*\s+)*-o\s+pipefail\b/.test(cmd);
}

describe('task-file commands fail when their tool is missing', () => {
  it('hasPipe / pipelineHidesFailure recognise pipes, not ||, not quoted bars', () => {
    expect(pipelineHidesFailure('ansible --version | head -n 1')).toBe(true);
    expect(
      pipelineHidesFailure('node --version && ansible --version|head -1 && packer version'),
    ).toBe(true);
    expect(pipelineHidesFailure('test -s a || exit 1')).toBe(false);
    expect(pipelineHidesFailure("grep -E 'a|b' file")).toBe(false);
    expect(pipelineHidesFailure('ansible --version > /dev/null')).toBe(false);
    expect(pipelineHidesFailure("bash -o pipefail -c 'ansible --version | head -n 1'")).toBe(false);
  });

  const files = readdirSync(TASK_DIR).filter((f) => /\.ya?ml$/.test(f));
  it('finds the task files', () => {
    expect(files.length).toBeGreaterThan(0);
  });
  it.each(files)('%s: no run/check command hides a failure behind a pipe', (file) => {
    const doc = load(readFileSync(join(TASK_DIR, file), 'utf8'));
    const found: Array<[string, string]> = [];
    commands(doc, file, found);
    if (file === 'epic-1a.yaml') expect(found.length).toBeGreaterThan(10);
    const bad = found
      .filter(([, cmd]) => pipelineHidesFailure(cmd))
      .map(([where, cmd]) => `${where}: ${cmd}`);
    expect(bad).toEqual([]);
  });
});
