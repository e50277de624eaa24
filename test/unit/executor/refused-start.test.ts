import { describe, expect, it } from 'vitest';
import { startRefusal } from '../../../src/executor/refused-start.js';

/** Which failed starts are the host's (the run stops, the task runs again) and which the task's. */
describe('startRefusal', () => {
  const env = { PATH: '/usr/bin', HOME: '/root' };

  it('takes a process limit, memory and descriptors as the host refusing, naming the task', () => {
    expect(startRefusal('a', 'EAGAIN', 'true', env)).toEqual({
      by: 'host',
      text: 'a: the OS refused a new process for its command (EAGAIN: too many processes for the user, see ulimit -u, or for the system, or too little memory)',
    });
    expect(startRefusal('a', 'ENOMEM', 'true', env)?.text).toMatch(/^a: .*\(ENOMEM\)$/);
    expect(startRefusal('a', 'EMFILE', ['x'], env)?.by).toBe('host');
  });

  it("takes a command too long to start (E2BIG) as the task's failure, saying its size", () => {
    const r = startRefusal('big', 'E2BIG', `: ${'x'.repeat(5 * 1024 * 1024)}`, env);
    expect(r?.by).toBe('command');
    expect(r?.text).toMatch(
      /^the command is too long for the OS to start \(E2BIG\): its command line is 5242882 bytes \(5\.0 MiB\) and its environment 25 bytes, /,
    );
  });

  it('leaves a command that cannot be found or run, or no code at all, to the task', () => {
    expect(startRefusal('a', 'ENOENT', ['nope'], env)).toBeUndefined();
    expect(startRefusal('a', 'EACCES', ['./x'], env)).toBeUndefined();
    expect(startRefusal('a', undefined, 'true', env)).toBeUndefined();
  });
});
