// Bundles the CLI with its dependencies: OUTFILE is the CLI's entry, and beside it esbuild writes
// the chunks it imports (OUTFILE's name with -chunk-HASH), split where a verb or a lazily loaded
// piece is imported dynamically, so a verb loads and compiles only the code it imports (status
// on a cache hit: no zod, yaml, execa, HiGHS or dagre; the test status-cache.test.ts checks it).
// critpath-execa.mjs holds execa for the launcher process, which runs commands in a process of
// its own. `npm run build` makes dist/critpath.mjs, which bin/critpath.js runs: node starts it
// in about half the time it takes to load the same modules one file at a time. The same files
// (dist/critpath*.mjs and highs.wasm) are what a host without npm gets (the GPU host in
// validation runs).
// Usage: node scripts/bundle.mjs OUTFILE
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';

const out = process.argv[2] ?? 'dist-bundle/critpath.mjs';
const EXECA_FILE = 'critpath-execa.mjs';
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
// Some CommonJS dependencies call require(); give each ESM bundle one.
const banner = {
  js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
};
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  banner,
  logLevel: 'warning',
};
const outDir = dirname(out);
const stem = basename(out).replace(/\.mjs$/, '');
// Chunks of an earlier build would pile up beside the new ones.
mkdirSync(outDir, { recursive: true });
for (const f of readdirSync(outDir, { withFileTypes: true }))
  if (f.isFile() && f.name.startsWith(`${stem}-chunk-`)) rmSync(join(outDir, f.name));
await build({
  ...common,
  entryPoints: { [stem]: new URL('../src/cli/entry.ts', import.meta.url).pathname },
  outdir: outDir,
  outExtension: { '.js': '.mjs' },
  splitting: true,
  chunkNames: `${stem}-chunk-[hash]`,
  define: {
    __CRITPATH_VERSION__: JSON.stringify(version),
    __CRITPATH_EXECA__: JSON.stringify(`./${EXECA_FILE}`),
  },
});
await build({
  ...common,
  stdin: {
    contents: "export * from 'execa';",
    resolveDir: new URL('..', import.meta.url).pathname,
  },
  outfile: join(dirname(out), EXECA_FILE),
});
// The exact method's MIP solver (HiGHS as WebAssembly) loads highs.wasm from beside the bundle.
copyFileSync(
  createRequire(import.meta.url).resolve('highs/runtime'),
  join(dirname(out), 'highs.wasm'),
);
if (process.argv.includes('--verbose'))
  console.log(
    `bundled ${out} and ${join(dirname(out), EXECA_FILE)} (${basename(out)} needs it beside it)`,
  );
