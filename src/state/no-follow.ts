import { constants, openSync } from 'node:fs';

/**
 * Opens `path` with `flags`, never through a symbolic link and never waiting on a FIFO
 * (O_NOFOLLOW | O_NONBLOCK): a link planted where a state file belongs would lead writes
 * elsewhere, and a FIFO would block the open forever. `'link'` when a symbolic link stands
 * there (ELOOP; EMLINK on some BSDs); any other failure is thrown for the caller to word.
 */
export function openNoFollow(path: string, flags: number, mode?: number): number | 'link' {
  try {
    return openSync(path, flags | constants.O_NOFOLLOW | constants.O_NONBLOCK, mode);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ELOOP' || code === 'EMLINK') return 'link';
    throw e;
  }
}
