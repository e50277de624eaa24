import { outputFailure } from '../reporters/terminal.js';
import { EXIT } from './context.js';
import { main } from './main.js';

// The process entry point: bin/critpath.js runs it as bundled (dist/critpath.mjs), a test that
// lists the modules a verb loads runs it as tsc builds it (dist/cli/entry.js).
process.exitCode = await main(process.argv.slice(2));
// Output that could not be written (a full disk) fails a command that would have succeeded.
// Checked at exit: the stream reports its error a turn or more after the write.
process.on('exit', () => {
  if (outputFailure() !== undefined && process.exitCode === EXIT.ok) process.exitCode = EXIT.failed;
});
