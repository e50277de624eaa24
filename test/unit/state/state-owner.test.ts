import { chownSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { stateOwner } from '../../../src/state/state-owner.js';

// chown needs root: CI runs as root, and says so with CRITPATH_TMPFS_E2E=require.
describe.skipIf(process.getuid?.() !== 0 && process.env['CRITPATH_TMPFS_E2E'] !== 'require')(
  'stateOwner',
  () => {
    it("is the sudo user, for paths in .critpath of a project that is theirs, and no one else's", () => {
      const root = mkdtempSync(join(tmpdir(), 'critpath-owner-'));
      onTestFinished(() => rmSync(root, { recursive: true, force: true }));
      mkdirSync(join(root, 'theirs'));
      chownSync(join(root, 'theirs'), 4242, 4343);
      const log = join(root, 'theirs', '.critpath', 'logs', 'p', 'a.log');
      expect(stateOwner(log, { SUDO_UID: '4242', SUDO_GID: '77' })).toEqual({ uid: 4242, gid: 77 });
      // No SUDO_GID: the group of the project folder.
      expect(stateOwner(join(root, 'theirs', '.critpath'), { SUDO_UID: '4242' })).toEqual({
        uid: 4242,
        gid: 4343,
      });
      // Another user's project, root itself, no sudo, or a path outside any state: no one.
      expect(stateOwner(log, { SUDO_UID: '4343' })).toBeUndefined();
      expect(stateOwner(log, { SUDO_UID: '0' })).toBeUndefined();
      expect(stateOwner(log, {})).toBeUndefined();
      expect(stateOwner(log, { SUDO_UID: '42x' })).toBeUndefined();
      expect(stateOwner(join(root, 'theirs', 'out.txt'), { SUDO_UID: '4242' })).toBeUndefined();
    });
  },
);
