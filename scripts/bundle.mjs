// Bundles the CLI into one file with no node_modules, for hosts where npm cannot run
// (the GPU host in validation runs). Usage: node scripts/bundle.mjs OUTFILE
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';

const out = process.argv[2] ?? 'dist-bundle/critpath.mjs';
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
await build({
  entryPoints: [new URL('../src/cli/entry.ts', import.meta.url).pathname],
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  outfile: out,
  define: { __CRITPATH_VERSION__: JSON.stringify(version) },
  // Some CommonJS dependencies call require(); give the ESM bundle one.
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
  logLevel: 'warning',
});
