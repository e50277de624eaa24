/**
 * A reader for the plain shape most task files have, several times faster than a general YAML
 * parser on large files: block mappings and sequences indented with spaces, one-line flow
 * sequences and mappings of plain scalars (`deps: [a, b]`, `{ count: 4, from: 2026-12-07 }`),
 * plain, single- and double-quoted scalars, comments. Scalars resolve as YAML 1.2's core schema
 * resolves them, for the forms read here: `null`/`~`/empty, `true`/`false`, decimal integers and
 * decimals; anything else that could be a number (`0x1f`, `1e3`, `007`, `.5`, `+1`) is declined.
 * Whatever is outside this shape (anchors, tags, block scalars, multi-line scalars, duplicate
 * keys, tabs, directives, documents) returns undefined, and the caller reads the text with a
 * full parser: the result is either what a full parser gives or undefined.
 */

type YamlMap = Record<string, unknown>;

/** Where a block value whose key or dash ended its line goes. */
interface Slot {
  readonly indent: number;
  readonly into: YamlMap | unknown[];
  readonly key: string | undefined;
}

interface Frame {
  readonly indent: number;
  readonly node: YamlMap | unknown[];
}

export const DECLINE = Symbol('decline');
type Read = unknown;

const KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const NOT_STRING_KEYS = new Set([
  'null',
  'Null',
  'NULL',
  'true',
  'True',
  'TRUE',
  'false',
  'False',
  'FALSE',
]);
const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);

/** Characters that start something other than a plain scalar (anchors, tags, flow, quotes…). */
const INDICATOR = new Uint8Array(128);
for (const ch of '-?:,[]{}#&*!|>\'"%@`') INDICATOR[ch.charCodeAt(0)] = 1;
const SPACE = /\s/;

/** Whether `s` holds `: ` (or a colon at its end) or ` #`: what `/:(?:\s|$)|\s#/` finds. */
function colonOrComment(s: string): boolean {
  for (let i = s.indexOf(':'); i >= 0; i = s.indexOf(':', i + 1))
    if (i + 1 === s.length || SPACE.test(s[i + 1]!)) return true;
  return commentAt(s) >= 0;
}

/** Where ` #` starts in `s` (the space's index), as `s.search(/\s#/)`. */
function commentAt(s: string): number {
  for (let i = s.indexOf('#', 1); i > 0; i = s.indexOf('#', i + 1))
    if (SPACE.test(s[i - 1]!)) return i - 1;
  return -1;
}

/** A plain scalar's value under the core schema, or DECLINE where this reader is not sure. */
export function plain(s: string): Read {
  // The null spellings are at most four characters long.
  if (s.length <= 4 && NULLS.has(s)) return null;
  if (s === 'true' || s === 'True' || s === 'TRUE') return true;
  if (s === 'false' || s === 'False' || s === 'FALSE') return false;
  const c = s.charCodeAt(0);
  // Starts like a number (a digit, a sign, a dot): only the plainest forms are read here.
  if ((c >= 48 && c <= 57) || c === 45 || c === 43 || c === 46) {
    if (/^-?(?:0|[1-9][0-9]{0,14})(?:\.[0-9]{1,15})?$/.test(s)) return Number(s);
    // Dates and ranges (`2026-11-30`, `3-5`) are strings under the core schema.
    if (/^[0-9]+(?:-[0-9]+)+$/.test(s)) return s;
    return DECLINE;
  }
  // Indicators that start something else: anchors, aliases, tags, block scalars, directives…
  if (c < 128 && INDICATOR[c] === 1) return DECLINE;
  // `a: b` inside a plain scalar, or a comment: not for this reader.
  if (colonOrComment(s)) return DECLINE;
  return s;
}

function key(s: string): string | typeof DECLINE {
  return KEY.test(s) && !NOT_STRING_KEYS.has(s) && s !== '__proto__' ? s : DECLINE;
}

/** Keys read lately, by length and first character: a task file repeats a handful of keys. */
const recentKeys: (string | undefined)[] = new Array<string | undefined>(256);

/**
 * key() of `text`'s first `length` characters. A key read lately is matched where it stands and
 * returned as it was then, not cut out of the line again: a large file's hundreds of thousands
 * of keys are a dozen strings, which objects take as property names without looking them up.
 */
function keyAt(text: string, length: number): string | typeof DECLINE {
  const slot = (length * 31 + text.charCodeAt(0)) & 255;
  const seen = recentKeys[slot];
  if (seen !== undefined && seen.length === length && text.startsWith(seen)) return seen;
  const k = key(text.slice(0, length));
  if (k !== DECLINE) recentKeys[slot] = k;
  return k;
}

