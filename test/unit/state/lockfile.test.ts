import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ownerAlive, processStart, selfOwner } from '../../../src/state/lockfile.js';

/** Blocks this thread (and so node's reaping of its children) for `ms`. */
const block = (ms: number): void => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
};

describe('ownerAlive', () => {
  it('holds for a live owner, not for one whose pid now has another start time', () => {
    expect(ownerAlive(selfOwner())).toBe(true);
    expect(ownerAlive({ ...selfOwner(), start: '1' })).toBe(false);
  });

  it.runIf(process.platform === 'linux')(
    'a killed owner not yet collected by its parent (a zombie) is dead',
    async () => {
      const child = spawn('sleep', ['30'], { stdio: 'ignore' });
      await new Promise((r) => child.once('spawn', r));
      const pid = child.pid!;
      const owner = { pid, start: processStart(pid), boot: '', host: hostname() };
      expect(ownerAlive(owner)).toBe(true);
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      // Node collects the child on its event loop: until then it is a zombie.
      let state = '';
      for (let i = 0; i < 50 && state !== 'Z'; i++) {
        block(20);
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0]!;
      }
      expect(state).toBe('Z');
      expect(ownerAlive(owner)).toBe(false);
      await exited;
    },
  );
});
