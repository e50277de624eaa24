import { describe, expect, it } from 'vitest';
import type { BlockReason } from '../../../src/model/block-reason.js';
import { waitsOnlyOutsideRun } from '../../../src/model/block-reason.js';

const on = (status: 'failed' | 'blocked' | 'excluded', cause?: BlockReason): BlockReason => ({
  kind: 'dependency',
  on: 'x',
  status,
  log: undefined,
  cause,
});
const gpus: BlockReason = { kind: 'gpus', need: 4, have: 2, arrives: undefined };

describe('waitsOnlyOutsideRun', () => {
  it('is true only where the chain of blocked predecessors ends at work the run leaves out', () => {
    expect(waitsOnlyOutsideRun(on('excluded'))).toBe(true);
    // Slurm names the blocked predecessor, its cause the excluded one.
    expect(waitsOnlyOutsideRun(on('blocked', on('blocked', on('excluded'))))).toBe(true);
    expect(waitsOnlyOutsideRun(gpus)).toBe(false);
    expect(waitsOnlyOutsideRun(on('blocked', gpus))).toBe(false);
    expect(waitsOnlyOutsideRun(on('failed'))).toBe(false);
    expect(waitsOnlyOutsideRun(on('blocked'))).toBe(false);
    expect(waitsOnlyOutsideRun({ kind: 'hand', reason: 'no rack', by: undefined })).toBe(false);
  });
});
