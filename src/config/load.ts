import { CORE_SCHEMA, load as loadYamlValue } from 'js-yaml';
import { isAlias, isCollection, isPair, LineCounter, parseDocument } from 'yaml';
import type { Document } from 'yaml';
import type { z } from 'zod';
import type { Project } from '../model/project.js';
import { ProjectSchema } from '../model/schema.js';
import { parseProjectQuick } from '../model/plain-task.js';
import { rememberTaskIndex } from '../model/activities.js';
import type { Diagnostic, DiagnosticReason, Result } from '../result.js';
import { err, ok } from '../result.js';
import type { FieldPath } from './field-path.js';
import { PositionIndex } from './positions.js';
import { formatPath, valueAt } from './field-path.js';
import type { Report } from './rules.js';
import { checkRules } from './rules.js';
import { checkGpuFit } from './gpu-fit-rules.js';
import { hasDuplicateKey } from './json-keys.js';
import { readSimpleYaml } from './simple-yaml.js';
import { notUtf8 } from './utf8.js';
import { readTaskFile } from './task-file-read.js';
import { describeValue as describe, issueWords } from './issue-words.js';
import { normalize } from './normalize.js';
import { knownKeysAt } from './schema-keys.js';
import { HintBudget, nearest } from '../util/suggest.js';

/** Reads and checks a task file. Every problem found is reported, each with its position. */
export async function loadProjectFile(file: string): Promise<Result<Project, Diagnostic[]>> {
  const bytes = await readTaskFile(file);
  if (!Buffer.isBuffer(bytes)) return err([bytes]);
  const encoding = notUtf8(bytes, file);
  if (encoding !== undefined) return err([encoding]);
  return loadProjectText(bytes.toString('utf8'), file);
}

/**
 * Parses and checks task-file text; `file` names it in diagnostics.
 *
 * Two fast paths find a good file's project, and a slow one explains a bad file:
 * - JSON (a subset of YAML, and the best form for machine-generated projects of 10k+ tasks) is
 *   parsed with the native `JSON.parse`, dozens of times faster than a YAML parser;
 * - other YAML is parsed with js-yaml (YAML 1.2 core schema, as `yaml` resolves it), about ten
 *   times faster than `yaml` builds its document with source positions. Aliases are read there
 *   within the positioned path's bound on expansion; anything js-yaml cannot read is declined.
 * Only when the text has a problem (or a fast path declines it) is it parsed by `yaml`, whose
 * document gives each diagnostic its line and column.
 */
export function loadProjectText(text: string, file: string): Result<Project, Diagnostic[]> {
  return loadProjectTextChecked(text, file).result;
}

/**
 * A load as loadProjectText does it, with what the project cache keeps of a good file: the
 * value a fast path parsed (`parsed`; absent when the file took the positioned path) and
 * whether that was the text read as JSON (`json`), which the cache then need not store.
 */
export interface CheckedLoad {
  readonly result: Result<Project, Diagnostic[]>;
  readonly parsed?: unknown;
  readonly json: boolean;
  /** `parsed` came from the plain-shape reader, whose numbers are all finite. */
  readonly finite?: boolean;
}

export function loadProjectTextChecked(text: string, file: string): CheckedLoad {
  // JSON that parsed is what js-yaml would read too: a problem in it goes straight to `yaml`.
  const json = parseJsonFast(text);
  const simple = json === undefined ? readSimpleYaml(text) : undefined;
  const parsed = json ?? simple ?? parseYamlGeneral(text);
  const fast = loadFast(parsed);
  if (fast !== undefined)
    return { result: fast, parsed, json: json !== undefined, finite: simple !== undefined };
  return { result: loadYamlWithPositions(text, file, parsed), json: false };
}

/**
 * The key that starts at `from` (where a DUPLICATE_KEY error points), quoted as written: a
 * quoted key to its closing quote, a plain one to its colon; at most 60 characters shown.
 */
