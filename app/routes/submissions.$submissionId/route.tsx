import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { actingUser, requirePermission } from "~/.server/auth/guards";
import { UserError } from "~/.server/errors";
import { redirectWithFlash } from "~/.server/flash";
import { parseWith, userErrorToResponse, readForm, routeHeaders } from "~/.server/http";
import { resubmit, resubmitInput, withdrawSubmission } from "~/.server/review/submissions";
import { clipChoices, loadOwnSubmission, publishedReviewTimes } from "~/.server/review/views";
import { ReviewTimes } from "~/components/review/review-times";
import { SubmissionStateBadge } from "~/components/review/submission-state";
import { TimecodedPlayer } from "~/components/review/timecoded-player";
import { Timeline } from "~/components/review/timeline";
import { Button, buttonClass } from "~/components/ui/button";
import { ConfirmDialog } from "~/components/ui/confirm-dialog";
import { FormError, SelectField, TextAreaField } from "~/components/ui/field";
import { Card, formatDateTime, PageHeader } from "~/components/ui/misc";
import { DECISION_LABELS, USE_LABELS } from "~/lib/review";

export const headers = routeHeaders;

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.submission.title ?? "Submission"} · Submissions · Greenroom` },
];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = requirePermission(request, context, "studio:use");
  try {
    const [detail, times] = await Promise.all([
      loadOwnSubmission(context.db, user, params.submissionId ?? ""),
      publishedReviewTimes(context.db, context.figures),
    ]);
    const s = detail.submission;
    const choices = s.state === "changes_requested" ? await clipChoices(context.db, user) : [];
    return {
      submission: {
        id: s.id,
        title: s.title,
        description: s.description,
        intendedUse: s.intendedUse,
        channels: s.channels,
        state: s.state,
        revision: s.revision,
        currentVersion: s.currentVersion,
        approvals: s.approvals,
        approvalsNeeded: s.approvalsNeeded,
        createdAt: s.createdAt,
      },
      versions: detail.versions.map((v) => ({
        number: v.number,
        clipId: v.clipId,
        clipDeleted: v.clipDeleted,
        note: v.note,
        createdAt: v.createdAt,
        comments: detail.comments.filter((c) => c.version === v.number),
      })),
      decisions: detail.decisions.map((d) => ({
        id: d.id,
        version: d.version,
        decision: d.decision,
        reasonCategory: d.reasonCategory,
        note: d.note,
        reviewer: d.reviewer,
        createdAt: d.createdAt,
      })),
      timeline: detail.timeline,
      times,
      targetHours: context.env.REVIEW_TARGET_HOURS,
      choices,
    };
  } catch (error) {
    if (error instanceof UserError && error.status === 404)
      throw new Response("There is no such submission.", { status: 404 });
    throw error;
  }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = requirePermission(request, context, "studio:use");
  const acting = actingUser(request, context, user);
  const id = params.submissionId ?? "";
  const input = await readForm(request);
  if (!input.ok) return input.response;
  const form = Object.fromEntries(input.form);
  try {
    if (form.intent === "withdraw") {
      const revision = Number(form.revision);
      if (!Number.isSafeInteger(revision))
        return data(
          { ok: false as const, errors: { form: "Reload the page and try again." } },
          400,
        );
      await withdrawSubmission(context.db, acting, id, revision);
      return redirectWithFlash(context, `/submissions/${id}`, {
        kind: "info",
        message: "Submission withdrawn. Its history stays here.",
      });
    }
    if (form.intent === "resubmit") {
      const parsed = parseWith(resubmitInput, form);
      if (!parsed.ok) return parsed.response;
      const version = await resubmit(context.db, acting, id, parsed.data);
      return redirectWithFlash(context, `/submissions/${id}`, {
        kind: "success",
        message: `Version ${version} is in the review queue.`,
      });
    }
    return data({ ok: false as const, errors: { form: "Unknown action." } }, 400);
  } catch (error) {
    return userErrorToResponse(error);
  }
}

type ActionErrors = { ok: false; errors: Record<string, string> };

export default function SubmissionPage() {
  const page = useLoaderData<typeof loader>();
  const actionData = useActionData<ActionErrors>();
  const errors = actionData && actionData.ok === false ? actionData.errors : {};
  const s = page.submission;
  const current = page.versions.find((v) => v.number === s.currentVersion)!;
  const older = page.versions.filter((v) => v.number !== s.currentVersion).reverse();
  const open = s.state === "pending" || s.state === "in_review";
  return (
    <>
      <p className="mb-2 text-sm">
        <Link to="/submissions" className="text-brand-800 underline">
          ← Submissions
        </Link>
      </p>
      <PageHeader
        title={s.title}
        description={`${USE_LABELS[s.intendedUse]} · ${s.channels.join(", ")} · version ${s.currentVersion} · submitted ${formatDateTime(s.createdAt)}`}
        actions={
          <div className="flex flex-wrap items-center gap-2">
            <SubmissionStateBadge
              state={s.state}
              approvals={s.approvals}
              approvalsNeeded={s.approvalsNeeded}
            />
            {open ? <WithdrawButton revision={s.revision} /> : null}
            {s.state === "approved" ? (
              <Link to={`/rights?submission=${s.id}`} className={buttonClass("primary")}>
                Request publishing rights
              </Link>
            ) : null}
          </div>
        }
      />
      {/* While the resubmit form is shown it shows the form's error itself: not twice. */}
      {errors.form && s.state !== "changes_requested" ? <FormError message={errors.form} /> : null}
      <div className="mt-4 grid items-start gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <div className="space-y-6">
          {s.state === "changes_requested" ? <ResubmitForm clipId={current.clipId} /> : null}
          <section aria-labelledby="current-version">
            <h2 id="current-version" className="mb-2 text-lg font-semibold">
              Version {current.number}
            </h2>
            {current.clipDeleted ? (
              <p className="text-sm text-stone-600">You deleted this clip.</p>
            ) : (
              <TimecodedPlayer
                clipId={current.clipId}
                label={`Version ${current.number}: ${s.title}`}
                comments={current.comments}
              />
            )}
          </section>
          {older.map((v) => (
            <details key={v.number} className="rounded-lg border border-stone-200 bg-white p-4">
              <summary className="cursor-pointer text-sm font-medium">
                Version {v.number} · {formatDateTime(v.createdAt)} · {v.comments.length} comment
                {v.comments.length === 1 ? "" : "s"}
              </summary>
              <div className="mt-3">
                {v.clipDeleted ? (
                  <p className="text-sm text-stone-600">You deleted this clip.</p>
                ) : (
                  <TimecodedPlayer
                    clipId={v.clipId}
                    label={`Version ${v.number}: ${s.title}`}
                    comments={v.comments}
                  />
                )}
              </div>
            </details>
          ))}
        </div>
        <div className="space-y-6">
          <Card>
            <h2 className="text-lg font-semibold">Decisions</h2>
            {page.decisions.length === 0 ? (
              <p className="mt-1 text-sm text-stone-700">
                {s.state === "withdrawn"
                  ? "You withdrew it before a decision."
                  : "No decision yet. You are told here and by email as soon as there is one."}
              </p>
            ) : (
              <ul className="mt-2 space-y-3">
                {page.decisions.map((d) => (
                  <li key={d.id} className="rounded-md border border-stone-200 p-3 text-sm">
                    <p className="font-semibold">
                      {DECISION_LABELS[d.decision]}{" "}
                      <span className="font-normal text-stone-600">
                        · version {d.version} · {d.reviewer} · {formatDateTime(d.createdAt)}
                      </span>
                    </p>
                    {d.reasonCategory ? (
                      <p className="mt-1">
                        <span className="font-medium">Reason:</span> {d.reasonCategory}
                      </p>
                    ) : null}
                    {d.note ? <p className="mt-1 whitespace-pre-wrap">{d.note}</p> : null}
                  </li>
                ))}
              </ul>
            )}
          </Card>
          <ReviewTimes times={page.times} targetHours={page.targetHours} />
          <Card>
            <h2 className="text-lg font-semibold">History</h2>
            <div className="mt-3">
              <Timeline events={page.timeline} />
            </div>
          </Card>
          <Card>
            <h2 className="text-lg font-semibold">Description</h2>
            <p className="mt-2 whitespace-pre-wrap text-sm text-stone-800">{s.description}</p>
          </Card>
        </div>
      </div>
    </>
  );
}

function WithdrawButton({ revision }: { revision: number }) {
  const navigation = useNavigation();
  return (
    <ConfirmDialog trigger="Withdraw…" title="Withdraw this submission?">
      {(close) => (
        <Form method="post" className="space-y-4">
          <input type="hidden" name="intent" value="withdraw" />
          <input type="hidden" name="revision" value={revision} />
          <p className="text-sm text-stone-700">
            It leaves the review queue and cannot be decided any more. Its history stays; to try
            again, submit the clip anew.
          </p>
          <div className="flex justify-end gap-2">
            <Button type="button" variant="secondary" onClick={close}>
              Keep it in review
            </Button>
            <Button type="submit" variant="danger" busy={navigation.state === "submitting"}>
              Withdraw
            </Button>
          </div>
        </Form>
      )}
    </ConfirmDialog>
  );
}

function ResubmitForm({ clipId }: { clipId: string }) {
  const page = useLoaderData<typeof loader>();
  const actionData = useActionData<ActionErrors>();
  const navigation = useNavigation();
  const errors = actionData && actionData.ok === false ? actionData.errors : {};
  return (
    <Card className="border-amber-300">
      <h2 className="text-lg font-semibold">
        Resubmit as version {page.submission.currentVersion + 1}
      </h2>
      <p className="mt-1 text-sm text-stone-700">
        Send another clip, or the same one with a note on what you changed or why it stands.
      </p>
      <Form method="post" className="mt-3 space-y-4">
        <input type="hidden" name="intent" value="resubmit" />
        <input type="hidden" name="revision" value={page.submission.revision} />
        <SelectField
          name="clipId"
          label="Clip"
          defaultValue={clipId}
          error={errors.clipId}
          options={page.choices.map((c) => ({
            value: c.id,
            label: `${c.id === clipId ? "Same clip: " : ""}${c.prompt.slice(0, 44)}${c.prompt.length > 44 ? "…" : ""}`,
          }))}
        />
        <TextAreaField
          name="note"
          label="Note to the reviewers"
          rows={3}
          maxLength={2000}
          error={errors.note}
        />
        <FormError message={errors.form} />
        <Button type="submit" busy={navigation.state === "submitting"}>
          Resubmit
        </Button>
      </Form>
    </Card>
  );
}
