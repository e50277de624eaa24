import { main } from './main.js';

// The process entry point: bin/critpath.js runs it as bundled (dist/critpath.mjs), a test that
// lists the modules a verb loads runs it as tsc builds it (dist/cli/entry.js).
process.exitCode = await main(process.argv.slice(2));
