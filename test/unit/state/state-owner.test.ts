import {
  chownSync,
  closeSync,
  constants,
  linkSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { giveToSudoUser, stateOwner } from '../../../src/state/state-owner.js';

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
      const state = join(root, 'theirs', '.critpath');
      expect(stateOwner(log, { SUDO_UID: '4242', SUDO_GID: '77' })).toEqual({
        uid: 4242,
        gid: 77,
        places: [state],
      });
      // No SUDO_GID: the group of the project folder.
      expect(stateOwner(join(root, 'theirs', '.critpath'), { SUDO_UID: '4242' })).toEqual({
        uid: 4242,
        gid: 4343,
        places: [state],
      });
      // Another user's project, root itself, no sudo, or a path outside any state: no one.
      expect(stateOwner(log, { SUDO_UID: '4343' })).toBeUndefined();
      expect(stateOwner(log, { SUDO_UID: '0' })).toBeUndefined();
      expect(stateOwner(log, {})).toBeUndefined();
      expect(stateOwner(log, { SUDO_UID: '42x' })).toBeUndefined();
      expect(stateOwner(join(root, 'theirs', 'out.txt'), { SUDO_UID: '4242' })).toBeUndefined();
    });

    it('hands over only what lies in .critpath under one name: no hard link planted there, nothing a link leads to', () => {
      const root = mkdtempSync(join(tmpdir(), 'critpath-owner-'));
      onTestFinished(() => rmSync(root, { recursive: true, force: true }));
      const before = process.env['SUDO_UID'];
      process.env['SUDO_UID'] = '4242';
      onTestFinished(() => {
        if (before === undefined) delete process.env['SUDO_UID'];
        else process.env['SUDO_UID'] = before;
      });
      const project = join(root, 'theirs');
      const state = join(project, '.critpath');
      mkdirSync(state, { recursive: true });
      chownSync(project, 4242, 4242);
      const give = (path: string, flags: number): number => {
        const fd = openSync(path, flags);
        try {
          giveToSudoUser(fd, path);
        } finally {
          closeSync(fd);
        }
        return statSync(path).uid;
      };
      // What critpath makes there goes to the user.
      expect(give(join(state, 'fresh.journal'), constants.O_RDWR | constants.O_CREAT)).toBe(4242);
      // A hard link to root's file, planted as the journal, stays root's.
      const secret = join(root, 'secret');
      writeFileSync(secret, 'root only\n', { mode: 0o600 });
      linkSync(secret, join(state, 'project.journal'));
      give(join(state, 'project.journal'), constants.O_RDWR);
      expect(statSync(secret).uid).toBe(0);
      // A link in place of a folder in .critpath: what it leads to stays root's.
      const elsewhere = join(root, 'elsewhere');
      mkdirSync(elsewhere);
      symlinkSync(elsewhere, join(state, 'logs'));
      give(join(state, 'logs'), constants.O_RDONLY | constants.O_DIRECTORY);
      expect(statSync(elsewhere).uid).toBe(0);
      // .critpath itself a link: nothing in it is handed over.
      rmSync(state, { recursive: true });
      symlinkSync(elsewhere, state);
      expect(give(join(state, 'new.log'), constants.O_RDWR | constants.O_CREAT)).toBe(0);
    });
  },
);
