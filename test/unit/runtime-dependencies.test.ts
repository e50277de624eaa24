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

  it("the README's table names every runtime dependency, and nothing else", () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const readme = readFileSync('README.md', 'utf8');
    const table = readme.slice(readme.indexOf('### Runtime dependencies'));
    const rows = [...table.matchAll(/^\| `([^`]+)` +\|/gm)].map((m) => m[1]);
    expect(rows.sort()).toEqual(Object.keys(pkg.dependencies).sort());
  });
});
