import { describe, expect, it } from 'vitest';
import { eventLine } from '../../../src/reporters/run-plain.js';
import { memoryOutput } from '../../../src/reporters/terminal.js';

describe('eventLine', () => {
  it('says which job a submitted activity became, and what a detached run left running', () => {
    const out = memoryOutput();
    const submitted = {
      type: 'activity-submitted',
      at: 0,
      id: 'pair-b',
      attempt: 1,
      system: 'Slurm',
      externalId: '42',
      adopted: false,
    } as const;
    expect(eventLine(submitted, out)).toBe('submitted pair-b as Slurm job 42');
    expect(eventLine({ ...submitted, adopted: true }, out)).toBe(
      'following pair-b as Slurm job 42',
    );
    expect(
      eventLine({ type: 'run-detached', at: 0, runId: 'r', submitted: 3, adopted: 1 }, out),
    ).toBe('submitted 3 job(s), 1 already submitted; follow with: critpath status');
  });
});
