import { cellWidth, wrapProse } from '../reporters/layout.js';

/**
 * A help line's hanging indent: under its description column (when 24 cells or more are left
 * there), else under its own indent.
 */
function hangingIndent(line: string, width: number): number {
  const described = /^(\s*\S.*?\s{2,})\S/.exec(line);
  if (described !== null && described[1]!.length <= width - 24) return described[1]!.length;
  return /^\s*/.exec(line)![0].length;
}

/**
 * Help text (commander's, and the examples and notes each verb adds, which commander does not
 * wrap) fitted to `width` cells: a longer line wraps, its continuation under the description of
 * an example (`critpath plan --compare   the decision matrix …`) or under its own indent.
 */
export function fitHelp(text: string, width: number): string {
  return text
    .split('\n')
    .map((line) =>
      cellWidth(line) <= width
        ? line
        : wrapProse(line, width, ' '.repeat(hangingIndent(line, width))),
    )
    .join('\n');
}
