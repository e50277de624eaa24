import { describe, expect, it } from 'vitest';
import { refusedStartText } from '../../../src/executor/refused-start.js';

/** Which failed starts are the host's (the run stops, the task runs again) and which the task's. */
describe('refusedStartText', () => {
  const env = { PATH: '/usr/bin', HOME: '/root' };

  it('takes a process limit, memory and descriptors as the host refusing, naming the task', () => {
    expect(refusedStartText('a', 'EAGAIN', 'true', env)).toBe(
      'a: the OS refused a new process for its command (EAGAIN: too many processes for the user, see ulimit -u, or for the system, or too little memory)',
    );
    expect(refusedStartText('a', 'ENOMEM', 'true', env)).toMatch(/^a: .*\(ENOMEM\)$/);
    expect(refusedStartText('a', 'EMFILE', ['x'], env)).toMatch(/^a: .*\(EMFILE\)$/);
  });

  it('says how long a command too long to start is, and its environment', () => {
    const text = refusedStartText('big', 'E2BIG', `: ${'x'.repeat(5 * 1024 * 1024)}`, env);
    expect(text).toMatch(
      /^big: the command is too long for the OS to start \(E2BIG\): its command line is 5242882 bytes \(5\.0 MiB\) and its environment 25 bytes, /,
    );
  });

  it('leaves a command that cannot be found or run, or no code at all, to the task', () => {
    expect(refusedStartText('a', 'ENOENT', ['nope'], env)).toBeUndefined();
    expect(refusedStartText('a', 'EACCES', ['./x'], env)).toBeUndefined();
    expect(refusedStartText('a', undefined, 'true', env)).toBeUndefined();
  });
});
