import { closeSync, constants, fstatSync, openSync, readFileSync, readSync } from 'node:fs';

/**
 * Why a path gave no bytes: an errno code (ENOENT, EACCES, EISDIR…) and the system's message, or
 * what it is instead (IRREGULAR; describeIoError words each).
 */
export interface NotRegular {
  readonly code: string;
  readonly message: string;
}

/** What a path is when it gives no file's bytes (`code` of a NotRegular). */
export const IRREGULAR = {
  fifo: 'FIFO',
  /** A FIFO or pipe that nothing writes to, or that was closed before anything was written. */
  emptyFifo: 'empty FIFO',
  socket: 'socket',
  device: 'device',
} as const;

type Kind = 'file' | 'folder' | 'fifo' | 'socket' | 'device';

/**
 * Opens `path` (through a link) without blocking, so that a FIFO there is never waited on (a
 * plain open waits for a writer forever), and says what it is. The caller closes the fd.
 */
function openInput(path: string): { fd: number; kind: Kind } | NotRegular {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    const { code, message } = e as NodeJS.ErrnoException;
    return { code: code ?? 'error', message };
  }
  try {
    const st = fstatSync(fd);
    const kind: Kind = st.isFile()
      ? 'file'
      : st.isDirectory()
        ? 'folder'
        : st.isFIFO()
          ? 'fifo'
          : st.isSocket()
            ? 'socket'
            : 'device';
    return { fd, kind };
  } catch (e) {
    closeSync(fd);
    const { code, message } = e as NodeJS.ErrnoException;
    return { code: code ?? 'error', message };
  }
}

/** The NotRegular of what is not a file (nor, for `readInputFile`, a pipe). */
function notRegular(kind: Exclude<Kind, 'file'>): NotRegular {
  if (kind === 'folder') return { code: 'EISDIR', message: 'a folder' };
  if (kind === 'fifo') return { code: IRREGULAR.fifo, message: 'a FIFO' };
  if (kind === 'socket') return { code: IRREGULAR.socket, message: 'a socket' };
  return { code: IRREGULAR.device, message: 'a device' };
}

/**
 * The bytes of the regular file at `path` (through a link), or why there are none: a FIFO, a
 * folder or a device is not read (settings files, cache entries, init's schema).
 */
export function readRegularFile(path: string): Buffer | NotRegular {
  const o = openInput(path);
  if (!('fd' in o)) return o;
  try {
    if (o.kind !== 'file') return notRegular(o.kind);
    return readFileSync(o.fd);
  } catch (e) {
    const { code, message } = e as NodeJS.ErrnoException;
    return { code: code ?? 'error', message };
  } finally {
    closeSync(o.fd);
  }
}

/**
 * The bytes of an input the user names (a task file): a regular file, or a pipe read to its end
 * (`<(generate)` in a shell). A pipe is read without blocking, waiting between reads while its
 * writer has written nothing yet; one that nothing writes to (a FIFO nobody opened, or one closed
 * empty) is `empty FIFO`, at once, never waited on.
 */
export async function readInputFile(path: string): Promise<Buffer | NotRegular> {
  const o = openInput(path);
  if (!('fd' in o)) return o;
  try {
    if (o.kind === 'file') return readFileSync(o.fd);
    if (o.kind !== 'fifo') return notRegular(o.kind);
    const bytes = await readPipe(o.fd);
    return bytes.length > 0 ? bytes : { code: IRREGULAR.emptyFifo, message: 'an empty FIFO' };
  } catch (e) {
    const { code, message } = e as NodeJS.ErrnoException;
    return { code: code ?? 'error', message };
  } finally {
    closeSync(o.fd);
  }
}

/** How long a pipe's reader waits when its writer has written nothing more yet. */
const PIPE_WAIT_MS = 5;

/** A non-blocking pipe read to its end (EOF: every writer closed it, or none ever opened it). */
async function readPipe(fd: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const buf = Buffer.alloc(1 << 16);
  for (;;) {
    let n: number;
    try {
      n = readSync(fd, buf, 0, buf.length, null);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      await new Promise((r) => setTimeout(r, PIPE_WAIT_MS));
      continue;
    }
    if (n === 0) return Buffer.concat(chunks);
    chunks.push(Buffer.from(buf.subarray(0, n)));
  }
}

/**
 * Why `path` cannot be read as an input, checked without reading it; undefined when it can be
 * opened and is not a folder (a pipe included).
 */
export function inputUnreadable(path: string): NotRegular | undefined {
  const o = openInput(path);
  if (!('fd' in o)) return o;
  closeSync(o.fd);
  return o.kind === 'folder' ? notRegular('folder') : undefined;
}
