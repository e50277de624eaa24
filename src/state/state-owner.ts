import {
  closeSync,
  constants,
  fchownSync,
  fstatSync,
  lstatSync,
  openSync,
  realpathSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { makeFolders } from '../util/make-folders.js';

/**
 * Under sudo, what critpath makes in a project's `.critpath` belongs to the user who called it:
 * `sudo critpath run` in a fresh project made the state folder, journal, logs and lock root's,
 * and the user's own `run` and `status` could no longer write them. So where this process is
 * root, `SUDO_UID` names a user other than root, and that user owns the project root (the
 * folder holding `.critpath`), each file and folder critpath makes there goes to that user
 * (group `SUDO_GID`, else the root folder's). Only through a descriptor opened without following
 * a symbolic link, and only what is root's: nothing else changes hands.
 */
export interface StateOwner {
  readonly uid: number;
  readonly gid: number;
  /**
   * Where what critpath makes may change hands: the project's `.critpath` (its root's links
   * resolved), and the folder its `logs` links to where that link and folder are the user's own
   * (logs on another disk).
   */
  readonly places: readonly string[];
}

/** A user or group id as sudo sets it: a whole number, or undefined. */
function idOf(text: string | undefined): number | undefined {
  return text !== undefined && /^\d{1,10}$/.test(text) ? Number(text) : undefined;
}

/** The project root of a path in `<root>/.critpath` (the folder itself included), if it is one. */
function projectRootOf(path: string): string | undefined {
  for (let d = path; ;) {
    if (basename(d) === '.critpath') return dirname(d);
    const up = dirname(d);
    if (up === d) return undefined;
    d = up;
  }
}

/** Decided once per project root and sudo user: the root folder's owner does not change. */
const decided = new Map<string, StateOwner | undefined>();

/** Who what critpath makes at `path` should belong to; undefined: whoever makes it. */
export function stateOwner(
  path: string,
  env: NodeJS.ProcessEnv = process.env,
): StateOwner | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = idOf(env['SUDO_UID']);
  const root = projectRootOf(path);
  if (uid === undefined || uid === 0 || root === undefined) return undefined;
  const key = `${root}\0${uid}\0${env['SUDO_GID'] ?? ''}`;
  if (decided.has(key)) return decided.get(key);
  let owner: StateOwner | undefined;
  try {
    const st = statSync(root);
    owner =
      st.uid === uid
        ? { uid, gid: idOf(env['SUDO_GID']) ?? st.gid, places: placesOf(root, uid) }
        : undefined;
  } catch {
    owner = undefined;
  }
  decided.set(key, owner);
  return owner;
}

/** StateOwner.places of the project at `root` for the user `uid`. */
function placesOf(root: string, uid: number): string[] {
  const state = join(realpathSync(root), '.critpath');
  const logs = join(state, 'logs');
  try {
    const link = lstatSync(logs);
    const target = statSync(logs);
    if (link.isSymbolicLink() && link.uid === uid && target.isDirectory() && target.uid === uid)
      return [state, realpathSync(logs)];
  } catch {
    /* no logs folder yet, or no link */
  }
  return [state];
}

/**
 * Gives the file or folder open as `fd` (at `path`) to the sudo user (see stateOwner), when it
 * is root's, has no other name (a hard link planted in the state folder would hand over a file
 * from elsewhere) and lies in the project's own `.critpath`, a folder, not a link (a link put in
 * place of a folder on the way would hand over what it points to). A file system that keeps no
 * owners (EPERM), or a system without /proc, leaves it root's, as before.
 */
export function giveToSudoUser(fd: number, path: string): void {
  const owner = stateOwner(path);
  if (owner === undefined) return;
  try {
    if (ownedByState(fstatSync(fd), fd, owner.places, { lstatSync, realpathSync }))
      fchownSync(fd, owner.uid, owner.gid);
  } catch {
    /* no owners there, or no /proc: it stays root's */
  }
}

/**
 * Whether the file or folder open as `fd` (`st`: its fstat) may go to the sudo user: it is
 * root's, has no other name (a hard link planted in the state folder would hand over a file from
 * elsewhere), and lies in one of `places` (StateOwner.places), each still a folder, not a link (a
 * link put in place of a folder on the way would hand over what it points to). Shared with the
 * launcher process, which opens the logs (so it takes `fs` as given). Throws where there is no
 * /proc: nothing changes hands.
 */
export function ownedByState(
  st: { uid: number; nlink: number; isDirectory(): boolean },
  fd: number,
  places: readonly string[],
  fs: { lstatSync(p: string): { isDirectory(): boolean }; realpathSync(p: string): string },
): boolean {
  if (st.uid !== 0 || (!st.isDirectory() && st.nlink !== 1)) return false;
  const at = fs.realpathSync(`/proc/self/fd/${fd}`);
  return places.some((p) => (at === p || at.startsWith(`${p}/`)) && fs.lstatSync(p).isDirectory());
}

/** Gives each folder of `dirs` to the sudo user (see stateOwner); a link is left alone. */
export function giveFoldersToSudoUser(dirs: readonly string[]): void {
  for (const d of dirs) {
    if (stateOwner(d) === undefined) continue;
    let fd: number;
    try {
      fd = openSync(d, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
    } catch {
      continue; // a link put in its place, or gone: not ours to give
    }
    try {
      giveToSudoUser(fd, d);
    } finally {
      closeSync(fd);
    }
  }
}

/** makeFolders for a project's state: what it makes goes to the sudo user (see stateOwner). */
export function makeStateFolders(dir: string, mode?: number): string[] {
  const made = makeFolders(dir, mode);
  giveFoldersToSudoUser(made);
  return made;
}

/**
 * Writes `text` to the file `path` in a project's state, made or emptied first (never through a
 * symbolic link): it goes to the sudo user (see stateOwner).
 */
export function writeStateFile(path: string, text: string, mode = 0o666): void {
  const c = constants;
  const fd = openSync(path, c.O_WRONLY | c.O_CREAT | c.O_TRUNC | c.O_NOFOLLOW, mode);
  try {
    giveToSudoUser(fd, path);
    writeFileSync(fd, text);
  } finally {
    closeSync(fd);
  }
}