/** The end of a value: nothing, or a comment after a space. */
export function restIsEmpty(rest: string): boolean {
  return /^\s*(?:#.*)?$/.test(rest);
}

function doubleQuoted(s: string): Read {
  // Most quoted values have no escapes: one slice, not a string built a character at a time.
  let q = 1;
  while (q < s.length && s.charCodeAt(q) !== 34 && s.charCodeAt(q) !== 92) q++;
  if (s.charCodeAt(q) === 34) return restIsEmpty(s.slice(q + 1)) ? s.slice(1, q) : DECLINE;
  let out = '';
  for (let i = 1; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === '"') return restIsEmpty(s.slice(i + 1)) ? out : DECLINE;
    if (ch === '\\') {
      const e = s[++i];
      if (e === '"' || e === '\\' || e === '/') out += e;
      else if (e === 'n') out += '\n';
      else if (e === 't') out += '\t';
      else return DECLINE;
    } else out += ch;
  }
  return DECLINE;
}

function singleQuoted(s: string): Read {
  const q = s.indexOf("'", 1);
  if (q > 0 && s.charCodeAt(q + 1) !== 39)
    return restIsEmpty(s.slice(q + 1)) ? s.slice(1, q) : DECLINE;
  let out = '';
  for (let i = 1; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === "'") {
      if (s[i + 1] === "'") {
        out += "'";
        i++;
        continue;
      }
      return restIsEmpty(s.slice(i + 1)) ? out : DECLINE;
    }
    out += ch;
  }
  return DECLINE;
}

/** Where a flow scalar ends: `,`, `[`, `]`, `{`, `}`. */
const flowStop = (c: number): boolean => c === 44 || c === 91 || c === 93 || c === 123 || c === 125;

/** Flow collections nest at most this deep here. */
const FLOW_DEPTH = 8;

/**
 * The flow collection (`[a, b]`, `{ k: v, l: [c] }`) that opens at `s[at]`, of plain scalars,
 * on one line: its value and the index after it, or DECLINE.
 */
