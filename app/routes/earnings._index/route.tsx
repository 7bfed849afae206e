import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { actingUser, requirePermission } from "~/.server/auth/guards";
import { UserError } from "~/.server/errors";
import { redirectWithFlash } from "~/.server/flash";
import {
  formFields,
  itemFailure,
  loadOrRespond,
  parseWith,
  userErrorToResponse,
  readForm,
  routeHeaders,
} from "~/.server/http";
import {
  feedbackInput,
  fileFeedbackReport,
  hoursInput,
  logHours,
} from "~/.server/money/contributions";
import { todayUtc } from "~/.server/money/dates";
import { acceptPromotion, declinePromotion } from "~/.server/money/promotions";
import { loadEarnings } from "~/.server/money/views";
import {
  Money,
  RateCards,
  StatementSummary,
  StatementTable,
  StateBadge,
} from "~/components/money/money";
import { Button } from "~/components/ui/button";
import { ConfirmFormDialog } from "~/components/ui/confirm-dialog";
import { FormError, SelectField, TextAreaField, TextField } from "~/components/ui/field";
import { Card, EmptyState, formatDateTime, PageHeader } from "~/components/ui/misc";
import { cellClass, DataTable, rowClass } from "~/components/ui/table";
import { formatDay } from "~/lib/dates";
import { FEEDBACK_CATEGORIES, formatMinutesAsHours } from "~/lib/money";

export const headers = routeHeaders;

export const meta: MetaFunction = () => [{ title: "Earnings · Greenroom" }];

const query = z.object({
  before: z.coerce.number().int().positive().optional().catch(undefined),
  contributions: z.string().optional(),
});

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = requirePermission(request, context, "money:earn");
  const params = query.parse(Object.fromEntries(new URL(request.url).searchParams));
  return loadOrRespond(async () => {
    const earnings = await loadEarnings(context.db, user, {
      itemsBefore: params.before,
      contributionsAfter: params.contributions,
    });
    return {
      ...earnings,
      today: todayUtc(),
      // Fresh keys per rendering: a double click logs one item.
      hoursKey: crypto.randomUUID(),
      reportKey: crypto.randomUUID(),
    };
  });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = requirePermission(request, context, "money:earn");
  const artist = actingUser(request, context, user);
  const input = await readForm(request);
  if (!input.ok) return input.response;
  const form = input.form;
  const intent = String(form.get("intent") ?? "");
  const id = String(form.get("id") ?? "");
  try {
    if (intent === "log-hours") {
      const parsed = parseWith(hoursInput, formFields(form), intent);
      if (!parsed.ok) return parsed.response;
      const item = await logHours(context.db, artist, parsed.data);
      return redirectWithFlash(context, "/earnings", {
        kind: "success",
        message: `Logged ${formatMinutesAsHours(item.minutes ?? 0)}. An admin will approve it.`,
      });
    }
    if (intent === "file-report") {
      const parsed = parseWith(feedbackInput, formFields(form), intent);
      if (!parsed.ok) return parsed.response;
      await fileFeedbackReport(context.db, artist, parsed.data);
      return redirectWithFlash(context, "/earnings", {
        kind: "success",
        message: "Report filed. Thank you: an admin will review it.",
      });
    }
    if (intent === "accept-promotion") {
      await acceptPromotion(context.db, artist, id);
      return redirectWithFlash(context, "/earnings#promotions", {
        kind: "success",
        message: "Accepted. The fee is in your balance.",
      });
    }
    if (intent === "decline-promotion") {
      const reason =
        String(form.get("reason") ?? "")
          .trim()
          .slice(0, 500) || null;
      await declinePromotion(context.db, artist, id, reason);
      return redirectWithFlash(context, "/earnings#promotions", {
        kind: "success",
        message: "Declined. The clip will not be used.",
      });
    }
    throw new UserError("Unknown action.", 400);
  } catch (error) {
    // A promotion's answer failed: the message shows on that request's card.
    if (intent === "accept-promotion" || intent === "decline-promotion")
      return itemFailure(error, id);
    return userErrorToResponse(error, FORMS.includes(intent) ? intent : "page");
  }
}

/** The page's forms with their own error area; any other failure shows at the top. */
const FORMS = ["log-hours", "file-report"];

type Failure = { ok: false; errors: Record<string, string>; form?: string; id?: string };

/** A failure shows on the form it came from only (the page has several). */
function useFormErrors(intent: string) {
  const result = useActionData<Failure>();
  return result?.ok === false && result.form === intent ? result.errors : {};
}

