import {
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import {
  data,
  type ShouldRevalidateFunction,
  Form,
  Link,
  useActionData,
  useFetcher,
  useLoaderData,
  useNavigation,
} from "@remix-run/react";
import { useEffect, useRef, useState, type RefObject } from "react";
import { actingUser, requirePermission } from "~/.server/auth/guards";
import type { SessionUser } from "~/.server/auth/session";
import { UserError } from "~/.server/errors";
import { redirectWithFlash } from "~/.server/flash";
import { formFields, parseWith, userErrorToResponse, readForm, routeHeaders } from "~/.server/http";
import { deliverEmails } from "~/.server/mail/send";
import { waiting } from "~/.server/review/queue";
import {
  addComment,
  claimSubmission,
  commentInput,
  decide,
  decisionInput,
  releaseClaim,
  renewClaim,
  shouldClaimOnOpen,
} from "~/.server/review/reviewing";
import { loadSubmissionForReview } from "~/.server/review/views";
import { formatHours, SubmissionStateBadge } from "~/components/review/submission-state";
import { Timeline } from "~/components/review/timeline";
import { TimecodedPlayer } from "~/components/review/timecoded-player";
import { Button } from "~/components/ui/button";
import { FormError, SelectField, TextAreaField } from "~/components/ui/field";
import { Badge, Card, formatDateTime, PageHeader } from "~/components/ui/misc";
import {
  checklistFrom,
  CLAIM_RENEW_MINUTES,
  formatTimecode,
  REASON_CATEGORIES,
  USE_LABELS,
} from "~/lib/review";

export const headers = routeHeaders;

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.submission.title ?? "Submission"} · Review · Greenroom` },
];

async function load(context: LoaderFunctionArgs["context"], user: SessionUser, id: string) {
  try {
    return await loadSubmissionForReview(context.db, user, id);
  } catch (error) {
    if (error instanceof UserError && error.status === 404)
      throw new Response("There is no such submission.", { status: 404 });
    throw error;
  }
}

/**
 * Reading never claims: a GET changes nothing (a link on another site could trigger it). The page
 * posts the claim itself when it opens, if the domain says this viewer should hold it.
 */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = requirePermission(request, context, "review:work");
  const id = params.submissionId ?? "";
  const detail = await load(context, user, id);
  const now = new Date();
  const current = detail.submission;
  const mine =
    current.claimedBy === user.id &&
    current.claimExpiresAt !== null &&
    current.claimExpiresAt > now;
  const currentVersion = detail.versions.find((v) => v.number === current.currentVersion)!;
  return {
    submission: {
      id: current.id,
      title: current.title,
      description: current.description,
      intendedUse: current.intendedUse,
      channels: current.channels,
      state: current.state,
      artist: current.artist,
      currentVersion: current.currentVersion,
      approvals: current.approvals,
      approvalsNeeded: current.approvalsNeeded,
      submittedAt: current.submittedAt,
      claimExpiresAt: current.claimExpiresAt,
      claimHolder: current.claimHolder,
      ...waiting(current.submittedAt, now, context.env.REVIEW_TARGET_HOURS),
    },
    alreadyApproved:
      current.approvedBy.includes(user.id) &&
      (current.state === "pending" || current.state === "in_review"),
    claimOnOpen: shouldClaimOnOpen(current, user.id, now),
    mine,
    canRelease:
      !mine &&
      user.role === "admin" &&
      current.claimHolder !== null &&
      !!current.claimExpiresAt &&
      current.claimExpiresAt > now,
    versions: detail.versions.map((v) => ({
      number: v.number,
      clipId: v.clipId,
      note: v.note,
      createdAt: v.createdAt,
      prompt: v.prompt,
      durationSeconds: v.durationSeconds,
      comments: detail.comments.filter((c) => c.version === v.number),
    })),
    current: currentVersion.number,
    timeline: detail.timeline,
    checklist: checklistFrom(context.env.REVIEW_CHECKLIST),
    targetHours: context.env.REVIEW_TARGET_HOURS,
    // New with every load, so each comment form sends its own key (a resend stores one comment).
    commentKey: crypto.randomUUID(),
  };
}

/** A background renewal changes nothing on the page: nothing to reload. */
export const shouldRevalidate: ShouldRevalidateFunction = ({
  formData,
  defaultShouldRevalidate,
}) => (formData?.get("intent") === "renew" ? false : defaultShouldRevalidate);

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = requirePermission(request, context, "review:work");
  const acting = actingUser(request, context, user);
  const id = params.submissionId ?? "";
  const input = await readForm(request);
  if (!input.ok) return input.response;
  const form = input.form;
  const intent = form.get("intent");
  const appUrl = context.env.APP_URL;
  try {
    if (intent === "claim") {
      await claimSubmission(context.db, acting, id);
      return redirect(`/review/${id}`);
    }
    if (intent === "renew") {
      const { expiresAt } = await renewClaim(context.db, acting, id);
      return { ok: true as const, intent, expiresAt };
    }
    if (intent === "release") {
      await releaseClaim(context.db, acting, id);
      return redirectWithFlash(context, "/review", {
        kind: "info",
        message: "Claim released: the item is back in the queue.",
      });
    }
    if (intent === "comment") {
      const parsed = parseWith(commentInput, Object.fromEntries(form));
      if (!parsed.ok) return parsed.response;
      const { emailIds } = await addComment(context.db, acting, id, parsed.data, { appUrl });
      await deliverEmails(context.db, context.mailer, emailIds);
      return { ok: true as const, intent };
    }
    if (intent === "decide") {
      const parsed = parseWith(decisionInput, formFields(form, ["checklist"]));
      if (!parsed.ok) return parsed.response;
      const result = await decide(context.db, acting, id, parsed.data, {
        checklist: checklistFrom(context.env.REVIEW_CHECKLIST),
        appUrl,
      });
      await deliverEmails(context.db, context.mailer, result.emailIds);
      const message =
        result.state === "in_review"
          ? "Approval recorded: 1 of 2. It waits for a second reviewer."
          : result.state === "approved"
            ? "Approved. The artist has been told."
            : result.state === "rejected"
              ? "Rejected. The artist has been told why."
              : "Changes requested. The artist has been told what to change.";
      return redirectWithFlash(context, "/review", { kind: "success", message });
    }
    return data({ ok: false as const, errors: { form: "Unknown action." } }, { status: 400 });
  } catch (error) {
    return userErrorToResponse(error);
  }
}

type ActionErrors = { ok: false; errors: Record<string, string> };

export default function ReviewItem() {
  const page = useLoaderData<typeof loader>();
  const { submission: s } = page;
  const current = page.versions.find((v) => v.number === page.current)!;
  const older = page.versions.filter((v) => v.number !== page.current).reverse();
  const claimEnded = useClaimRenewal(page.mine);
  return (
    <>
      <p className="mb-2 text-sm">
        <Link to="/review" className="text-brand-800 underline">
          ← Review queue
        </Link>
      </p>
      <PageHeader
        title={s.title}
        description={`By ${s.artist} · ${USE_LABELS[s.intendedUse]} · ${s.channels.join(", ")} · version ${s.currentVersion}`}
        actions={
          <div className="flex flex-wrap items-center gap-2">
            <SubmissionStateBadge
              state={s.state}
              approvals={s.approvals}
              approvalsNeeded={s.approvalsNeeded}
            />
            {s.state === "pending" || s.state === "in_review" ? (
              <Badge tone={s.overdue ? "red" : "stone"}>
                {s.overdue ? "Overdue: " : "Waiting "}
                {formatHours(s.hours)} of {page.targetHours} h target
              </Badge>
            ) : null}
          </div>
        }
      />
      {claimEnded ? (
        <div className="mb-3">
          <FormError message={claimEnded} />
        </div>
      ) : null}
      <ClaimBanner />
      <div className="mt-4 grid items-start gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <div className="space-y-6">
          <TimecodedPlayer
            clipId={current.clipId}
            label={`Version ${current.number}: ${s.title}`}
            comments={current.comments}
          >
            {page.mine
              ? (video) => (
                  <CommentForm
                    video={video}
                    version={current.number}
                    commentKey={page.commentKey}
                  />
                )
              : undefined}
          </TimecodedPlayer>
          {older.length > 0 ? (
            <Card>
              <h2 className="text-lg font-semibold">Earlier versions</h2>
              <div className="mt-3 space-y-3">
                {older.map((v) => (
                  <details key={v.number} className="rounded-md border border-stone-200 p-3">
                    <summary className="cursor-pointer text-sm font-medium">
                      Version {v.number} · {formatDateTime(v.createdAt)} · {v.comments.length}{" "}
                      comment{v.comments.length === 1 ? "" : "s"}
                    </summary>
                    <div className="mt-3">
                      <TimecodedPlayer
                        clipId={v.clipId}
                        label={`Version ${v.number}: ${s.title}`}
                        comments={v.comments}
                      />
                    </div>
                  </details>
                ))}
              </div>
            </Card>
          ) : null}
        </div>
        <div className="space-y-6">
          <Card>
            <h2 className="text-lg font-semibold">What the artist says</h2>
            <p className="mt-2 whitespace-pre-wrap text-sm text-stone-800">{s.description}</p>
            {current.note ? (
              <>
                <h3 className="mt-3 text-sm font-semibold">Note with version {current.number}</h3>
                <p className="mt-1 whitespace-pre-wrap text-sm text-stone-800">{current.note}</p>
              </>
            ) : null}
            <h3 className="mt-3 text-sm font-semibold">Prompt</h3>
            <p className="mt-1 text-sm text-stone-700">{current.prompt}</p>
          </Card>
          {page.mine ? <DecisionForm /> : null}
          <Card>
            <h2 className="text-lg font-semibold">History</h2>
            <div className="mt-3">
              <Timeline events={page.timeline} />
            </div>
          </Card>
        </div>
      </div>
    </>
  );
}

function ClaimBanner() {
  const page = useLoaderData<typeof loader>();
  const fetcher = useFetcher<typeof action>();
  const s = page.submission;
  if (page.mine)
    return (
      <div className="flex flex-wrap items-center justify-between gap-3 rounded-md border border-sky-200 bg-sky-50 px-4 py-3 text-sm text-sky-950">
        <p>
          You are reviewing this. Others see that it is yours until{" "}
          {s.claimExpiresAt ? formatDateTime(s.claimExpiresAt) : "you leave"}; the claim renews
          every few minutes while you work on this page, and ends if you leave it idle.
        </p>
        <Form method="post">
          <input type="hidden" name="intent" value="release" />
          <Button type="submit" variant="secondary">
            Stop reviewing
          </Button>
        </Form>
      </div>
    );
  if (page.alreadyApproved)
    return (
      <p className="rounded-md border border-green-200 bg-green-50 px-4 py-3 text-sm text-green-950">
        You approved this version. Commercial use needs a second approval from another reviewer.
      </p>
    );
  if (s.claimHolder && s.claimExpiresAt && (s.state === "pending" || s.state === "in_review"))
    return (
      <div
        role="status"
        className="flex flex-wrap items-center justify-between gap-3 rounded-md border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-950"
      >
        <p>
          <strong>{s.claimHolder}</strong> is reviewing this until{" "}
          {formatDateTime(s.claimExpiresAt)}. You can read it; deciding is theirs until the claim
          ends.
        </p>
        {page.canRelease ? (
          <fetcher.Form method="post">
            <input type="hidden" name="intent" value="release" />
            <Button type="submit" variant="secondary" busy={fetcher.state !== "idle"}>
              Release their claim
            </Button>
          </fetcher.Form>
        ) : null}
      </div>
    );
  return <ClaimOnOpen />;
}

/**
 * Opening the page claims the item for its viewer when the loader says so: posted, never a side
 * effect of the GET. With JavaScript it is sent at once; without, the button sends it.
 */
function ClaimOnOpen() {
  const page = useLoaderData<typeof loader>();
  const fetcher = useFetcher<ActionErrors>();
  const submit = useRef(fetcher.submit);
  submit.current = fetcher.submit;
  const wanted = page.claimOnOpen;
  const id = page.submission.id;
  useEffect(() => {
    if (wanted) submit.current({ intent: "claim" }, { method: "post" });
  }, [wanted, id]);
  const refused = fetcher.data && fetcher.data.ok === false ? fetcher.data.errors.form : null;
  if (refused) return <FormError message={refused} />;
  if (!wanted) return null;
  return (
    <fetcher.Form
      method="post"
      className="flex flex-wrap items-center justify-between gap-3 rounded-md border border-stone-200 bg-white px-4 py-3 text-sm"
    >
      <p>Claim this item to comment and decide; other reviewers will see that you have it.</p>
      <input type="hidden" name="intent" value="claim" />
      <Button type="submit" busy={fetcher.state !== "idle"}>
        {fetcher.state !== "idle" ? "Claiming…" : "Start reviewing"}
      </Button>
    </fetcher.Form>
  );
}

/**
 * Keeps the claim while the reviewer is working: every 5 minutes, if they touched the page (a
 * click, a key, the player running) since the last renewal. An idle tab lets the lease run out.
 * Returns why a renewal was refused (the claim was released or ran out), to show.
 */
function useClaimRenewal(mine: boolean) {
  const fetcher = useFetcher<ActionErrors | { ok: true }>();
  const submit = useRef(fetcher.submit);
  submit.current = fetcher.submit;
  useEffect(() => {
    if (!mine) return;
    let active = false;
    const mark = () => {
      active = true;
    };
    const events = ["pointerdown", "keydown", "timeupdate"] as const;
    // Media events do not bubble; listening in the capture phase still sees the player's.
    for (const name of events) document.addEventListener(name, mark, true);
    const every = CLAIM_RENEW_MINUTES * 60_000;
    const timer = setInterval(() => {
      if (!active) return;
      active = false;
      submit.current({ intent: "renew" }, { method: "post" });
    }, every);
    return () => {
      clearInterval(timer);
      for (const name of events) document.removeEventListener(name, mark, true);
    };
  }, [mine]);
  return fetcher.data && fetcher.data.ok === false ? fetcher.data.errors.form : null;
}

function CommentForm({
  video,
  version,
  commentKey,
}: {
  video: RefObject<HTMLVideoElement>;
  version: number;
  commentKey: string;
}) {
  const fetcher = useFetcher<ActionErrors | { ok: true; intent: string }>();
  // Kept as typed, so the field can be cleared and retyped; the server parses and checks it.
  const [at, setAt] = useState("0");
  const seconds = Number(at) >= 0 ? Number(at) : 0;
  const form = useRef<HTMLFormElement>(null);
  const errors = fetcher.data && fetcher.data.ok === false ? fetcher.data.errors : {};
  const capture = () => {
    const player = video.current;
    if (!player) return;
    player.pause();
    setAt(String(Math.round(player.currentTime * 10) / 10));
  };
  // "C" anywhere outside a text field: comment at the current moment.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== "c" && event.key !== "C") return;
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      const target = event.target as HTMLElement | null;
      if (target?.closest("input, textarea, select, [contenteditable=true]")) return;
      event.preventDefault();
      capture();
      document.getElementById("comment-body")?.focus();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  });
  useEffect(() => {
    if (fetcher.state === "idle" && fetcher.data?.ok) form.current?.reset();
  }, [fetcher.state, fetcher.data]);
  return (
    <fetcher.Form
      ref={form}
      method="post"
      className="space-y-3 rounded-lg border border-stone-200 bg-white p-4"
      aria-label="Comment at a moment in the clip"
    >
      <input type="hidden" name="intent" value="comment" />
      <input type="hidden" name="version" value={version} />
      <input type="hidden" name="clientKey" value={commentKey} />
      <div className="flex flex-wrap items-end gap-3">
        <div>
          <label htmlFor="comment-at" className="block text-sm font-medium text-stone-800">
            At (seconds)
          </label>
          <input
            id="comment-at"
            name="atSeconds"
            type="number"
            min={0}
            step={0.1}
            value={at}
            onChange={(e) => setAt(e.target.value)}
            aria-invalid={errors.atSeconds ? true : undefined}
            aria-describedby={
              errors.atSeconds ? "comment-at-hint comment-at-error" : "comment-at-hint"
            }
            className="mt-1 block w-28 rounded-md border border-stone-300 px-3 py-2 text-sm"
          />
        </div>
        <Button type="button" variant="secondary" onClick={capture}>
          Use the player&apos;s moment
        </Button>
      </div>
      <p id="comment-at-hint" className="text-xs text-stone-600">
        Press <kbd className="rounded border border-stone-300 px-1">C</kbd> outside a text field to
        pause and comment at the current moment.
      </p>
      {errors.atSeconds ? (
        <p id="comment-at-error" className="text-sm text-red-700" role="alert">
          {errors.atSeconds}
        </p>
      ) : null}
      <TextAreaField
        id="comment-body"
        name="body"
        label={`Comment at ${formatTimecode(seconds)}`}
        rows={3}
        required
        maxLength={2000}
        error={errors.body}
      />
      <FormError message={errors.form} />
      <Button type="submit" busy={fetcher.state !== "idle"}>
        Add comment
      </Button>
    </fetcher.Form>
  );
}

function DecisionForm() {
  const page = useLoaderData<typeof loader>();
  const actionData = useActionData<ActionErrors>();
  const navigation = useNavigation();
  const errors = actionData && actionData.ok === false ? actionData.errors : {};
  const [decision, setDecision] = useState<string>("");
  const needsReason = decision === "request_changes" || decision === "reject";
  const firstOfTwo = page.submission.approvalsNeeded === 2 && page.submission.approvals === 0;
  return (
    <Card>
      <h2 className="text-lg font-semibold">Decision</h2>
      {page.submission.approvalsNeeded === 2 ? (
        <p className="mt-1 text-sm text-stone-700">
          Commercial use needs two approvals from different reviewers: {page.submission.approvals}{" "}
          of 2 so far.
        </p>
      ) : null}
      <Form method="post" className="mt-3 space-y-4">
        <input type="hidden" name="intent" value="decide" />
        <input type="hidden" name="version" value={page.submission.currentVersion} />
        <input type="hidden" name="state" value={page.submission.state} />
        <fieldset aria-describedby={errors.checklist ? "checklist-error" : undefined}>
          <legend className="text-sm font-medium text-stone-800">Content-policy checklist</legend>
          <p className="text-xs text-stone-600">Every item must hold to approve.</p>
          <div className="mt-2 space-y-1">
            {page.checklist.map((item, i) => (
              <label key={item} className="flex items-start gap-2 text-sm">
                <input
                  type="checkbox"
                  name="checklist"
                  value={item}
                  id={`checklist-${i}`}
                  className="mt-0.5"
                />
                <span>{item}</span>
              </label>
            ))}
          </div>
          {errors.checklist ? (
            <p id="checklist-error" className="mt-1 text-sm text-red-700" role="alert">
              {errors.checklist}
            </p>
          ) : null}
        </fieldset>
        <fieldset aria-describedby={errors.decision ? "decision-error" : undefined}>
          <legend className="text-sm font-medium text-stone-800">Your decision</legend>
          <div className="mt-2 space-y-1">
            {(
              [
                ["approve", firstOfTwo ? "Approve (first of two)" : "Approve"],
                ["request_changes", "Request changes"],
                ["reject", "Reject"],
              ] as const
            ).map(([value, label]) => (
              <label key={value} className="flex items-center gap-2 text-sm">
                <input
                  type="radio"
                  name="decision"
                  value={value}
                  required
                  onChange={() => setDecision(value)}
                />
                {label}
              </label>
            ))}
          </div>
          {errors.decision ? (
            <p id="decision-error" className="mt-1 text-sm text-red-700" role="alert">
              {errors.decision}
            </p>
          ) : null}
        </fieldset>
        <SelectField
          name="reasonCategory"
          label={needsReason ? "Reason" : "Reason (for changes or rejection)"}
          defaultValue=""
          required={needsReason}
          error={errors.reasonCategory}
          options={[
            { value: "", label: "Choose a reason…" },
            ...REASON_CATEGORIES.map((r) => ({ value: r, label: r })),
          ]}
        />
        <TextAreaField
          name="note"
          label={needsReason ? "Note to the artist" : "Note to the artist (optional for approval)"}
          hint="The artist reads this with the decision."
          rows={4}
          maxLength={2000}
          required={needsReason}
          error={errors.note}
        />
        <FormError message={errors.form ?? errors.version ?? errors.state} />
        <Button type="submit" busy={navigation.state === "submitting"}>
          Record decision
        </Button>
      </Form>
    </Card>
  );
}