function flowAt(s: string, at: number, depth: number): [unknown, number] | typeof DECLINE {
  if (depth > FLOW_DEPTH) return DECLINE;
  const isList = s[at] === '[';
  const close = isList ? ']' : '}';
  const list: unknown[] = [];
  const map: YamlMap = {};
  let i = at + 1;
  const skip = (): void => {
    while (s[i] === ' ') i++;
  };
  skip();
  if (s[i] === close) return [isList ? list : map, i + 1];
  for (;;) {
    skip();
    let k: string | undefined;
    if (!isList) {
      const colon = s.indexOf(': ', i);
      if (colon < 0) return DECLINE;
      const name = key(s.slice(i, colon).trim());
      if (name === DECLINE || Object.hasOwn(map, name)) return DECLINE;
      k = name;
      i = colon + 2;
      skip();
    }
    let v: unknown;
    if (s[i] === '[' || s[i] === '{') {
      const r = flowAt(s, i, depth + 1);
      if (r === DECLINE) return DECLINE;
      [v, i] = r;
    } else if (s[i] === '"' || s[i] === "'") {
      const r = flowQuoted(s, i);
      if (r === DECLINE) return DECLINE;
      [v, i] = r;
    } else {
      let j = i;
      while (j < s.length && !flowStop(s.charCodeAt(j))) j++;
      const token = s.slice(i, j).trim();
      if (token === '' || /[:#'"]/.test(token)) return DECLINE;
      v = plain(token);
      if (v === DECLINE) return DECLINE;
      i = j;
    }
    if (k === undefined) list.push(v);
    else map[k] = v;
    skip();
    if (s[i] === ',') {
      i++;
      continue;
    }
    if (s[i] === close) return [isList ? list : map, i + 1];
    return DECLINE;
  }
}

/**
 * The quoted scalar that opens at `s[at]` inside a flow collection (`run: ["make", "x"]`): its
 * text and the index after it, or DECLINE for one with an escape (`\`, or `''` inside single
 * quotes), which a full parser reads.
 */
function flowQuoted(s: string, at: number): [string, number] | typeof DECLINE {
  const q = s.charCodeAt(at);
  let j = at + 1;
  while (j < s.length && s.charCodeAt(j) !== q && s.charCodeAt(j) !== 92) j++;
  if (j >= s.length) return DECLINE;
  if (s.charCodeAt(j) === 92) {
    // A backslash is an escape only inside double quotes.
    if (q === 34) return DECLINE;
    j = s.indexOf("'", j);
    if (j < 0) return DECLINE;
  }
  if (q === 39 && s.charCodeAt(j + 1) === 39) return DECLINE;
  return [s.slice(at + 1, j), j + 1];
}

function flow(s: string): Read {
  const r = flowAt(s, 0, 0);
  return r === DECLINE || !restIsEmpty(s.slice(r[1])) ? DECLINE : r[0];
}

/** A value that starts on the line of its key or dash. */
function inline(s: string): Read {
  const c = s[0];
  if (c === '"') return doubleQuoted(s);
  if (c === "'") return singleQuoted(s);
  if (c === '[' || c === '{') return flow(s);
  const hash = commentAt(s);
  return plain((hash < 0 ? s : s.slice(0, hash)).trimEnd());
}

function put(into: YamlMap | unknown[], k: string | undefined, v: unknown): boolean {
  if (Array.isArray(into)) {
    into.push(v);
    return true;
  }
  if (k === undefined || Object.hasOwn(into, k)) return false;
  into[k] = v;
  return true;
}

/**
 * `key: value` or `key:` at `indent` into `map`; a slot when the value follows on the next lines.
 * DECLINE when the line is not of that form.
 */
function mapEntry(map: YamlMap, indent: number, text: string): Slot | undefined | typeof DECLINE {
  const colon = text.indexOf(':');
  if (colon <= 0) return DECLINE;
  const after = text.charCodeAt(colon + 1);
  if (!(Number.isNaN(after) || after === 32)) return DECLINE;
  const k = keyAt(text, colon);
  if (k === DECLINE || Object.hasOwn(map, k)) return DECLINE;
  const rest = text.slice(colon + 1).trimStart();
  if (rest === '' || rest[0] === '#') return { indent, into: map, key: k };
  const v = inline(rest);
  if (v === DECLINE) return DECLINE;
  map[k] = v;
  return undefined;
}

/** The document as the core schema reads it, or undefined when it is not of the plain shape. */
export function readSimpleYaml(source: string): unknown {
  const stack: Frame[] = [];
  let root: YamlMap | unknown[] | undefined;
  let slot: Slot | undefined;
  for (let at = 0; at < source.length;) {
    let eol = source.indexOf('\n', at);
    if (eol < 0) eol = source.length;
    let end = eol;
    if (end > at && source.charCodeAt(end - 1) === 13) end--;
    let i = at;
    while (i < end && source.charCodeAt(i) === 32) i++;
    const indent = i - at;
    const first = source.charCodeAt(i);
    at = eol + 1;
    if (i === end || first === 35) continue; // blank, or a comment
    if (first === 9) return undefined; // a tab in the indentation
    const text = source.slice(i, end);
    if (indent === 0 && (text.startsWith('---') || text.startsWith('...') || first === 37))
      return undefined;
    const dash = text === '-' || text.startsWith('- ');
    if (root === undefined) {
      if (indent !== 0) return undefined;
      root = dash ? [] : {};
      stack.push({ indent: 0, node: root });
    } else if (slot !== undefined) {
      // The line opens the block value of the slot: deeper, or a dash at a key's own indent.
      const opens =
        indent > slot.indent || (dash && indent === slot.indent && slot.key !== undefined);
      const node = opens ? (dash ? [] : {}) : null;
      if (!put(slot.into, slot.key, node)) return undefined;
      if (node !== null) stack.push({ indent, node });
      slot = undefined;
    }
    while (stack.length > 0 && stack[stack.length - 1]!.indent > indent) stack.pop();
    const top = stack[stack.length - 1];
    if (top === undefined || top.indent !== indent) return undefined;
    if (!Array.isArray(top.node)) {
      if (dash) return undefined;
      const r = mapEntry(top.node, indent, text);
      if (r === DECLINE) return undefined;
      slot = r;
      continue;
    }
    if (!dash) return undefined;
    const item = text.slice(1).trimStart();
    const column = indent + (text.length - item.length);
    if (restIsEmpty(item)) {
      slot = { indent, into: top.node, key: undefined };
      continue;
    }
    if (item.startsWith('- ') || item === '-') return undefined;
    if (/^[^\s:#'"[{]+:(?: |$)/.test(item)) {
      // `- key: value`: a mapping whose keys line up with this one.
      const map: YamlMap = {};
      top.node.push(map);
      stack.push({ indent: column, node: map });
      const r = mapEntry(map, column, item);
      if (r === DECLINE) return undefined;
      slot = r;
      continue;
    }
    const v = inline(item);
    if (v === DECLINE) return undefined;
    top.node.push(v);
  }
  if (slot !== undefined && !put(slot.into, slot.key, null)) return undefined;
  return root;
}