function keyText(text: string, from: number): string {
  const q = text[from];
  let to = from + 1;
  if (q === '"' || q === "'") {
    while (to < text.length && text[to] !== q) to += text[to] === '\\' && q === '"' ? 2 : 1;
    to++;
  } else {
    while (to < text.length && !/[:\n]/.test(text[to]!)) to++;
  }
  const key = text.slice(from, Math.min(to, from + 60)).trim();
  const shown = q === '"' || q === "'" ? key : `"${key}"`;
  return to - from > 60 ? `${shown}…` : shown;
}

/** `text` as JSON, when it is a JSON object; else undefined. */
function parseJsonFast(text: string): unknown {
  if (!/^\s*\{/.test(text)) return undefined;
  try {
    const value = JSON.parse(text) as unknown;
    // JSON.parse keeps the last of two equal keys: such a file takes the positioned path.
    return hasDuplicateKey(text, value) ? undefined : value;
  } catch {
    return undefined;
  }
}

/**
 * `text` as one YAML document: by the plain-shape reader (./simple-yaml.ts) when it has that
 * shape, else by js-yaml when it surely reads as `yaml` reads it; else undefined. Declined, for
 * `yaml` to read: aliases that expand the file too far or stand inside their own anchor,
 * directives (`%YAML 1.1` changes the schema), tags (`!`, also a `!` that only might be one),
 * numbers out of a double's range (`1e400`: js-yaml keeps the text), and keys that stand for null
 * (`~:`: js-yaml names the key "null", `yaml` "").
 */
export function parseYamlFast(text: string): unknown {
  // The plain-shape reader makes no key from a null (its keys start with a letter or `_`, and
  // are never `null`, `Null` or `NULL`): no walk to look for one.
  return readSimpleYaml(text) ?? parseYamlGeneral(text);
}

/** `text` as one YAML document read by js-yaml, when it surely reads as `yaml` reads it. */
function parseYamlGeneral(text: string): unknown {
  if (/^%|(?:^|[\s,[{])!|\d[eE][-+]?\d{3}/m.test(text)) return undefined;
  let value: unknown;
  try {
    value = loadYamlValue(text, { schema: CORE_SCHEMA, maxAliases: 0 });
  } catch (e) {
    // A file with aliases is read again allowing them: each stands for its anchor's value.
    if (!(e instanceof Error) || !e.message.startsWith('aliases exceeded')) return undefined;
    value = withAliases(text);
    if (value === undefined) return undefined;
  }
  return hasNullKey(value) ? undefined : value;
}

/**
 * `text` read by js-yaml with its aliases, when they expand it no further than the positioned
 * path allows (aliasProblem); else undefined. js-yaml gives an alias its anchor's own object,
 * so the value is a graph: a billion-laughs file is small until something walks it as a tree.
 */
function withAliases(text: string): unknown {
  let value: unknown;
  try {
    value = loadYamlValue(text, { schema: CORE_SCHEMA, maxAliases: -1 });
  } catch {
    return undefined;
  }
  return expandsWithinBound(value) ? value : undefined;
}

/**
 * Whether `root`, its shared objects counted once where written and in full where expanded,
 * expands to at most ALIAS_FACTOR times the values written plus ALIAS_SLACK, with no object
 * inside itself (an alias inside its own anchor). Values are counted as aliasProblem counts the
 * document's nodes (a mapping's keys and values, a list's items), a null as none, so that it
 * never accepts what the positioned path refuses. Iterative; each object is walked once.
 */
function expandsWithinBound(root: unknown): boolean {
  if (root === null || typeof root !== 'object') return true;
  const size = new Map<object, number>();
  const open = new Set<object>();
  let written = 0;
  // A frame with its children listed is the object's second visit, once they are sized.
  const stack: { node: object; kids?: unknown[] }[] = [{ node: root }];
  while (stack.length > 0) {
    const { node, kids } = stack.pop()!;
    if (kids === undefined) {
      if (size.has(node)) continue;
      if (open.has(node)) return false;
      open.add(node);
      const listed = Object.values(node) as unknown[];
      stack.push({ node, kids: listed });
      for (const k of listed)
        if (k !== null && typeof k === 'object' && !size.has(k)) stack.push({ node: k });
      continue;
    }
    const keys = Array.isArray(node) ? 0 : kids.length;
    let s = 1 + keys;
    written += 1 + keys;
    for (const k of kids) {
      if (k === null) continue;
      written++;
      s += typeof k === 'object' ? size.get(k)! : 1;
    }
    size.set(node, Math.min(s, 1e15));
    open.delete(node);
  }
  return size.get(root)! <= ALIAS_FACTOR * written + ALIAS_SLACK;
}

/** Keys js-yaml may have made from a null: `~`, `null`, an empty key. */
const NULL_KEYS = new Set(['', '~', 'null', 'Null', 'NULL']);

function hasNullKey(v: unknown): boolean {
  if (Array.isArray(v)) return v.some(hasNullKey);
  if (v === null || typeof v !== 'object') return false;
  for (const [k, x] of Object.entries(v)) if (NULL_KEYS.has(k) || hasNullKey(x)) return true;
  return false;
}

/** The project, when `raw` is a mapping that passes every check; else undefined. */
function loadFast(raw: unknown): Result<Project, Diagnostic[]> | undefined {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const parsed = parseProjectQuick(raw as Record<string, unknown>);
  if (parsed === undefined) return undefined;
  let problems = 0;
  // Only counted here: the findings' words (and hints) come from the positioned path.
  const index = checkRules(
    raw as Record<string, unknown>,
    (raw as { tasks: unknown[] }).tasks,
    () => {
      problems++;
    },
    new HintBudget(0),
  );
  if (problems > 0) return undefined;
  const project = normalize(parsed);
  // GPU work no plan could place: the positioned path says where.
  if (checkGpuFit(project, raw as Record<string, unknown>).length > 0) return undefined;
  // The activity graph then resolves the tasks' deps from what the checks found.
  rememberTaskIndex(project.tasks, index);
  return ok(project);
}

/**
 * The positioned path: `text` parsed by `yaml` into a document that knows where each value is,
 * so that every problem is reported at its line and column. What loadProjectText falls back to.
 * `value`, when given, is what a fast reader made of the same text (the value `yaml` gives, as
 * the fast paths promise): it is used instead of the document's own, whose aliases `yaml`
 * resolves by walking the document for each one (a minute for 20,000 aliases).
 */
export function loadYamlWithPositions(
  text: string,
  file: string,
  value?: unknown,
): Result<Project, Diagnostic[]> {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const at = new PositionIndex(file, doc, lines);
  const diags: Diagnostic[] = [];
  const report = (
    reason: DiagnosticReason,
    path: FieldPath,
    message: string,
    onKey: boolean | string = false,
  ): void => {
    diags.push({
      reason,
      message: `${formatPath(path)}: ${message}`,
      position:
        typeof onKey === 'string'
          ? at.key([...path, onKey])
          : onKey
            ? at.key(path)
            : at.value(path),
    });
  };

  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      // yaml's advice for several documents names its own API; the file's author needs this.
      const message =
        e.code === 'MULTIPLE_DOCS'
          ? 'YAML syntax: a task file holds one YAML document, and a second one starts here'
          : e.code === 'DUPLICATE_KEY'
            ? `duplicate key ${keyText(text, e.pos[0])}: a mapping holds each key once`
            : /Maximum call stack size exceeded/.test(e.message)
              ? 'YAML syntax: lists or mappings nested too deep to read (hundreds of levels)'
              : `YAML syntax: ${yamlProblem(e.message)}${yamlHint(e.code, lineAt(text, e.pos[0]))}`;
      diags.push({ reason: 'yaml-syntax', message, position: at.at(e.pos[0]) });
    }
    return err(sortDiagnostics(diags));
  }

  const raw = value ?? toJsBounded(doc);
  if (raw instanceof AliasProblem) {
    diags.push({ reason: 'yaml-syntax', message: raw.message, position: at.at(raw.offset) });
    return err(diags);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    report('schema', [], 'expected a mapping with project, start and tasks');
    return err(diags);
  }

  // One budget for the whole file's did-you-mean hints.
  const hints = new HintBudget();
  const parsed = ProjectSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) reportIssue(issue, raw, report, hints);
  }

  // Semantic rules run on what parsed, even when the schema found problems elsewhere,
  // so one pass shows everything wrong with the file.
  const tasks = Array.isArray((raw as { tasks?: unknown }).tasks)
    ? (raw as { tasks: unknown[] }).tasks
    : [];
  checkRules(raw as Record<string, unknown>, tasks, report, hints);

  if (!parsed.success || !diags.every((d) => APART_FROM_GPU_FIT.has(d.reason)))
    return err(sortDiagnostics(oneWordPerHours(diags)));
  // Last, on the project itself (scenarios applied as plans apply them): GPU work no plan could
  // place. Only where nothing else is wrong but the dependencies, which it does not read, so
  // that a finding is never said twice nor made from a field that is itself wrong.
  const project = normalize(parsed.data);
  for (const f of checkGpuFit(project, raw as Record<string, unknown>))
    report(f.reason, f.path, f.message);
  if (diags.length > 0) return err(sortDiagnostics(diags));
  return ok(project);
}

