import { and, eq, sql, type SQL, type SQLWrapper } from "drizzle-orm";
import type { PgUpdateSetSource } from "drizzle-orm/pg-core";
import {
  JOB_TRANSITIONS,
  jobStatesFor,
  jobTransition,
  type JobEvent,
  type JobState,
} from "~/lib/generation";
import { generationJobs, type GenerationJob } from "~db/schema";
import type { DbOrTx } from "../db";

// The generation job state machine (app/lib/generation.ts) applied to rows. Every write of a
// job's status goes through moveJob: it sets the state the table names for the event, and only
// if the row is still in a state the event may leave, in the same UPDATE. That condition, with
// the writer's own (the pg-boss job it holds, an empty heartbeat), is what makes a double
// settlement or a lost race change nothing: the writer that comes second finds no row.

// The table and the column name the same states (checked when this compiles).
const _sameStates: [JobState, GenerationJob["status"]] extends [GenerationJob["status"], JobState]
  ? true
  : never = true;

/**
 * `status IN (…)`: the job is in a state `event` may leave. The states are written as literals
 * (they come from the table, never from input), so the planner still matches the partial indexes
 * on status as it did with the conditions written out by hand.
 */
export function statusAllows(event: JobEvent, column: SQLWrapper = generationJobs.status): SQL {
  const states = jobStatesFor(event).map((state) => sql.raw(`'${state}'`));
  return states.length === 1
    ? sql`${column} = ${states[0]}`
    : sql`${column} IN (${sql.join(states, sql`, `)})`;
}

export type JobChanges = Omit<PgUpdateSetSource<typeof generationJobs>, "status">;

/**
 * Moves one job by `event`, with `changes`, if its status allows the event and every extra
 * condition holds. Returns the row as it now is, or undefined when nothing moved: someone else
 * got there first (a cancel, a hand-over, the other worker), which the caller accepts.
 */
export async function moveJob(
  db: DbOrTx,
  jobId: string,
  event: JobEvent,
  changes: JobChanges,
  ...conditions: SQL[]
): Promise<GenerationJob | undefined> {
  const [moved] = await db
    .update(generationJobs)
    .set({ ...changes, status: JOB_TRANSITIONS[event].to })
    .where(and(eq(generationJobs.id, jobId), statusAllows(event), ...conditions))
    .returning();
  return moved;
}

/**
 * moveJob for the worker holding the job's current pg-boss job: once the job has been handed to
 * another, cancelled or finished, nothing this worker writes lands.
 */
export function moveHeldJob(
  db: DbOrTx,
  jobId: string,
  bossJobId: string,
  event: JobEvent,
  changes: JobChanges,
  ...conditions: SQL[]
) {
  return moveJob(db, jobId, event, changes, eq(generationJobs.bossJobId, bossJobId), ...conditions);
}

/**
 * moveJob for a row this transaction has locked and read: its state cannot change under us, so
 * a move the table refuses, or one that finds no row, is our own bug, never a race. Refusals a
 * person should see (cancelling a finished job) are checked before, with jobTransition.
 */
export async function moveLockedJob(
  tx: DbOrTx,
  job: { id: string; status: JobState },
  event: JobEvent,
  changes: JobChanges,
): Promise<GenerationJob> {
  const allowed = jobTransition(job.status, event);
  if (!allowed.ok) throw new Error(`Generation job ${job.id}: ${allowed.reason}`);
  const moved = await moveJob(tx, job.id, event, changes);
  if (!moved) throw new Error(`Generation job ${job.id} changed while locked (${event})`);
  return moved;
}
