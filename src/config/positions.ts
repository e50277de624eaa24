import type { Document, Node } from 'yaml';
import { isMap, isNode, isPair, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Position } from '../result.js';
import type { FieldPath } from './field-path.js';

/** Maps field paths of one parsed YAML document to line/column positions. */
export class PositionIndex {
  readonly #doc: Document;
  readonly #lines: LineCounter;
  readonly #file: string;

  constructor(file: string, doc: Document, lines: LineCounter) {
    this.#file = file;
    this.#doc = doc;
    this.#lines = lines;
  }

  /** Where an offset into the source is. */
  at(offset: number): Position {
    const { line, col } = this.#lines.linePos(offset);
    return { file: this.#file, line, col };
  }

  /** The value at `path`, or the deepest node on the way there when the path does not exist. */
  value(path: FieldPath): Position {
    return this.at(this.#deepest(path)?.range?.[0] ?? 0);
  }

  /** The key of the last step of `path` (for unknown keys), falling back to its value. */
  key(path: FieldPath): Position {
    const parent = this.#node(path.slice(0, -1));
    const last = path[path.length - 1];
    if (isMap(parent)) {
      for (const item of parent.items) {
        if (isPair(item) && isScalar(item.key) && String(item.key.value) === String(last)) {
          return this.at(item.key.range?.[0] ?? 0);
        }
      }
    }
    return this.value(path);
  }

  #node(path: FieldPath): Node | undefined {
    if (path.length === 0) return (this.#doc.contents as Node | null) ?? undefined;
    const n = this.#doc.getIn(path as unknown[], true);
    return isNode(n) ? n : undefined;
  }

  #deepest(path: FieldPath): Node | undefined {
    let best = this.#node([]);
    for (let i = 1; i <= path.length; i++) {
      const n = this.#node(path.slice(0, i));
      if (n === undefined) break;
      best = n;
    }
    return best;
  }

  /** The keys present in the mapping at `path` (for did-you-mean on unknown keys). */
  isSequence(path: FieldPath): boolean {
    return isSeq(this.#node(path));
  }
}

/** Where the value at `path` is in a project file's `text` (its nearest existing node). */
export function positionIn(text: string, file: string, path: FieldPath): Position {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  return new PositionIndex(file, doc, lines).value(path);
}
