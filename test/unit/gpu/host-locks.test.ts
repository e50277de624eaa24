import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { gpuLockDir } from '../../../src/gpu/host-locks.js';

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