export default function Earnings() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<Failure>();
  // An unknown action, or an answer to a request no longer listed, is said at the top.
  const pageError =
    result?.ok === false &&
    (result.form === "page" ||
      (result.id !== undefined && !data.promotions.some((r) => r.promotion.id === result.id)))
      ? Object.values(result.errors)[0]
      : null;
  const olderHref = data.statement.nextBefore
    ? `?before=${data.statement.nextBefore}#statement`
    : null;
  return (
    <>
      <PageHeader
        title="Earnings"
        description="Every contribution is recorded and priced by the published rate card. Your statement is the ledger itself: check it to the cent."
      />
      <FormError message={pageError} />
      <section aria-labelledby="summary" className="mb-8">
        <h2 id="summary" className="mb-3 text-lg font-semibold">
          Your balance
        </h2>
        {data.totals.length === 0 ? (
          <EmptyState title="Nothing earned yet">
            Log a testing session or file a feedback report below; once approved it shows here.
          </EmptyState>
        ) : (
          <StatementSummary totals={data.totals} />
        )}
      </section>

      <div className="mb-8 grid items-start gap-6 lg:grid-cols-2">
        <LogHoursForm today={data.today} formKey={data.hoursKey} />
        <FeedbackForm generations={data.generations} formKey={data.reportKey} />
      </div>

      <Promotions promotions={data.promotions} />

      <section aria-labelledby="contributions" className="mb-8">
        <h2 id="contributions" className="mb-3 text-lg font-semibold">
          Your contributions
        </h2>
        {data.contributions.length === 0 ? (
          <EmptyState title="No contributions logged">
            Hours and reports you log appear here with their state.
          </EmptyState>
        ) : (
          <DataTable
            caption="Your contributions, newest first"
            columns={["Date", "What", "State", "Earns"]}
          >
            {data.contributions.map(({ contribution: c, prompt }) => (
              <tr key={c.id} className={rowClass}>
                <td className={`${cellClass} whitespace-nowrap`}>{formatDay(c.occurredOn)}</td>
                <td className={cellClass}>
                  {c.kind === "hours"
                    ? `${formatMinutesAsHours(c.minutes ?? 0)} of testing`
                    : `Feedback report (${c.category})${prompt ? ` on “${prompt.slice(0, 60)}”` : ""}`}
                  <p className="text-xs text-stone-600">{c.description.slice(0, 160)}</p>
                </td>
                <td className={cellClass}>
                  <StateBadge of="contribution" state={c.state} />
                  {c.rejectReason ? (
                    <p className="mt-1 text-xs text-stone-700">Reason: {c.rejectReason}</p>
                  ) : null}
                </td>
                <td className={`${cellClass} whitespace-nowrap`}>
                  {c.amountMinor !== null && c.currency ? (
                    <Money minor={c.amountMinor} currency={c.currency} />
                  ) : (
                    <span className="text-stone-500">—</span>
                  )}
                </td>
              </tr>
            ))}
          </DataTable>
        )}
        {data.contributionsNext ? (
          <nav aria-label="Contribution pages" className="mt-2 flex justify-end text-sm">
            <Link
              className="text-brand-800 underline"
              to={`?contributions=${encodeURIComponent(data.contributionsNext)}#contributions`}
              rel="next"
            >
              Older contributions →
            </Link>
          </nav>
        ) : null}
      </section>

      <section aria-labelledby="grants" className="mb-8">
        <h2 id="grants" className="mb-3 text-lg font-semibold">
          Grants
        </h2>
        {data.grants.length === 0 ? (
          <p className="text-sm text-stone-600">
            No grants yet. Admins award them for projects and residencies.
          </p>
        ) : (
          <DataTable caption="Your grants" columns={["Awarded", "Purpose", "Amount", "State"]}>
            {data.grants.map((g) => (
              <tr key={g.id} className={rowClass}>
                <td className={`${cellClass} whitespace-nowrap`}>{formatDateTime(g.createdAt)}</td>
                <td className={cellClass}>
                  {g.purpose}
                  {g.cancelReason ? (
                    <p className="text-xs text-stone-600">Cancelled: {g.cancelReason}</p>
                  ) : null}
                </td>
                <td className={cellClass}>
                  <Money minor={g.amountMinor} currency={g.currency} />
                </td>
                <td className={cellClass}>
                  <StateBadge of="grant" state={g.state} />
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>

      <section aria-labelledby="statement" className="mb-8">
        <h2 id="statement" className="mb-1 text-lg font-semibold">
          Statement
        </h2>
        <p className="mb-3 text-sm text-stone-600">
          Item by item, as recorded in the ledger. Earnings and grants are added; a payout takes the
          balance out; a correction is a reversal, never an edit.
        </p>
        {data.statement.items.length === 0 ? (
          <EmptyState title="No items yet">Approved items appear here.</EmptyState>
        ) : (
          <StatementTable items={data.statement.items} olderHref={olderHref} />
        )}
      </section>

      <section aria-labelledby="rates" className="mb-8">
        <h2 id="rates" className="mb-1 text-lg font-semibold">
          Rate card
        </h2>
        <p className="mb-3 text-sm text-stone-600">
          You are paid in {data.currency}. An item earns at the card in force on its own date.
        </p>
        <RateCards
          series={data.rateCards}
          emptyText="The program has not published a rate card yet."
        />
      </section>
    </>
  );
}

function LogHoursForm({ today, formKey }: { today: string; formKey: string }) {
  const errors = useFormErrors("log-hours");
  const navigation = useNavigation();
  const busy = navigation.formData?.get("intent") === "log-hours";
  return (
    <Card>
      <h2 className="mb-3 text-lg font-semibold">Log testing hours</h2>
      <Form method="post" className="space-y-4" noValidate>
        <input type="hidden" name="intent" value="log-hours" />
        <input type="hidden" name="clientKey" value={formKey} />
        <FormError message={errors.form} />
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField
            label="Date"
            name="occurredOn"
            type="date"
            max={today}
            defaultValue={today}
            required
            error={errors.occurredOn}
          />
          <TextField
            label="Hours"
            name="hours"
            inputMode="decimal"
            placeholder="1.5"
            hint="Quarter hours: 1.25, 1.5 or 1:30"
            required
            error={errors.hours}
          />
        </div>
        <TextAreaField
          label="What you tested"
          name="notes"
          rows={3}
          required
          error={errors.notes}
        />
        <Button type="submit" busy={busy}>
          Log hours
        </Button>
      </Form>
    </Card>
  );
}

function FeedbackForm({
  generations,
  formKey,
}: {
  generations: { id: string; prompt: string; createdAt: string | Date }[];
  formKey: string;
}) {
  const errors = useFormErrors("file-report");
  const navigation = useNavigation();
  const busy = navigation.formData?.get("intent") === "file-report";
  return (
    <Card>
      <h2 className="mb-3 text-lg font-semibold">File a feedback report</h2>
      {generations.length === 0 ? (
        <p className="text-sm text-stone-600">
          A report is about one of your generations.{" "}
          <Link className="text-brand-800 underline" to="/studio">
            Generate something
          </Link>{" "}
          first.
        </p>
      ) : (
        <Form method="post" className="space-y-4" noValidate>
          <input type="hidden" name="intent" value="file-report" />
          <input type="hidden" name="clientKey" value={formKey} />
          <FormError message={errors.form} />
          <SelectField
            label="Generation"
            name="generationId"
            required
            error={errors.generationId}
            options={generations.map((g) => ({
              value: g.id,
              label: `${g.prompt.slice(0, 60)} · ${formatDateTime(g.createdAt)}`,
            }))}
          />
          <SelectField
            label="Category"
            name="category"
            required
            error={errors.category}
            options={FEEDBACK_CATEGORIES.map((c) => ({
              value: c,
              label: c[0]!.toUpperCase() + c.slice(1),
            }))}
          />
          <TextAreaField
            label="What you found"
            name="description"
            rows={4}
            required
            error={errors.description}
          />
          <Button type="submit" busy={busy}>
            File report
          </Button>
        </Form>
      )}
    </Card>
  );
}

type PromotionRow = ReturnType<typeof useLoaderData<typeof loader>>["promotions"][number];

function Promotions({ promotions }: { promotions: PromotionRow[] }) {
  const result = useActionData<Failure>();
  const navigation = useNavigation();
  if (promotions.length === 0) return null;
  return (
    <section aria-labelledby="promotions" className="mb-8">
      <h2 id="promotions" className="mb-1 text-lg font-semibold">
        Requests to use your clips
      </h2>
      <p className="mb-3 text-sm text-stone-600">
        The program uses a clip in its own promotion only with your yes. Declining costs you
        nothing.
      </p>
      <ul className="space-y-3">
        {promotions.map(({ promotion: p, title }) => {
          const errors = result?.ok === false && result.id === p.id ? result.errors : {};
          return (
            <li key={p.id}>
              <Card>
                <div className="flex flex-wrap items-start justify-between gap-2">
                  <div>
                    <h3 className="font-semibold">“{title}”</h3>
                    <p className="text-sm text-stone-700">{p.purpose}</p>
                    <p className="text-sm text-stone-600">
                      {p.channels.join(", ")} · fee{" "}
                      <Money minor={p.feeMinor} currency={p.currency} />
                    </p>
                  </div>
                  <StateBadge of="promotion" state={p.state} />
                </div>
                <FormError message={errors.form} />
                {p.state === "asked" ? (
                  <div className="mt-3 flex flex-wrap gap-2">
                    <Form method="post">
                      <input type="hidden" name="intent" value="accept-promotion" />
                      <input type="hidden" name="id" value={p.id} />
                      <Button
                        type="submit"
                        busy={
                          navigation.formData?.get("id") === p.id &&
                          navigation.formData?.get("intent") === "accept-promotion"
                        }
                      >
                        Accept for <Money minor={p.feeMinor} currency={p.currency} />
                      </Button>
                    </Form>
                    <ConfirmFormDialog
                      trigger="Decline"
                      title={`Decline the use of “${title}”?`}
                      triggerVariant="secondary"
                      fields={{ intent: "decline-promotion", id: p.id }}
                      confirmLabel="Decline"
                      cancelLabel="Keep it open"
                    >
                      <TextAreaField
                        label="Reason (optional)"
                        name="reason"
                        rows={2}
                        error={errors.reason}
                      />
                    </ConfirmFormDialog>
                  </div>
                ) : null}
              </Card>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
