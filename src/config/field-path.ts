/** A path into a parsed document, as zod reports it: keys and sequence indices. */
export type FieldPath = readonly PropertyKey[];

/** Renders a field path the way a reader writes it: `tasks[3].phases[0].hours`. */
export function formatPath(path: FieldPath): string {
  let out = '';
  for (const k of path) {
    if (typeof k === 'number') out += `[${k}]`;
    else out += out === '' ? String(k) : `.${String(k)}`;
  }
  return out === '' ? '(document)' : out;
}

/** The value at `path` in a parsed document, or undefined where the path leads nowhere. */
export function valueAt(raw: unknown, path: FieldPath): unknown {
  let v: unknown = raw;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[k as string];
  }
  return v;
}