/**
 * Findings that leave the GPU-fit check's inputs (hardware, calendar, hours, GPU counts,
 * scenarios) as the schema read them: it runs beside them, so that fixing a dependency does not
 * uncover a GPU finding that could have been said at once.
 */
const APART_FROM_GPU_FIT: ReadonlySet<DiagnosticReason> = new Set([
  'unknown-dependency',
  'self-dependency',
  'cycle',
]);

/**
 * The diagnostics without the schema's word on an `hours` field (or one of its points) that the
 * hour rules explain (a number that is not finite: `.inf`, `{ low: 1, high: .nan }`), so a field
 * gets one.
 */
function oneWordPerHours(diags: Diagnostic[]): Diagnostic[] {
  const field = (d: Diagnostic): string => d.message.slice(0, d.message.indexOf(': '));
  const explained = new Set(diags.filter((d) => d.reason === 'bad-hours').map(field));
  if (explained.size === 0) return diags;
  // `tasks[0].hours.high` is a field of `tasks[0].hours`.
  const whole = (f: string): string => f.replace(/\.(low|likely|high)$/, '');
  return diags.filter((d) => d.reason !== 'schema' || !explained.has(whole(field(d))));
}

/** Why the document's aliases cannot be expanded, and at which offset. */
class AliasProblem {
  readonly message: string;
  readonly offset: number;

