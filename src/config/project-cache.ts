/**
 * The validated-project cache: an entry under `<project root>/.critpath/cache/` records that a
 * task file passed every check, keyed by the file's absolute path and the sha256 of its bytes
 * (plus the cache format, critpath's version and the build). It holds the value the file parsed
 * to, as JSON; a file that is JSON already is its own parsed value, and its entry holds nothing
 * more than the header. Loading the same bytes again takes that value through the schema's quick
 * check and the normalization, and skips the YAML parser and the rules (cycles, dependencies,
 * hardware): a hit imports ./normalize.js, never ./load.js (yaml, js-yaml, the rules). Writing an entry costs little next to the load it follows (on a 100k-task JSON file,
 * nothing: it once stored the normalized project, twice the file's size, which cost more to write
 * than the rules it saved). Files with problems are never cached, so their diagnostics always come
 * from a full check. The cache is only ever an optimization: an entry that is missing,
 * unreadable, corrupt or for other bytes means a normal load, and failing to write one is ignored.
 */
import { isAscii } from 'node:buffer';
import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  lstatSync,
  openSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Project } from '../model/project.js';
import { ownState } from '../util/own-state.js';
import type { Diagnostic, Result } from '../result.js';
import { err, ok } from '../result.js';
import { readTaskFile } from './task-file-read.js';
import { readRegularFile } from '../util/regular-file.js';
import { notUtf8 } from './utf8.js';
import { projectRoot } from '../state/paths.js';
import { byteGatherer } from '../util/byte-gatherer.js';
import { jsonChunks } from '../util/json-chunks.js';
import { VERSION } from '../version.js';
import { giveToSudoUser, makeStateFolders, writeStateFile } from '../state/state-owner.js';

/** Bump when the cache layout or the normalized Project changes shape. */
export const PROJECT_CACHE_FORMAT = 2;

/** The first line of a cache file; the parsed value's JSON, if any, follows on the second. */
interface CacheHeader {
  readonly format: number;
  readonly critpath: string;
  /** Identifies the build of the loader, so a rebuilt checkout never trusts an older check. */
  readonly build: string;
  /** Absolute path of the task file. */
  readonly file: string;
  /** sha256 (hex) of the task file's bytes. */
  readonly sha256: string;
  /** sha256 (hex) of the second line: catches a damaged entry. */
  readonly projectSha256: string;
  /** The task file is JSON, the parsed value itself: the second line is empty. */
  readonly json: boolean;
}

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

let buildStamp: string | undefined;
/**
 * The mtime and size of the loader's compiled code (tsc rewrites it on every build; a single-file
 * bundle is one file). Falls back to this module's own file.
 */
function currentBuild(): string {
  if (buildStamp !== undefined) return buildStamp;
  for (const url of [new URL('./load.js', import.meta.url), new URL(import.meta.url)]) {
    try {
      const s = statSync(fileURLToPath(url));
      return (buildStamp = `${s.mtimeMs}:${s.size}`);
    } catch {
      // try the next
    }
  }
  return (buildStamp = 'unknown');
}

/** Where the cache entry of `taskFile` lives: `.critpath/cache/<stem>-<hash of its path>.json`. */
export function projectCachePath(taskFile: string, root = projectRoot(taskFile)): string {
  const abs = resolve(taskFile);
  const stem = basename(abs, extname(abs)).replace(/[^A-Za-z0-9._-]/g, '_');
  return join(root, '.critpath', 'cache', `${stem}-${sha256(abs).slice(0, 16)}.json`);
}

/**
 * The parsed value cached for these bytes of `abs` (`text`), or undefined (absent, stale,
 * corrupt: all alike).
 */
