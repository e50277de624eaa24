import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { critpath } from '../helpers/cli.js';

const ROOT = resolve(import.meta.dirname, '../..');

describe('README terminal capture', () => {
  it('is the real start of `plan --team 2` at 80 columns', async () => {
    const readme = readFileSync(resolve(ROOT, 'README.md'), 'utf8');
    const m =
      /<!-- capture: COLUMNS=80 critpath plan --team 2 \(first (\d+) lines;[^\n]*\n```text\n([\s\S]*?)\n```/.exec(
        readme,
      );
    expect(m).not.toBeNull();
    const n = Number(m![1]);
    const shown = m![2]!.split('\n');
    expect(shown).toHaveLength(n);
    const r = await critpath(['plan', '--team', '2'], {
      cwd: ROOT,
      env: { NO_COLOR: '1', COLUMNS: '80' },
    });
    expect(r.exitCode).toBe(0);
    expect(shown).toEqual(r.stdout.split('\n').slice(0, n));
  }, 60_000);
});
