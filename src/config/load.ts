import { readFile } from 'node:fs/promises';
import { CORE_SCHEMA, load as loadYamlValue } from 'js-yaml';
import { isAlias, isCollection, LineCounter, parseDocument, visit } from 'yaml';
import type { Document } from 'yaml';
import type { z } from 'zod';
import type { Project } from '../model/project.js';
import { ProjectSchema } from '../model/schema.js';
import { parseProjectQuick } from '../model/plain-task.js';
import { rememberTaskIndex } from '../model/activities.js';
import type { Diagnostic, DiagnosticReason, Result } from '../result.js';
import { err, ok } from '../result.js';
import type { FieldPath } from './positions.js';
import { formatPath, PositionIndex } from './positions.js';
import { checkRules } from './rules.js';
import { readSimpleYaml } from './simple-yaml.js';
import { notUtf8 } from './utf8.js';
import { issueWords } from './issue-words.js';
import { normalize } from './normalize.js';
import { knownKeysAt } from './schema-keys.js';
import { HintBudget, nearest } from '../util/suggest.js';

/** Reads and checks a task file. Every problem found is reported, each with its position. */
export async function loadProjectFile(file: string): Promise<Result<Project, Diagnostic[]>> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    const what = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code;
    return err([
      {
        reason: 'io',
        message: `cannot read task file: ${what}`,
        position: { file, line: 1, col: 1 },
      },
    ]);
  }
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
 *   times faster than `yaml` builds its document with source positions. Aliases are refused
 *   there (`yaml` parses them with a cap on expansion), as is anything js-yaml cannot read.
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
  return { result: loadYamlWithPositions(text, file), json: false };
}

/** `text` as JSON, when it is a JSON object; else undefined. */
function parseJsonFast(text: string): unknown {
  if (!/^\s*\{/.test(text)) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * `text` as one YAML document: by the plain-shape reader (./simple-yaml.ts) when it has that
 * shape, else by js-yaml when it surely reads as `yaml` reads it; else undefined. Declined, for `yaml` to read: aliases, directives (`%YAML 1.1` changes the schema),
 * tags (`!`, also a `!` that only might be one), numbers out of a double's range (`1e400`: js-yaml
 * keeps the text), and keys that stand for null (`~:`: js-yaml names the key "null", `yaml` "").
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
  } catch {
    return undefined;
  }
  return hasNullKey(value) ? undefined : value;
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
  // The activity graph then resolves the tasks' deps from what the checks found.
  rememberTaskIndex(project.tasks, index);
  return ok(project);
}

/**
 * The positioned path: `text` parsed by `yaml` into a document that knows where each value is,
 * so that every problem is reported at its line and column. What loadProjectText falls back to.
 */
export function loadYamlWithPositions(text: string, file: string): Result<Project, Diagnostic[]> {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const at = new PositionIndex(file, doc, lines);
  const diags: Diagnostic[] = [];
  const report = (
    reason: DiagnosticReason,
    path: FieldPath,
    message: string,
    onKey = false,
  ): void => {
    diags.push({
      reason,
      message: `${formatPath(path)}: ${message}`,
      position: onKey ? at.key(path) : at.value(path),
    });
  };

  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      // yaml's advice for several documents names its own API; the file's author needs this.
      const message =
        e.code === 'MULTIPLE_DOCS'
          ? 'YAML syntax: a task file holds one YAML document, and a second one starts here'
          : `YAML syntax: ${e.message.split('\n')[0] ?? e.message}`;
      diags.push({ reason: 'yaml-syntax', message, position: at.at(e.pos[0]) });
    }
    return err(sortDiagnostics(diags));
  }

  const raw = toJsBounded(doc);
  if (raw === UNRESOLVED_ALIAS) {
    const alias = firstUnresolvedAlias(doc);
    diags.push({
      reason: 'yaml-syntax',
      message: `YAML alias *${alias.name} names no anchor set before it`,
      position: at.at(alias.offset),
    });
    return err(diags);
  }
  if (raw === ALIAS_BOMB) {
    diags.push({
      reason: 'yaml-syntax',
      message: `YAML aliases expand beyond ${MAX_ALIAS_COUNT} copies of a collection (an alias bomb)`,
      position: at.at(firstNestedAlias(doc)),
    });
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

  if (diags.length > 0 || !parsed.success) return err(sortDiagnostics(oneWordPerHours(diags)));
  return ok(normalize(parsed.data));
}

