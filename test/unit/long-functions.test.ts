import { describe, expect, it } from 'vitest';
import { longFunctions, MAX_FUNCTION_LINES } from '../../scripts/long-functions.js';

describe('function length', () => {
  it('finds a function over the limit (the check can fail)', () => {
    const long = longFunctions('scripts', 20);
    expect(long.map((f) => f.name)).toContain('longFunctions');
  });

  // NOTE: this covers all of src/, src/executor included. While issue 13's run
  // loop is being reworked, the executor's long functions (execute, runActivity,
  // launcherMain, runSlurm, and the cli's runCommandWith) are its owner's to
  // split; nothing is excluded here, so the test stays red until they are.
  it(`no function in src/ runs over ${MAX_FUNCTION_LINES} lines`, () => {
    const long = longFunctions('src').map(
      (f) => `${f.file}:${f.line}: ${f.name} (${f.lines} lines)`,
    );
    expect(long).toEqual([]);
  });
});
