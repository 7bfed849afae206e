// The generation options an artist can choose, shared by the studio form and the server.
export const DURATIONS = [5, 10, 15, 20] as const;
export type DurationSeconds = (typeof DURATIONS)[number];

export const RESOLUTIONS = ["480p", "720p", "1080p"] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

export const ASPECT_RATIOS = ["16:9", "9:16", "1:1"] as const;
export type AspectRatio = (typeof ASPECT_RATIOS)[number];

export const STYLE_PRESETS = [
  { id: "none", label: "None", description: "The scene as it comes." },
  { id: "cinematic", label: "Cinematic", description: "Letterboxed, warm and contrasty." },
  { id: "animation", label: "Animation", description: "Bright, saturated, flat colour." },
  { id: "documentary", label: "Documentary", description: "Muted colour with film grain." },
  { id: "noir", label: "Noir", description: "Black and white, hard contrast." },
  { id: "dreamlike", label: "Dreamlike", description: "Soft focus and drifting hues." },
  { id: "retro", label: "Retro", description: "Faded 1970s colour and vignette." },
] as const;
export type StylePreset = (typeof STYLE_PRESETS)[number]["id"];

/** Frame size for a resolution and aspect ratio: the resolution names the short side. */
export function frameSize(
  resolution: Resolution,
  aspect: AspectRatio,
): { width: number; height: number } {
  const short = Number.parseInt(resolution, 10);
  const even = (n: number) => Math.round(n / 2) * 2;
  if (aspect === "1:1") return { width: short, height: short };
  const long = even((short * 16) / 9);
  return aspect === "16:9" ? { width: long, height: short } : { width: short, height: long };
}

/** Where a generation job stands; the same values as the `generation_job_status` column. */
export const JOB_STATES = ["queued", "running", "succeeded", "failed", "canceled"] as const;
export type JobState = (typeof JOB_STATES)[number];

/**
 * A generation job's state machine, as one table: for each event, the states it may happen in
 * and the state it leads to. Every write of a job's status applies it (the server's job-states.ts
 * turns a row into `WHERE status IN (from…)` and `SET status = to`), so no writer decides a move
 * on its own.
 *
 * queued → running (dispatch) → succeeded | failed; queued or running → canceled. While running,
 * a job keeps its state through its worker's claim and heartbeats, and through the moves that
 * give it to another pg-boss job: a retry after a transient failure, a hand-over when its worker
 * went quiet, and a hand-back when its worker shuts down. Finished jobs never move again.
 */
export const JOB_TRANSITIONS = {
  /** The dispatcher gave it a slot and a pg-boss job. */
  dispatch: { from: ["queued"], to: "running" },
  /** A worker took it for a try, under the pg-boss job it was given. */
  claim: { from: ["running"], to: "running" },
  /** The worker is alive, and reports progress. */
  heartbeat: { from: ["running"], to: "running" },
  /** A transient failure: the next try goes to a new pg-boss job after a backoff. */
  retry: { from: ["running"], to: "running" },
  /** Its worker went quiet (or never got it): a new pg-boss job takes it over. */
  hand_over: { from: ["running"], to: "running" },
  /** Its worker is shutting down: the next sweep hands it over, without counting the try. */
  hand_back: { from: ["running"], to: "running" },
  /** The clip is stored and its seconds are charged. */
  succeed: { from: ["running"], to: "succeeded" },
  /** It failed for good (or had no provider, or used up its tries); its seconds go back. */
  fail: { from: ["running"], to: "failed" },
  /** The artist (or a suspension) stopped it; its seconds go back. */
  cancel: { from: ["queued", "running"], to: "canceled" },
} as const satisfies Record<string, { from: readonly JobState[]; to: JobState }>;

export type JobEvent = keyof typeof JOB_TRANSITIONS;

export type JobTransition = { ok: true; to: JobState } | { ok: false; reason: string };

/** The states `event` may happen in. */
export function jobStatesFor(event: JobEvent): readonly JobState[] {
  return JOB_TRANSITIONS[event].from;
}

/**
 * Where a job goes from `from` on `event`, or why it cannot. Pure: the server applies it in
 * conditional updates, and the studio can show only the moves that are possible.
 */
export function jobTransition(from: JobState, event: JobEvent): JobTransition {
  const { to } = JOB_TRANSITIONS[event];
  if (jobStatesFor(event).includes(from)) return { ok: true, to };
  if (event === "cancel")
    return {
      ok: false,
      reason: `This job has already ${from === "succeeded" ? "finished" : from}.`,
    };
  return { ok: false, reason: `A ${from} generation job cannot take "${event}".` };
}
