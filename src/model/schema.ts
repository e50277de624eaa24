import { z } from 'zod';
import { MAX_TEAM } from './team-spec.js';
import {
  DATE_RE,
  DURATION_RE,
  HOURS_RE,
  MAX_ID_LENGTH,
  MAX_PHASE_NAME_LENGTH,
  MIN_HOURS_PER_DAY,
  TASK_ID_RE,
  durationSeconds,
} from './patterns.js';

/**
 * The task-file contract (tasks/*.yaml). These zod schemas check shape only; semantic rules
 * (unknown deps, cycles, GPU capacity, hour ranges) run afterwards on the parsed value, where
 * every finding keeps its position in the YAML.
 */

export { DURATION_RE, HOURS_RE, TASK_ID_RE };

/** An ISO calendar date, `YYYY-MM-DD`. */
const DATE_ERROR = 'expected a date as YYYY-MM-DD';
export const IsoDate = z.string({ error: DATE_ERROR }).regex(DATE_RE, { error: DATE_ERROR });

/** Hours of work: a number, a "low-high" range, or a three-point estimate. */
export const HoursSchema = z.union(
  [
    z.number(),
    z.string().regex(HOURS_RE, {
      error: 'expected hours as a number, "low-high" or { low, likely, high }',
    }),
    z.strictObject({ low: z.number(), likely: z.number().optional(), high: z.number() }),
  ],
  { error: 'expected hours as a number, "low-high" or { low, likely, high }' },
);

/** GPUs held while an activity runs; `all` holds every GPU the host has at that time. */
export const GpusSchema = z.union([z.number().int().min(0), z.literal('all')], {
  error: 'expected gpus as a whole number ≥ 0 or "all"',
});

export const HardwareTag = z.enum(['macbook', 'gpu'], {
  error: 'expected hardware "macbook" or "gpu"',
});

/** A command: a string is run by /bin/sh, an argv array runs without a shell. */
const RUN_ERROR = 'expected run as a command string or a non-empty argv array';
/** A command for /bin/sh; a blank one is the rules' to report (src/config/rules.ts). */
const CommandString = z.string().min(1, { error: RUN_ERROR });
export const RunSchema = z.union(
  [CommandString, z.array(z.string()).min(1, { error: RUN_ERROR })],
  { error: RUN_ERROR },
);

/**
 * A wall-clock limit such as `90s`, `30m`, `2h`, `30d`: longer than 0, or every attempt would
 * time out at once. (Text that is no duration at all is the pattern's to report: NaN passes.)
 */
const DURATION_ERROR = 'expected a duration such as 30m or 2h';
export const TimeoutSchema = z
  .string({ error: DURATION_ERROR })
  .regex(DURATION_RE, { error: DURATION_ERROR })
  .refine((t) => !(durationSeconds(t) <= 0), { error: 'must be longer than 0' })
  .refine((t) => durationSeconds(t) !== Infinity, { error: 'has too many digits to count' });

/** An environment variable's name; one that is empty or holds `=` or NUL is the rules' to report. */
const EnvName = z.string();
const EnvSchema = z.record(EnvName, z.string());

/**
 * What the JSON Schema says beyond the zod schemas, for editors: the rules' checks that a pattern
 * can say (the loader reports them in its own words, so zod does not check them).
 */
const EDITOR_PATTERNS = new Map<unknown, string>([
  [CommandString, '\\S'],
  [EnvName, '^[^=\\u0000]+$'],
]);

/** An id is text: YAML reads an unquoted 3 or 1.10 as a number (1.1), which no id can be. */
const ID_TYPE_ERROR = 'an id is text: put it in quotes ("3", "1.10")';
/** An id as a dependency names it. */
const IdRef = z.string({ error: ID_TYPE_ERROR });
/** Dependencies: a list, even of one id. */
const DepsSchema = z.array(IdRef, { error: 'expected a list of ids, such as [a] or [a, b]' });

export const PhaseSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, { error: 'expected a phase name of ASCII letters, digits, _ or -' })
    .max(MAX_PHASE_NAME_LENGTH, {
      error: `a phase name is at most ${MAX_PHASE_NAME_LENGTH} characters (its log file is named after it)`,
    }),
  title: z.string().optional(),
  hours: HoursSchema,
  /** Extra tasks this phase waits for, beyond the task's own deps (which gate its first phase). */
  deps: DepsSchema.optional(),
  hardware: HardwareTag.optional(),
  gpus: GpusSchema.optional(),
  /** The skill this phase needs when it differs from the task's (another role does it). */
  skill: z.string().optional(),
  run: RunSchema.optional(),
  timeout: TimeoutSchema.optional(),
  retries: z.number().int().min(0).optional(),
  env: EnvSchema.optional(),
});