  constructor(message: string, offset: number) {
    this.message = message;
    this.offset = offset;
  }
}

/**
 * How far aliases may expand a document: to this many times the values it writes, plus
 * ALIAS_SLACK. An anchor shared by every task (`env: *common`) adds a few values per use; a
 * billion-laughs document multiplies them at every level, and is refused before it is walked.
 */
const ALIAS_FACTOR = 10;
const ALIAS_SLACK = 10_000;

/**
 * The document as plain data, or an AliasProblem: its aliases expand it past the bound above (or
 * one stands inside its own anchor), or one names no anchor set before it.
 */
function toJsBounded(doc: Document): unknown {
  return aliasProblem(doc) ?? doc.toJS({ maxAliasCount: -1 });
}

/** The child nodes of a yaml node, in document order: a map's keys and values, a list's items. */
function childNodes(n: unknown): unknown[] {
  if (!isCollection(n)) return [];
  const out: unknown[] = [];
  for (const item of n.items as unknown[])
    if (isPair(item)) out.push(item.key, item.value);
    else out.push(item);
  return out;
}

/**
 * What is wrong with the document's aliases, if anything. First, whether they expand it too far:
 * past ALIAS_FACTOR times the values it writes plus ALIAS_SLACK, or into a loop (an alias inside
 * its own anchor), said at the first alias whose anchor holds aliases itself (where expansion
 * multiplies), else at the first alias. Then, the first alias that names no anchor set before
 * it. Sizes are counted bottom-up in document order (an anchor comes before its aliases), each
 * node once, without recursion.
 */
