import { Argument } from 'commander';
import type { Result } from '../result.js';
import { DEFAULT_NAMES } from '../config/default-file.js';
import type { CliContext } from './context.js';
import { err, ok } from '../result.js';
import {
  MIN_HOURS_PER_DAY,
  decimalNumber,
  durationSeconds,
  isCalendarDate,
} from '../model/patterns.js';

/**
 * A command-line count (`--jobs 4`, `--seed 7`): decimal digits only, so `1e3`, `0x10`, `2.0` and
 * ` ` are refused rather than read the way `Number()` would read them.
 */
export function wholeNumber(
  name: string,
  text: string,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): Result<number, string> {
  const t = text.trim();
  const n = Number(t);
  if (!/^\d+$/.test(t) || !Number.isSafeInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`;
    return err(`${name} expects a whole number ${range}, got "${text}"`);
  }
  return ok(n);
}

/**
 * A command-line span of time in seconds (`--grace 10`, `--retry-delay 0.5`), or a duration with
 * its unit as a task's `timeout` takes it (`2s`, `1m`): finite and ≥ 0.
 */
export function secondsOption(name: string, text: string): Result<number, string> {
  const t = text.trim();
  const n = /^\d+(\.\d+)?$/.test(t) ? Number(t) : durationSeconds(t);
  if (!(n >= 0 && n < Infinity))
    return err(`${name} expects seconds ≥ 0 (10, 2.5) or a duration (30s, 2m), got "${text}"`);
  return ok(n);
}

/**
 * `--hours-per-day`: working hours from MIN_HOURS_PER_DAY (0.01) to 24, as the file's
 * `hoursPerDay`; undefined when the option is not given.
 */
export function hoursPerDayOption(text: string | undefined): Result<number | undefined, string> {
  if (text === undefined) return ok(undefined);
  const h = decimalNumber(text);
  if (!(h >= MIN_HOURS_PER_DAY && h <= 24))
    return err(
      `--hours-per-day expects a number of hours from ${MIN_HOURS_PER_DAY} to 24, got "${text}"`,
    );
  return ok(h);
}

/** `--deadline`: a calendar date as YYYY-MM-DD (not 2026-02-30), or undefined when not given. */
export function deadlineOption(text: string | undefined): Result<string | undefined, string> {
  if (text === undefined) return ok(undefined);
  if (!isCalendarDate(text))
    return err(`--deadline expects a calendar date as YYYY-MM-DD, got "${text}"`);
  return ok(text);
}

/** `--root`, on every command that reads or writes a task file's run state. */
export const ROOT_OPTION = [
  '--root <dir>',
  'project root: where .critpath/ lives and commands run (default: the git repository holding the file, else its folder)',
] as const;

/**
 * Where every verb finds its task file when none is named, in the words each verb's help gives
 * (the top-level help says it at length).
 */
export const DEFAULT_FILE_HELP = `the first found, in this folder or the nearest above it, of a .critpathrc or package.json "critpath" key naming one, ${DEFAULT_NAMES.join(', ')}`;

/** The optional `[file]` argument of a verb that reads a task file: the default file when left out. */
export function taskFileArgument(ctx: CliContext, description = 'task file'): Argument {
  return new Argument('[file]', description).default(ctx.defaultFile.file, DEFAULT_FILE_HELP);
}