/**
 * The diagnostics without the schema's generic word on an `hours` field that the hour rules
 * explain (a number that is not finite: `.inf`, `{ low: 1, high: .nan }`), so a field gets one.
 */
function oneWordPerHours(diags: Diagnostic[]): Diagnostic[] {
  const field = (d: Diagnostic): string => d.message.slice(0, d.message.indexOf(': '));
  const explained = new Set(diags.filter((d) => d.reason === 'bad-hours').map(field));
  if (explained.size === 0) return diags;
  return diags.filter((d) => d.reason !== 'schema' || !explained.has(field(d)));
}

/** How many times one collection may be copied through aliases. */
const MAX_ALIAS_COUNT = 100;
const ALIAS_BOMB = Symbol('alias bomb');
const UNRESOLVED_ALIAS = Symbol('unresolved alias');

/**
 * The document as plain data; ALIAS_BOMB when its aliases expand past the limit, and
 * UNRESOLVED_ALIAS when one names no anchor before it (`yaml` finds that only here).
 */
function toJsBounded(doc: Document): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    if (e instanceof ReferenceError && /alias count/i.test(e.message)) return ALIAS_BOMB;
    if (e instanceof ReferenceError && /unresolved alias/i.test(e.message)) return UNRESOLVED_ALIAS;
    throw e;
  }
}

/** The first alias that names no anchor set before it: its name and offset. */
function firstUnresolvedAlias(doc: Document): { name: string; offset: number } {
  let found = { name: '', offset: 0 };
  visit(doc, {
    Alias(_key, node) {
      if (node.resolve(doc) !== undefined) return undefined;
      found = { name: node.source, offset: node.range?.[0] ?? 0 };
      return visit.BREAK;
    },
  });
  return found;
}

/** Offset of the first alias to a collection that itself holds aliases: where expansion multiplies. */
function firstNestedAlias(doc: Document): number {
  let found: number | undefined;
  let first: number | undefined;
  visit(doc, {
    Alias(_key, node) {
      first ??= node.range?.[0];
      const target = node.resolve(doc);
      let nested = false;
      if (isCollection(target))
        visit(target, {
          Alias() {
            nested = true;
            return visit.BREAK;
          },
        });
      if (nested && isAlias(node)) {
        found = node.range?.[0];
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found ?? first ?? 0;
}

type Report = (reason: DiagnosticReason, path: FieldPath, message: string, onKey?: boolean) => void;

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
  if (value === undefined) {
    report('schema', path, `missing required field`);
    return;
  }
  const got = describe(value);
  // The schema's own messages get the value appended; zod's are reworded (issue-words.ts).
  report('schema', path, issueWords(issue, got) ?? `${issue.message}, got ${got}`);
}

function valueAt(raw: unknown, path: FieldPath): unknown {
  let v: unknown = raw;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[k as string];
  }
  return v;
}

/**
 * A short rendering of a bad value for messages: `"abc" (string)`, `-3 (number)`. A string is
 * quoted as JSON, so its control characters show as escapes (`"a\u001b[8m" (string)`): a
 * terminal keeps colour sequences in what critpath prints, and a bad id may be one.
 */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string')
    return `${JSON.stringify(v.length > 40 ? `${v.slice(0, 37)}...` : v)} (string)`;
  return `${String(v)} (${typeof v})`;
}

function sortDiagnostics(d: Diagnostic[]): Diagnostic[] {
  return [...d].sort(
    (a, b) =>
      a.position.line - b.position.line ||
      a.position.col - b.position.col ||
      (a.message < b.message ? -1 : 1),
  );
}
