import type { GenerationJob } from "~db/schema";
import type { DbOrTx } from "../db";
import { notify } from "../notifications/notify";

// "Your clip is ready" / "Your clip failed: <reason>": an in-app notification and, per the
// artist's choice, an email (off by default for ready: the studio already says so live). Written
// in the transaction that finishes the job, so it exists exactly when the job did finish.

const short = (prompt: string) => (prompt.length > 80 ? `${prompt.slice(0, 77)}…` : prompt);

export async function notifyClipReady(tx: DbOrTx, job: GenerationJob, appUrl: string) {
  return notify(
    tx,
    {
      userId: job.userId,
      kind: "clip_ready",
      title: "Your clip is ready",
      body: `“${short(job.prompt)}” · ${job.durationSeconds} s at ${job.resolution}.`,
      link: `/studio/clips/${job.id}`,
      email: {
        template: "studio-update",
        props: {
          heading: "Your clip is ready",
          lines: [
            `“${short(job.prompt)}” (${job.durationSeconds} s at ${job.resolution}) is ready.`,
          ],
          action: "Watch it",
        },
      },
    },
    appUrl,
  );
}

export async function notifyClipFailed(
  tx: DbOrTx,
  job: GenerationJob,
  reason: string,
  appUrl: string,
) {
  const why = reason.replace(/\.$/, "");
  return notify(
    tx,
    {
      userId: job.userId,
      kind: "clip_failed",
      title: `Your clip failed: ${why}`,
      body: `“${short(job.prompt)}”. Its seconds were returned; you can try again from the studio.`,
      link: "/studio",
      email: {
        template: "studio-update",
        props: {
          heading: "Your clip failed",
          lines: [
            `“${short(job.prompt)}” could not be made: ${why}.`,
            "Its seconds were returned. You can try again with the same settings from the studio.",
          ],
          action: "Open the studio",
        },
      },
    },
    appUrl,
  );
}
