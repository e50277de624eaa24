import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { onTestFinished } from 'vitest';

/** The built CLI entry (run `npm run build` first). */
export const BIN = resolve(import.meta.dirname, '../../bin/critpath.js');
export const FIXTURES = resolve(import.meta.dirname, '../fixtures/exec');
export const RECORD = join(FIXTURES, 'record.sh');

/**
 * A temp project directory (with a `.critpath`-rooting package.json) and its own GPU lock dir.
 * Call it inside a test: the directory is removed when that test finishes, so a test must not
 * leave a process running that still writes there.
 */
export function tempProject(yaml: string): {
  dir: string;
  file: string;
  record: string;
  env: Record<string, string>;
} {
  const dir = mkdtempSync(join(tmpdir(), 'critpath-e2e-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'package.json'), '{}\n');
  const file = join(dir, 'project.yaml');
  writeFileSync(file, yaml);
  mkdirSync(join(dir, 'locks'));
  const record = join(dir, 'record.txt');
  writeFileSync(record, '');
  return {
    dir,
    file,
    record,
    env: { CRITPATH_RECORD: record, CRITPATH_GPU_LOCK_DIR: join(dir, 'locks'), NO_COLOR: '1' },
  };
}

/** Runs the built CLI to completion. */
export function critpath(
  args: readonly string[],
  opts: { cwd: string; env?: Record<string, string> },
) {
  return execa('node', [BIN, ...args], { cwd: opts.cwd, env: opts.env, reject: false, all: true });
}

/** One line of the record file. */
export interface RecordLine {
  readonly kind: 'start' | 'end';
  readonly id: string;
  readonly ns: bigint;
  readonly gpus: readonly number[] | 'none';
  readonly pid: number;
}

export function readRecord(path: string): RecordLine[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .flatMap((l) => {
      const [kind, id, ns, gpus, pid] = l.split(' ');
      if (
        (kind !== 'start' && kind !== 'end') ||
        id === undefined ||
        ns === undefined ||
        gpus === undefined
      )
        return [];
      return [
        {
          kind,
          id,
          ns: BigInt(ns),
          gpus: gpus === 'none' ? 'none' : gpus === '' ? [] : gpus.split(',').map(Number),
          pid: Number(pid),
        },
      ];
    });
}

/** Parses NDJSON output into events. */
export function ndjson(text: string): { type: string; [k: string]: unknown }[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { type: string });
}
