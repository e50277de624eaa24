import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProjectFile } from '../../../src/config/load.js';

// Every file in test/fixtures/bad is a broken task file. Its trailing `# expect:` comments give,
// in order, every diagnostic the loader must report: `line:col: field: message`.
const dir = 'test/fixtures/bad';
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

describe('bad task files', () => {
  it('has a corpus of at least 30 files, as many as the README says', () => {
    expect(files.length).toBeGreaterThanOrEqual(30);
    const readme = readFileSync('README.md', 'utf8').replace(/\s+/g, ' ');
    expect(readme).toContain(`\`test/fixtures/bad/\` holds ${files.length} broken files`);
  });

  it.each(files)('%s reports exactly the expected diagnostics', async (f) => {
    const path = join(dir, f);
    const expected = readFileSync(path, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('# expect: '))
      .map((l) => `${path}:${l.slice('# expect: '.length)}`);
    expect(expected.length).toBeGreaterThan(0);
    const r = await loadProjectFile(path);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const got = r.error.map(
      (d) => `${d.position.file}:${d.position.line}:${d.position.col}: ${d.message}`,
    );
    expect(got).toEqual(expected);
    for (const line of got) expect(line).not.toMatch(/\n|at .*\.js:\d+/);
  });
});