function aliasProblem(doc: Document): AliasProblem | undefined {
  const size = new Map<unknown, number>();
  /** Nodes that hold an alias, themselves or below. */
  const holds = new Set<unknown>();
  // Anchors by name as the walk meets them (a later one of the same name replaces the earlier),
  // and what each alias names: yaml's own lookup walks the document for every alias.
  const anchors = new Map<string, unknown>();
  const targets = new Map<unknown, unknown>();
  let written = 0;
  let first = Infinity;
  let nested = Infinity;
  let loop = false;
  let unresolved: AliasProblem | undefined;
  const stack: { node: unknown; done: boolean }[] = [{ node: doc.contents, done: false }];
  while (stack.length > 0) {
    const { node, done } = stack.pop()!;
    if (node === null || node === undefined) continue;
    if (!done) {
      written++;
      if (isAlias(node)) targets.set(node, anchors.get(node.source));
      else {
        const anchor = (node as { anchor?: string }).anchor;
        if (anchor !== undefined) anchors.set(anchor, node);
      }
      stack.push({ node, done: true });
      const kids = childNodes(node);
      for (let k = kids.length - 1; k >= 0; k--) stack.push({ node: kids[k], done: false });
      continue;
    }
    let s = 1;
    if (isAlias(node)) {
      const target = targets.get(node);
      const at = node.range?.[0] ?? 0;
      first = Math.min(first, at);
      if (holds.has(target)) nested = Math.min(nested, at);
      holds.add(node);
      if (target === undefined)
        unresolved ??= new AliasProblem(
          `YAML alias *${node.source} names no anchor set before it`,
          at,
        );
      // Not sized yet: the alias stands inside its own anchor.
      const t = target === undefined ? 1 : size.get(target);
      if (t === undefined) loop = true;
      s = t ?? 1;
    } else
      for (const c of childNodes(node)) {
        s += c === null ? 0 : (size.get(c) ?? 0);
        if (holds.has(c)) holds.add(node);
      }
    size.set(node, Math.min(s, 1e15));
  }
  const over = loop || (size.get(doc.contents) ?? 0) > ALIAS_FACTOR * written + ALIAS_SLACK;
  if (!over) return unresolved;
  return new AliasProblem(
    `YAML aliases expand the file past ${ALIAS_FACTOR} times the values it writes (an alias bomb)`,
    Number.isFinite(nested) ? nested : Number.isFinite(first) ? first : 0,
  );
}

/** Turns one zod issue into diagnostics, with did-you-mean for unknown keys. */
function reportIssue(
  issue: z.core.$ZodIssue,
  raw: unknown,
  report: Report,
  hints: HintBudget,
): void {
  const path = issue.path as FieldPath;
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeysAt(path);
    for (const key of issue.keys) {
      const hint = nearest(key, known, hints);
      const tail =
        hint === undefined
          ? ` (expected one of: ${known.join(', ')})`
          : ` (did you mean "${hint}"?)`;
      report('unknown-key', [...path, key], `unknown key "${key}"${tail}`, true);
    }
    return;
  }
  const value = valueAt(raw, path);
  const inner = issuesInside(issue, value);
  if (inner !== undefined) {
    for (const i of inner) reportIssue(i, raw, report, hints);
    return;
  }
  if (value === undefined) {
    report('schema', path, `missing required field`);
    return;
  }
  const got = describe(value);
  // The schema's own messages get the value appended; zod's are reworded (issue-words.ts).
  report('schema', path, issueWords(issue, got) ?? `${issue.message}, got ${got}`);
}

