import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { eventWithLogsShown, logsShownFrom } from '../../../src/cli/log-paths.js';
import type { BlockReason } from '../../../src/model/block-reason.js';

const dir = mkdtempSync(join(tmpdir(), 'critpath-logpaths-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, 'tasks'));
writeFileSync(join(dir, 'tasks/lab.yaml'), '');

describe('log paths as a person at the prompt reads them', () => {
  it("are the journal's own at the project root, else relative to the folder typed in", () => {
    expect(logsShownFrom(join(dir, 'tasks'), 'lab.yaml', undefined)).toBeUndefined();
    const show = logsShownFrom(dir, 'tasks/lab.yaml', undefined)!;
    expect(show('.critpath/logs/lab/a.log')).toBe('tasks/.critpath/logs/lab/a.log');
    // --root names the root: from below it, the path climbs.
    const below = logsShownFrom(join(dir, 'tasks'), 'lab.yaml', '..')!;
    expect(below('.critpath/logs/lab/a.log')).toBe('../.critpath/logs/lab/a.log');
  });

  it('in a blocked event: its reason, the reason behind it, and its text', () => {
    const cause: BlockReason = { kind: 'hand', reason: 'rails missing', by: undefined };
    const reason: BlockReason = {
      kind: 'dependency',
      on: 'a',
      status: 'failed',
      log: '.critpath/logs/lab/a.log',
      cause,
    };
    const e = eventWithLogsShown(
      { type: 'activity-blocked', at: 0, id: 'b', reason, text: 'old' },
      (l) => `tasks/${l}`,
    );
    expect(e).toEqual({
      type: 'activity-blocked',
      at: 0,
      id: 'b',
      reason: { ...reason, log: 'tasks/.critpath/logs/lab/a.log' },
      text: 'waits for a (failed, see tasks/.critpath/logs/lab/a.log)',
    });
  });
});
