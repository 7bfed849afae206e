import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import type { SessionUser } from "~/.server/auth/session";
import { askForSeconds, askInput, ownQuotaRequests } from "~/.server/access/quota-requests";
import { requireActor } from "~/.server/auth/guards";
import type { Db } from "~/.server/db";
import { UserError } from "~/.server/errors";
import { modelsForArtist, pickable, unionCapabilities } from "~/.server/generation/catalog";
import { queueWithModel } from "~/.server/generation/model-jobs";
import { generationRequest, refusalFor } from "~/.server/generation/quota";
import {
  cancelJob,
  decodeOutputsCursor,
  dismissJob,
  getOwnClip,
  loadStudio,
  retryJob,
} from "~/.server/generation/studio";
import { DEFAULT_INTENT, intentAction, routeHeaders } from "~/.server/http";
import type { FormDefaults } from "~/components/studio/generate-form";
import { StudioPage } from "./studio-page";

export const headers = routeHeaders;

export const meta: MetaFunction = () => [{ title: "Studio · Greenroom" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = requireActor(request, context, "studio:use");
  const url = new URL(request.url);
  const studio = await loadStudio(context.db, user, {
    concurrency: context.generation.concurrency,
    before: decodeOutputsCursor(url.searchParams.get("before")),
  });
  const defaults = await settingsOf(context.db, user, url.searchParams.get("again"));
  const quotaRequests = await ownQuotaRequests(context.db, user);
  const refusal = refusalFor(
    studio.settings,
    { durationSeconds: 0, resolution: "480p" },
    studio.usage,
  );
  const models = await modelsForArtist(
    context.db,
    user,
    context.generation.configured ?? [context.generation.provider],
  );
  return {
    ...studio,
    defaults,
    quotaRequests,
    blocked: refusal?.field === "form" ? refusal.message : null,
    provider: context.generation.provider,
    capabilities: models.length ? unionCapabilities(models) : context.generation.capabilities,
    // The model catalog: what this artist may pick (model-picker.tsx).
    models: pickable(models),
    isFirstPage: !url.searchParams.get("before"),
    /** The server's clock, so the page's countdowns agree with its estimates. */
    serverNow: Date.now(),
  };
}

/**
 * "Again with this seed" from a clip page fills the form with that clip's settings; a clip that is
 * not (or no longer) the artist's leaves the form empty.
 */
async function settingsOf(
  db: Db,
  user: SessionUser,
  clipId: string | null,
): Promise<FormDefaults | null> {
  if (!clipId) return null;
  try {
    const { job } = await getOwnClip(db, user, clipId);
    const { prompt, durationSeconds, resolution, aspectRatio, style, seed } = job;
    return { prompt, durationSeconds, resolution, aspectRatio, style, seed };
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    return null;
  }
}

export const action = intentAction("studio:use", (intent) => ({
  // The generate form has no intent field.
  [DEFAULT_INTENT]: intent({
    input: generationRequest,
    run: async (input, { db, actor, context, fields }) => {
      const job = await queueWithModel(db, context.storage, actor, input, {
        modelId: typeof fields.modelId === "string" && fields.modelId ? fields.modelId : undefined,
        referenceImage: await fileBytes(fields.referenceImage),
        service: context.generation,
      });
      context.generation.wake();
      return job;
    },
    then: (job, { flash }) =>
      flash(
        "/studio",
        `Queued: ${job.durationSeconds} s at ${job.resolution}, seed ${job.seed}. Its seconds are held until it finishes.`,
      ),
  }),
  // A job row's buttons (fetchers): answered `{ ok: true, intent }`; the list shows the change
  // through the live stream (or the next poll when it is down).
  cancel: intent({
    run: async (_, { db, actor, fields, context }) => {
      await cancelJob(db, actor, String(fields.jobId ?? ""));
      context.generation.wake();
    },
  }),
  // "Ask for more seconds": the admins are told; the answer comes back as a notification.
  ask: intent({
    input: askInput,
    run: async (input, { db, actor, context }) => {
      await askForSeconds(db, context.mailer, actor, input, context.env.APP_URL);
    },
  }),
  dismiss: intent({
    run: async (_, { db, actor, fields }) => {
      await dismissJob(db, actor, String(fields.jobId ?? ""));
    },
  }),
  // "Try again" on a failed job: the same settings and seed, as a new job.
  retry: intent({
    run: async (_, { db, actor, fields, context }) => {
      await retryJob(db, actor, String(fields.jobId ?? ""), {
        id: context.generation.provider,
        capabilities: context.generation.capabilities,
      });
      context.generation.wake();
    },
  }),
}));

/** An uploaded file's bytes (null when none was chosen). */
async function fileBytes(value: unknown) {
  if (!(value instanceof Blob) || value.size === 0) return null;
  return new Uint8Array(await value.arrayBuffer());
}

export default StudioPage;
