/**
 * Whether files owned by `uid` count as this user's own state (a journal, its folder, a project
 * cache entry): its own, root's (no other user's lever; and /dev/full, as a journal, is root's),
 * under sudo the calling user's (`SUDO_UID`, as git does), or any user's where a team shares one
 * project's state on purpose (`CRITPATH_SHARED_STATE=1`). Where the system has no uids, all.
 */
export function ownState(uid: number, env: NodeJS.ProcessEnv = process.env): boolean {
  const me = process.getuid?.();
  if (me === undefined || env['CRITPATH_SHARED_STATE'] === '1') return true;
  return uid === me || uid === 0 || (me === 0 && env['SUDO_UID'] === String(uid));
}
