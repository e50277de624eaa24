import { main } from './main.js';

// The process entry point of the single-file bundle; bin/critpath.js does the same for dist/.
process.exitCode = await main(process.argv.slice(2));
