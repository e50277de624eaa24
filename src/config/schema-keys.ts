import type { z } from 'zod';
import { ProjectSchema } from '../model/schema.js';
import type { FieldPath } from './field-path.js';

type AnySchema = z.core.$ZodType;

/** Walks the project schema along a field path and lists the keys the object there accepts. */
export function knownKeysAt(path: FieldPath): string[] {
  let s: AnySchema | undefined = ProjectSchema;
  for (const step of path) {
    s = s === undefined ? undefined : child(unwrap(s), step);
  }
  const obj = s === undefined ? undefined : findObject(unwrap(s));
  return obj === undefined ? [] : Object.keys(obj._zod.def.shape);
}

function unwrap(s: AnySchema): AnySchema {
  let cur = s;
  for (;;) {
    const def = cur._zod.def as { type: string; innerType?: AnySchema };
    if (
      (def.type === 'optional' || def.type === 'default' || def.type === 'nullable') &&
      def.innerType
    ) {
      cur = def.innerType;
    } else {
      return cur;
    }
  }
}

function findObject(s: AnySchema): z.core.$ZodObject | undefined {
  const def = s._zod.def as { type: string; options?: AnySchema[] };
  if (def.type === 'object') return s as z.core.$ZodObject;
  if (def.type === 'union' && def.options) {
    for (const o of def.options) {
      const found = findObject(unwrap(o));
      if (found) return found;
    }
  }
  return undefined;
}

function child(s: AnySchema, step: PropertyKey): AnySchema | undefined {
  const def = s._zod.def as {
    type: string;
    element?: AnySchema;
    valueType?: AnySchema;
    shape?: Record<string, AnySchema>;
    options?: AnySchema[];
  };
  switch (def.type) {
    case 'array':
      return def.element;
    case 'record':
      return def.valueType;
    case 'object':
      return def.shape?.[String(step)];
    case 'union': {
      const obj = findObject(s);
      return obj === undefined ? undefined : child(obj, step);
    }
    default:
      return undefined;
  }
}
