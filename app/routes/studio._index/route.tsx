import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { actingUser, requirePermission } from "~/.server/auth/guards";
import { redirectWithFlash } from "~/.server/flash";
import { parseWith, userErrorToResponse, readForm, routeHeaders } from "~/.server/http";
import { generationRequest, queueGeneration, refusalFor } from "~/.server/generation/quota";
import {
  cancelJob,
  decodeOutputsCursor,
  getOwnClip,
  loadStudio,
} from "~/.server/generation/studio";
import { UserError } from "~/.server/errors";
import { GenerateForm, type FormDefaults } from "~/components/studio/generate-form";
import { JobList, useLiveJobs } from "~/components/studio/job-list";
import { OutputGrid } from "~/components/studio/output-grid";
import { Card, PageHeader } from "~/components/ui/misc";

export const headers = routeHeaders;

export const meta: MetaFunction = () => [{ title: "Studio · Greenroom" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = requirePermission(request, context, "studio:use");
  const url = new URL(request.url);
  const studio = await loadStudio(context.db, user, {
    concurrency: context.generation.concurrency,
    before: decodeOutputsCursor(url.searchParams.get("before")),
  });
  // "Again with this seed" from a clip page fills the form with that clip's settings.
  let defaults: FormDefaults | null = null;
  const again = url.searchParams.get("again");
  if (again) {
    try {
      const { job } = await getOwnClip(context.db, user, again);
      defaults = {
        prompt: job.prompt,
        durationSeconds: job.durationSeconds,
        resolution: job.resolution,
        aspectRatio: job.aspectRatio,
        style: job.style,
        seed: job.seed,
      };
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
    }
  }
  const refusal = refusalFor(
    studio.settings,
    { durationSeconds: 0, resolution: "480p" },
    studio.usage,
  );
  return {
    ...studio,
    defaults,
    blocked: refusal?.field === "form" ? refusal.message : null,
    provider: context.generation.provider,
    capabilities: context.generation.capabilities,
    isFirstPage: !url.searchParams.get("before"),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = requirePermission(request, context, "studio:use");
  const by = actingUser(request, context, user);
  const input = await readForm(request);
  if (!input.ok) return input.response;
  const form = Object.fromEntries(input.form);
  try {
    if (form.intent === "cancel") {
      await cancelJob(context.db, by, String(form.jobId ?? ""));
      context.generation.wake();
      return { ok: true as const, intent: "cancel" as const };
    }
    const parsed = parseWith(generationRequest, form);
    if (!parsed.ok) return parsed.response;
    const job = await queueGeneration(context.db, by, parsed.data, {
      id: context.generation.provider,
      capabilities: context.generation.capabilities,
    });
    context.generation.wake();
    return redirectWithFlash(context, "/studio", {
      kind: "success",
      message: `Queued: ${job.durationSeconds} s at ${job.resolution}, seed ${job.seed}. Its seconds are held until it finishes.`,
    });
  } catch (error) {
    return userErrorToResponse(error);
  }
}

export default function Studio() {
  const data = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  useLiveJobs(data.jobs.some((j) => j.status === "queued" || j.status === "running"));
  return (
    <>
      <PageHeader
        title="Studio"
        description="Describe a clip, choose its shape and style, and generate it. Your seconds are held while it renders and charged only if it succeeds."
      />
      {data.provider === "local" ? (
        <p className="mb-4 rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-950">
          <strong>Stand-in renderer.</strong> While the model is being connected, clips are made by
          a local stand-in: an animated scene chosen by your prompt, seed and style, with your
          prompt as a caption. Quotas, the queue, watermarks and provenance work exactly as they
          will with the model.
        </p>
      ) : null}
      <div className="grid gap-6 lg:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]">
        <Card>
          <h2 className="text-lg font-semibold">New clip</h2>
          <GenerateForm
            key={params.get("again") ?? "new"}
            settings={data.settings}
            usage={data.usage}
            capabilities={data.capabilities}
            blocked={data.blocked}
            defaults={data.defaults}
          />
        </Card>
        <Card>
          <h2 className="text-lg font-semibold">Jobs</h2>
          <JobList jobs={data.jobs} />
        </Card>
      </div>
      <section className="mt-8" aria-labelledby="outputs-heading">
        <h2 id="outputs-heading" className="text-lg font-semibold">
          Your clips
        </h2>
        <OutputGrid outputs={data.outputs} />
        <nav aria-label="Clip pages" className="mt-4 flex gap-2 text-sm">
          {!data.isFirstPage ? (
            <Link className="rounded-md border border-stone-300 bg-white px-3 py-1.5" to="/studio">
              Newest clips
            </Link>
          ) : null}
          {data.nextCursor ? (
            <Link
              className="rounded-md border border-stone-300 bg-white px-3 py-1.5"
              to={`/studio?before=${encodeURIComponent(data.nextCursor)}`}
              rel="next"
            >
              Older clips
            </Link>
          ) : null}
        </nav>
      </section>
    </>
  );
}