function readEntry(path: string, abs: string, fileSha: string, text: string): unknown {
  try {
    if (!ownEntry(path)) return undefined;
    const bytes = readRegularFile(path);
    if (!Buffer.isBuffer(bytes)) return undefined;
    const nl = bytes.indexOf(0x0a);
    if (nl < 0) return undefined;
    const h = JSON.parse(bytes.toString('utf8', 0, nl)) as Partial<CacheHeader> | null;
    if (
      h === null ||
      typeof h !== 'object' ||
      h.format !== PROJECT_CACHE_FORMAT ||
      h.critpath !== VERSION ||
      h.build !== currentBuild() ||
      h.file !== abs ||
      h.sha256 !== fileSha
    )
      return undefined;
    const body = bytes.subarray(nl + 1);
    if (h.projectSha256 !== sha256(body)) return undefined;
    if (h.json === true) return body.length === 0 ? (JSON.parse(text) as unknown) : undefined;
    return h.json === false ? (JSON.parse(body.toString('utf8')) as unknown) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether the entry at `path` is this user's own state (ownState, as for the journal): one
 * another user wrote, in a shared folder, could hand any project to a load whose file it can
 * read (its hashes are easy to forge), so it is ignored as a stale one is.
 */
function ownEntry(path: string): boolean {
  return ownFolder(join(path, '..')) && ownState(statSync(path).uid);
}

/**
 * Whether `dir` is a folder of this user's state itself, not a link to one elsewhere: a cache
 * folder linked to /etc had root write its entries there.
 */
function ownFolder(dir: string): boolean {
  const st = lstatSync(dir);
  return st.isDirectory() && ownState(st.uid);
}

/**
 * Numbers JSON cannot carry (they would come back as null) make a parsed value uncacheable. A
 * walk (iterative) rather than a JSON.stringify replacer, which costs a call per value.
 */
function jsonExact(parsed: unknown): boolean {
  const stack: unknown[] = [parsed];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) return false;
    } else if (Array.isArray(v)) {
      for (const x of v) stack.push(x);
    } else if (v !== null && typeof v === 'object') {
      for (const x of Object.values(v)) stack.push(x);
    }
  }
  return true;
}

/**
 * Stores an entry atomically (temp file + rename, mode 0600); any failure leaves no entry and is
 * ignored. The body is encoded and hashed a piece at a time, written after room for the header,
 * whose hash of the body is then filled in (a hex digest: the header's length does not change).
 */
