import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';

/**
 * Why a path gave no bytes: an errno code (ENOENT, EACCES, EISDIR…) and the system's message, or
 * what it is instead (IRREGULAR; describeIoError words each).
 */
export interface NotRegular {
  readonly code: string;
  readonly message: string;
}

/** What a path is when it is neither a regular file nor a folder (`code` of a NotRegular). */
export const IRREGULAR = { fifo: 'FIFO', socket: 'socket', device: 'device' } as const;

/**
 * The bytes of the regular file at `path` (through a link), or why there are none. Opened without
 * blocking and checked before it is read, so that a FIFO there is never waited on (a load would
 * wait for a writer forever). With `read` false, only whether it could be read (an empty
 * buffer).
 */
export function readRegularFile(path: string, read = true): Buffer | NotRegular {
  let fd: number | undefined;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const st = fstatSync(fd);
    if (st.isDirectory()) return { code: 'EISDIR', message: 'a folder' };
    if (st.isFIFO()) return { code: IRREGULAR.fifo, message: 'a FIFO' };
    if (st.isSocket()) return { code: IRREGULAR.socket, message: 'a socket' };
    if (!st.isFile()) return { code: IRREGULAR.device, message: 'a device' };
    return read ? readFileSync(fd) : Buffer.alloc(0);
  } catch (e) {
    const { code, message } = e as NodeJS.ErrnoException;
    return { code: code ?? 'error', message };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
