/**
 * A project file of `n` MacBook tasks in a chain (t{i} after t{i-1}), each of `hours` (a number or
 * a range, as written in YAML), starting on Monday 2026-12-07.
 */
export function chainYaml(n: number, hours: string): string {
  const lines = ['project: H', 'start: 2026-12-07', 'tasks:'];
  for (let i = 0; i < n; i++) {
    lines.push(
      `  - { id: t${i}, title: T${i}, hours: ${hours}, hardware: macbook${i > 0 ? `, deps: [t${i - 1}]` : ''} }`,
    );
  }
  return `${lines.join('\n')}\n`;
}
