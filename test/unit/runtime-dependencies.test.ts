import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sources(join(dir, e.name))
      : e.name.endsWith('.ts')
        ? [join(dir, e.name)]
        : [],
  );
}

// NOTE: p-queue is the run loop's (issue 13, src/executor): this stays red until its owner
// imports it or removes it from package.json, as the README's dependency table says.
describe('runtime dependencies', () => {
  it('every dependency in package.json is imported somewhere in src/', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const text = sources('src')
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    const unused = Object.keys(pkg.dependencies).filter(
      (d) => !text.includes(`from '${d}'`) && !text.includes(`import('${d}')`),
    );
    expect(unused).toEqual([]);
  });
});
