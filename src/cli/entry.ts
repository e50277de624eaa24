import { relaunchForHugeInput } from './relaunch.js';

// The process entry point: bin/critpath.js runs it as bundled (dist/critpath.mjs), a test that
// lists the modules a verb loads runs it as tsc builds it (dist/cli/entry.js). A verb reading a
// huge task file may run in a second process (./relaunch.ts); this one then only waits for it,
// so the CLI's modules are imported after that choice.
const argv = process.argv.slice(2);
const relaunched = await relaunchForHugeInput(argv);
if (relaunched !== undefined) process.exitCode = relaunched;
else {
  const [{ main }, { EXIT }, { outputFailure }] = await Promise.all([
    import('./main.js'),
    import('./context.js'),
    import('../reporters/terminal.js'),
  ]);
  process.exitCode = await main(argv);
  // Output that could not be written (a full disk) is the environment's fault: a command that
  // would have succeeded exits 2, as for any other hostile environment. Checked at exit: the
  // stream reports its error a turn or more after the write.
  process.on('exit', () => {
    if (outputFailure() !== undefined && process.exitCode === EXIT.ok)
      process.exitCode = EXIT.usage;
  });
}