export const TaskSchema = z.strictObject({
  id: z
    .string({ error: ID_TYPE_ERROR })
    .regex(TASK_ID_RE, { error: 'expected an id of ASCII letters, digits, ".", "_" or "-"' })
    .max(MAX_ID_LENGTH, {
      error: `an id is at most ${MAX_ID_LENGTH} characters (its log file is named after it)`,
    })
    .describe('Unique task id, e.g. "1a.8"; dependencies name it.'),
  title: z.string().optional(),
  hours: HoursSchema.optional().describe(
    'Estimated hours: a number, "low-high", or { low, likely, high }. Expected = (low + 4·likely + high)/6.',
  ),
  hardware: HardwareTag.optional().describe(
    'Where the work runs: "macbook" (an engineer\'s laptop) or "gpu" (the GPU host).',
  ),
  gpus: GpusSchema.optional().describe(
    'GPUs held while it runs (default 1 for gpu work, 0 for macbook); "all" holds every GPU.',
  ),
  deps: DepsSchema.optional().describe(
    'Ids of tasks that must finish before this task (its first phase) starts.',
  ),
  run: RunSchema.optional().describe(
    'Command for `critpath run`: a string run by /bin/sh, or an argv array run without a shell.',
  ),
  phases: z
    .array(PhaseSchema)
    .min(1)
    .optional()
    .describe(
      'A hybrid task: phases run in order, each with its own hours, hardware, gpus and run.',
    ),
  /** Estimation risk; `high` widens the sampled tail in Monte Carlo. */
  risk: z.enum(['low', 'medium', 'high']).optional(),
  /** A skill the assignee must have (matched against `team[].skills`). */
  skill: z.string().optional(),
  timeout: TimeoutSchema.optional().describe('Wall-clock limit for the command, e.g. 30m or 2h.'),
  retries: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe('How many times `critpath run` retries a failed command, with backoff.'),
  env: EnvSchema.optional().describe('Extra environment variables for the command.'),
  tags: z.array(z.string()).optional(),
  notes: z.string().optional(),
});

export const GpuArrivalSchema = z.strictObject({
  count: z
    .number({ error: 'expected a GPU count' })
    .int({ error: 'expected a whole number of GPUs' })
    .min(0, { error: 'must be at least 0' }),
  from: IsoDate,
});

export const HardwareSchema = z.strictObject({
  /** Total GPUs on the GPU host from each date on; 0 before the first entry. */
  gpu: z.array(GpuArrivalSchema).optional(),
  /** The GPU model, for reports and validation thresholds. */
  gpuModel: z.string().optional(),
});

export const PersonSchema = z.strictObject({
  id: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, { error: 'expected a person id of ASCII letters, digits, _ or -' }),
  name: z.string().optional(),
  role: z.string().optional(),
  skills: z.array(z.string()).optional(),
});

export const ScenarioSchema = z.strictObject({
  description: z.string().optional(),
  /** Extra money the scenario costs, in dollars. */
  cost: z.number().min(0).optional(),
  team: z
    .union([z.number().int().min(1), z.string()], {
      error: `expected a team size (1 to ${MAX_TEAM}) or people such as infra+ml`,
    })
    .optional(),
  hoursPerDay: z.number().min(MIN_HOURS_PER_DAY).max(24).optional(),
  hardware: HardwareSchema.optional(),
  /** Per-task hour overrides, by task id (or `task/phase` for one phase). */
  estimates: z.record(z.string(), HoursSchema).optional(),
  /** `any`: plan without roles (anyone may do any task), to see what specialisation costs. */
  roles: z.literal('any', { error: 'expected roles: any' }).optional(),
  /** Work the scenario adds (a task list like the file's own). */
  tasks: z.array(TaskSchema).optional(),
  /** Extra dependencies, by task id (or `task/phase`): the ids of tasks it then waits for. */
  deps: z.record(z.string(), DepsSchema).optional(),
  /** Activities (task id or `task/phase`) done on other hardware; `gpu` holds the host, no GPU. */
  moves: z.record(z.string(), HardwareTag).optional(),
});

export const ProjectSchema = z.strictObject({
  project: z.string().min(1).describe('Project name.'),
  description: z.string().optional(),
  start: IsoDate.describe('Calendar start date, YYYY-MM-DD.'),
  hoursPerDay: z
    .number()
    .min(MIN_HOURS_PER_DAY)
    .max(24)
    .optional()
    .describe('Working hours per engineer per business day (Mon-Fri), from 0.01 to 24; default 8.'),
  holidays: z.array(IsoDate).optional().describe('Dates without work.'),
  deadline: IsoDate.optional().describe('Date the plan is checked against.'),
  hardware: HardwareSchema.optional(),
  team: z
    .array(PersonSchema)
    .optional()
    .describe('Declared people with skills; `--team N` takes the first N.'),
  teams: z
    .array(z.array(z.string()).min(1))
    .optional()
    .describe(
      'Line-ups of declared people, e.g. [infra, ml]: `--team N` takes the line-up of N people.',
    ),
  scenarios: z
    .record(z.string(), ScenarioSchema)
    .optional()
    .describe('Named what-ifs overriding hardware, team, hours per day or estimates, with a cost.'),
  tasks: z.array(TaskSchema),
});

export type ProjectInput = z.infer<typeof ProjectSchema>;
export type TaskInput = z.infer<typeof TaskSchema>;
export type PhaseInput = z.infer<typeof PhaseSchema>;
export type HoursInput = z.infer<typeof HoursSchema>;
export type ScenarioInput = z.infer<typeof ScenarioSchema>;

/** JSON Schema for editors, generated from the zod schemas (written to tasks/schema.json). */
export function projectJsonSchema(): unknown {
  return z.toJSONSchema(ProjectSchema, {
    target: 'draft-7',
    io: 'input',
    override: (ctx) => {
      const pattern = EDITOR_PATTERNS.get(ctx.zodSchema);
      if (pattern !== undefined) ctx.jsonSchema.pattern = pattern;
    },
  });
}
