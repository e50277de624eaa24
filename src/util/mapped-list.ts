/**
 * A list written as `items.map(map)`, mapped as it is read: the mapped elements of a long list
 * (a million activity rows) never all exist at once. The JSON writer (reporters/json-chunks.ts)
 * maps it a batch at a time; JSON.stringify writes it as the mapped array (toJSON).
 */
export class MappedList<T, U = unknown> {
  readonly items: ArrayLike<T>;
  readonly map: (item: T) => U;

  constructor(items: ArrayLike<T>, map: (item: T) => U) {
    this.items = items;
    this.map = map;
  }

  get length(): number {
    return this.items.length;
  }

  /** Element `i`, mapped. */
  at(i: number): U {
    return this.map(this.items[i]!);
  }

  /** Elements `from`…`to−1`, mapped. */
  slice(from: number, to: number): U[] {
    const out: U[] = [];
    for (let i = from; i < to; i++) out.push(this.map(this.items[i]!));
    return out;
  }

  *[Symbol.iterator](): Iterator<U> {
    for (let i = 0; i < this.items.length; i++) yield this.map(this.items[i]!);
  }

  toJSON(): U[] {
    return this.slice(0, this.items.length);
  }
}