function writeEntry(
  path: string,
  abs: string,
  fileSha: string,
  parsed: unknown,
  json: boolean,
  /** Every number in `parsed` is known to be finite (the loader's plain readers make no other). */
  exact: boolean,
  /** Every string in `parsed` is known to be ASCII: latin1 encodes it as UTF-8 would, faster. */
  ascii = false,
): void {
  let tmp: string | undefined;
  try {
    if (!exact && !jsonExact(parsed)) return;
    const headerText = (projectSha256: string): string => {
      const header: CacheHeader = {
        format: PROJECT_CACHE_FORMAT,
        critpath: VERSION,
        build: currentBuild(),
        file: abs,
        sha256: fileSha,
        projectSha256,
        json,
      };
      return `${JSON.stringify(header)}\n`;
    };
    const dir = join(path, '..');
    if (existsSync(dir) && !ownFolder(dir)) return;
    if (!existsSync(dir)) {
      makeStateFolders(dir, 0o700);
      // Keep the cache out of version control even where .critpath/ itself is not ignored.
      writeStateFile(join(dir, '.gitignore'), '*\n');
    }
    tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    // Entries copy the file's `env` values (tokens, passwords): readable by the owner only.
    const fd = openSync(tmp, 'w', 0o600);
    try {
      giveToSudoUser(fd, tmp);
      const hash = createHash('sha256');
      let at = Buffer.byteLength(headerText('0'.repeat(64)));
      // Encoded once, for both the hash and the file, a megabyte or so at a time.
      const bytes = byteGatherer(
        (b) => {
          hash.update(b);
          at += writeAll(fd, b, at);
        },
        ascii ? 'latin1' : 'utf8',
        // Written synchronously: one buffer serves every megabyte.
        () => true,
      );
      // A JSON task file is its own value: its entry's body is empty. Any other's is its compact
      // JSON, in pieces: a million tasks never make one 200 MB string.
      if (!json) for (const piece of jsonChunks(parsed, 0)) bytes.add(piece);
      bytes.end();
      writeAll(fd, Buffer.from(headerText(hash.digest('hex'))), 0);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
    tmp = undefined;
  } catch {
    // The cache is an optimization only.
  } finally {
    if (tmp !== undefined) {
      try {
        unlinkSync(tmp);
      } catch {
        // nothing to clean up
      }
    }
  }
}

/** Writes all of `bytes` at `position`; returns how many that was. */
function writeAll(fd: number, bytes: Uint8Array, position: number): number {
  for (let done = 0; done < bytes.length;)
    done += writeSync(fd, bytes, done, bytes.length - done, position + done);
  return bytes.length;
}

/** Entries checked but not written yet (see `deferWrite`), each written once. */
const pendingWrites = new Set<() => void>();

/**
 * Writes every entry still pending now. The CLI calls it when a command ends, so that an entry a
 * command deferred is on disk before it returns (the process would write it before exiting too).
 */
export function flushProjectCacheWrites(): void {
  for (const write of [...pendingWrites]) {
    pendingWrites.delete(write);
    write();
  }
}

function schedule(write: () => void): void {
  pendingWrites.add(write);
  // The next turn of the event loop: after a command that answers without waiting has printed.
  setImmediate(() => {
    if (pendingWrites.delete(write)) write();
  });
}

/**
 * Reads and checks a task file as loadProjectFile does (same result, same diagnostics), through
 * the validated-project cache: the bytes read are hashed, and a matching entry is returned as is;
 * otherwise the bytes are checked in full and, when they pass, stored. With `deferWrite`, the
 * entry is stored on the event loop's next turn (or at flushProjectCacheWrites), not before the
 * load returns: a cold `plan` prints its answer first. The entry is written as it would be
 * otherwise (a temp file renamed into place), so a reader finds it whole or not at all.
 */
export async function loadProjectFileCached(
  file: string,
  opts: { readonly deferWrite?: boolean } = {},
): Promise<Result<Project, Diagnostic[]>> {
  const bytes = await readTaskFile(file);
  if (!Buffer.isBuffer(bytes)) return err([bytes]);
  const encoding = notUtf8(bytes, file);
  if (encoding !== undefined) return err([encoding]);
  const abs = resolve(file);
  const fileSha = sha256(bytes);
  let path: string | undefined;
  try {
    path = projectCachePath(file);
  } catch {
    path = undefined;
  }
  // Check exactly the bytes that were hashed, so an entry always matches what it was made from.
  const text = bytes.toString('utf8');
  if (path !== undefined) {
    const cached = readEntry(path, abs, fileSha, text);
    const project = cached === undefined ? undefined : await projectOfEntry(cached);
    if (project !== undefined) return ok(project);
  }
  const r = (await import('./load.js')).loadProjectTextChecked(text, file);
  if (r.result.ok && path !== undefined && r.parsed !== undefined) {
    const at = path;
    const { json, finite } = r;
    // A JSON file's entry holds no value: the pending write keeps none alive meanwhile.
    const parsed = json ? null : r.parsed;
    // The plain-shape reader's value from ASCII text is ASCII: its JSON encodes byte for byte.
    const ascii = finite === true && isAscii(bytes);
    const write = (): void =>
      writeEntry(at, abs, fileSha, parsed, json, json || finite === true, ascii);
    if (opts.deferWrite === true) schedule(write);
    else write();
  }
  return r.result;
}

/**
 * The project of an entry's value (from a file that passed every check, as its hash says): the
 * schema's value, then the normalization, without the rules. A file of plain tasks under a plain
 * head needs no zod (plain-project.ts); any other goes through plain-task.ts's quick path.
 * Undefined when the entry was not one of ours after all.
 */
async function projectOfEntry(parsed: unknown): Promise<Project | undefined> {
  const [{ normalize }, { parsePlainProject }] = await Promise.all([
    import('./normalize.js'),
    import('../model/plain-project.js'),
  ]);
  try {
    const input =
      parsePlainProject(parsed) ??
      (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
        ? (await import('../model/plain-task.js')).parseProjectQuick(
            parsed as Record<string, unknown>,
          )
        : undefined);
    return input === undefined ? undefined : normalize(input);
  } catch {
    return undefined;
  }
}
