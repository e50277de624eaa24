import { createRequire } from 'node:module';

/** Set by the bundler for the single-file build (scripts/bundle.mjs); else read from package.json. */
declare const __CRITPATH_VERSION__: string | undefined;

/** critpath's version. */
export const VERSION: string =
  typeof __CRITPATH_VERSION__ === 'string'
    ? __CRITPATH_VERSION__
    : (createRequire(import.meta.url)('../package.json') as { version: string }).version;