/**
 * For a mapping that no option of a union takes, the issues of the one option that takes
 * mappings (hours `{ low, likely, high }`), at their own fields: `hours.high` is missing, or
 * `hours.low` is no number. (The union's own word, "got a mapping", named neither.) Undefined
 * for a value of another kind, or where more than one option got past the value's kind.
 */
function issuesInside(issue: z.core.$ZodIssue, value: unknown): z.core.$ZodIssue[] | undefined {
  if (issue.code !== 'invalid_union' || value === null || typeof value !== 'object')
    return undefined;
  if (Array.isArray(value)) return undefined;
  const inside = issue.errors.filter(
    (list) =>
      list.length > 0 && list.every((i) => i.path.length > 0 || i.code === 'unrecognized_keys'),
  );
  if (inside.length !== 1) return undefined;
  return inside[0]!.map((i) => ({ ...i, path: [...issue.path, ...i.path] }) as z.core.$ZodIssue);
}

function sortDiagnostics(d: Diagnostic[]): Diagnostic[] {
  return [...d].sort(
    (a, b) =>
      a.position.line - b.position.line ||
      a.position.col - b.position.col ||
      (a.message < b.message ? -1 : 1),
  );
}

/**
 * What a task file's author most likely meant, for the yaml parser's codes that often mean it,
 * when the line the problem is on (`line`) shows that slip: a value holding ": " (a second ": "
 * on the line), or a key without its ": ". Empty otherwise (a line indented too deep, say).
 */
function yamlHint(code: string, line: string): string {
  const colons = line.split(/:(?:\s|$)/).length - 1;
  // The line as it should read, when short enough to quote in a one-line message.
  const fixed = (text: string): string => (text.length <= 60 ? ` (${text})` : '');
  const item = /^\s*(?:- )?/.exec(line)![0];
  const body = line.slice(item.length).trim();
  if (code === 'BLOCK_AS_IMPLICIT_KEY' && colons >= 2) {
    const at = body.indexOf(': ');
    const value = body.slice(at + 2).trim();
    return `; a value holding ": " needs quotes${fixed(`${body.slice(0, at)}: ${JSON.stringify(value)}`)}`;
  }
  if (code === 'BLOCK_IN_FLOW' && colons >= 2 && line.includes('{'))
    return '; a value holding ": " needs quotes ({ id: a, title: "Git: init" })';
  if (code === 'MULTILINE_IMPLICIT_KEY' && colons === 0) {
    const space = body.search(/\s/);
    return `; a key needs ": " after it${space > 0 ? fixed(`${body.slice(0, space)}: ${body.slice(space).trim()}`) : ''}`;
  }
  return '';
}

/** The line of `text` that holds offset `at`. */
function lineAt(text: string, at: number): string {
  const start = text.lastIndexOf('\n', at - 1) + 1;
  const end = text.indexOf('\n', at);
  return text.slice(start, end < 0 ? undefined : end);
}

/** The longest stretch of the file that a YAML syntax message quotes. */
const QUOTE_MAX = 40;

/**
 * The yaml parser's message, for one line: its first line, and the text it quotes (which may be
 * the rest of the file, its line breaks written `\n`) cut to that text's first line, at most
 * QUOTE_MAX characters. The position already says where it is.
 */
export function yamlProblem(message: string): string {
  const first = message.split('\n')[0] ?? message;
  const m = /^(.*?): "(.*)"$/.exec(first);
  if (m === null) return first;
  const quoted = m[2]!;
  const line = quoted.split('\\n')[0]!;
  const cut = line.length > QUOTE_MAX || line !== quoted;
  return `${m[1]}: "${line.slice(0, QUOTE_MAX)}${cut ? '…' : ''}"`;
}
