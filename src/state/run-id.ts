import { randomBytes } from 'node:crypto';

/**
 * A new run's id: its UTC start to the second and 6 random hex digits, e.g.
 * `20261129T000838-c49571`. Ids of both backends sort by start time.
 */
export function newRunId(now: Date = new Date()): string {
  const t = now.toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
  return `${t}-${randomBytes(3).toString('hex')}`;
}
