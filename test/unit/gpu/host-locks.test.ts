import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { GpuHostLocks, describeWait, gpuLockDir } from '../../../src/gpu/host-locks.js';
import { EnvironmentError } from '../../../src/result.js';
import { selfOwner } from '../../../src/state/lockfile.js';

describe('gpuLockDir', () => {
  it('is $CRITPATH_GPU_LOCK_DIR, else the default, an empty value as unset', () => {
    const fallback = join(tmpdir(), 'critpath-gpu-locks');
    expect(gpuLockDir({ CRITPATH_GPU_LOCK_DIR: '/srv/locks' })).toBe('/srv/locks');
    expect(gpuLockDir({})).toBe(fallback);
    // `CRITPATH_GPU_LOCK_DIR= critpath run` stopped with "cannot make the GPU lock folder : …".
    expect(gpuLockDir({ CRITPATH_GPU_LOCK_DIR: '' })).toBe(fallback);
    vi.stubEnv('CRITPATH_GPU_LOCK_DIR', '');
    try {
      expect(gpuLockDir()).toBe(fallback);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

describe('describeWait', () => {
  it('names the commands a dead run left, not the dead run, as what holds the GPU', async () => {
    const left = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
    const gone = spawn('true');
    await new Promise((r) => gone.on('exit', r));
    try {
      const owner = {
        pid: gone.pid!,
        start: '1',
        boot: '',
        host: hostname(),
        pgids: [left.pid!],
        project: 'p.yaml',
      };
      expect(describeWait(0, owner)).toBe(
        `waiting for GPU 0, held by process group ${left.pid}, left running by pid ${gone.pid}, which has ended (project p.yaml)`,
      );
      expect(describeWait(1, { ...owner, pid: process.pid, start: '' })).toBe(
        `waiting for GPU 1, held by pid ${process.pid} (project p.yaml)`,
      );
    } finally {
      process.kill(-left.pid!, 'SIGKILL');
    }
  });
});

describe('GpuHostLocks.lockAll', () => {
  it('holds none of the GPUs when a lock file cannot be made: the ones it took are let go', () => {
    const dir = mkdtempSync(join(tmpdir(), 'critpath-locks-'));
    try {
      const gpus = [0, 1].map((index) => ({
        index,
        uuid: `SIM-${index}`,
        busId: '',
        simulated: true,
      }));
      const locks = new GpuHostLocks(gpus, selfOwner(), dir);
      execFileSync('mkfifo', [join(dir, 'gpu-SIM-1.lock')]);
      expect(() => locks.lockAll([0, 1])).toThrow(EnvironmentError);
      expect(existsSync(join(dir, 'gpu-SIM-0.lock'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
