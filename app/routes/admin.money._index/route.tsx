import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { actingUser, requirePermission } from "~/.server/auth/guards";
import { itemFailure, loadOrRespond, readForm, routeHeaders } from "~/.server/http";
import { UserError } from "~/.server/errors";
import { redirectWithFlash } from "~/.server/flash";
import { deliverEmails } from "~/.server/mail/send";
import { approveContribution, rejectContribution } from "~/.server/money/contributions";
import { approveGrant, cancelGrant } from "~/.server/money/grants";
import { loadMoneyOverview } from "~/.server/money/views";
import { MoneyNav } from "~/components/money/admin-nav";
import { Money } from "~/components/money/money";
import { Button } from "~/components/ui/button";
import { ConfirmFormDialog } from "~/components/ui/confirm-dialog";
import { FormError, TextAreaField } from "~/components/ui/field";
import { Card, EmptyState, formatDateTime, PageHeader } from "~/components/ui/misc";
import { cellClass, DataTable, rowClass } from "~/components/ui/table";
import { formatDay } from "~/lib/dates";
import { formatMinutesAsHours } from "~/lib/money";
import { reasonField } from "~/lib/validation";

export const headers = routeHeaders;

export const meta: MetaFunction = () => [{ title: "Money · Admin · Greenroom" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = requirePermission(request, context, "money:manage");
  const params = new URL(request.url).searchParams;
  return loadOrRespond(async () => {
    const overview = await loadMoneyOverview(context.db, actingUser(request, context, user), {
      balancesAfter: params.get("balances"),
      pendingAfter: params.get("pending"),
      figures: context.figures,
    });
    return { ...overview, me: user.id };
  });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = requirePermission(request, context, "money:manage");
  const admin = actingUser(request, context, user);
  const input = await readForm(request);
  if (!input.ok) return input.response;
  const form = input.form;
  const intent = String(form.get("intent") ?? "");
  const id = String(form.get("id") ?? "");
  const options = { appUrl: context.env.APP_URL };
  const reason = () => {
    const parsed = reasonField.safeParse(form.get("reason") ?? "");
    if (!parsed.success) throw new UserError(parsed.error.issues[0]!.message, 422, "reason");
    return parsed.data;
  };
  try {
    let emailIds: string[] = [];
    let message: string;
    if (intent === "approve-contribution") {
      const result = await approveContribution(context.db, admin, id, options);
      emailIds = result.emailIds;
      message = "Approved. The artist's balance has it.";
    } else if (intent === "reject-contribution") {
      emailIds = (await rejectContribution(context.db, admin, id, reason(), options)).emailIds;
      message = "Rejected. The artist has the reason.";
    } else if (intent === "approve-grant") {
      emailIds = (await approveGrant(context.db, admin, id, options)).emailIds;
      message = "Grant approved. It is payable now.";
    } else if (intent === "cancel-grant") {
      await cancelGrant(context.db, admin, id, reason());
      message = "Grant cancelled.";
    } else {
      throw new UserError("Unknown action.", 400);
    }
    await deliverEmails(context.db, context.mailer, emailIds);
    return redirectWithFlash(context, "/admin/money", { kind: "success", message });
  } catch (error) {
    return itemFailure(error, id);
  }
}

type Failure = { ok: false; errors: Record<string, string>; id?: string };

function useItemErrors(id: string) {
  const result = useActionData<Failure>();
  return result?.ok === false && result.id === id ? result.errors : {};
}

export default function MoneyOverview() {
  const data = useLoaderData<typeof loader>();
  return (
    <>
      <PageHeader
        title="Money"
        description="Contributions to approve, grants, balances and payouts. Every amount is in the ledger; every action is audited."
      />
      <MoneyNav />
      <section aria-labelledby="totals" className="mb-8">
        <h2 id="totals" className="mb-3 text-lg font-semibold">
          Totals by state
        </h2>
        {data.totals.length === 0 ? (
          <EmptyState title="No money has moved yet">
            Approve a contribution or award a grant, and it shows here.
          </EmptyState>
        ) : (
          <DataTable
            caption="Totals by state and currency"
            columns={[
              "Currency",
              "Payable",
              "To send",
              "Sent",
              "Paid",
              "Failed",
              "Grants awaiting approval",
            ]}
          >
            {data.totals.map((t) => (
              <tr key={t.currency} className={rowClass}>
                <th scope="row" className={cellClass}>
                  {t.currency}
                </th>
                <td className={cellClass}>
                  <Money minor={t.payableMinor} currency={t.currency} />
                  <span className="block text-xs text-stone-600">{t.artistsOwed} artists</span>
                </td>
                {(["created", "sent", "paid", "failed"] as const).map((state) => (
                  <td key={state} className={cellClass}>
                    <Money minor={t[state].minor} currency={t.currency} />
                    <span className="block text-xs text-stone-600">{t[state].count} payouts</span>
                  </td>
                ))}
                <td className={cellClass}>
                  <Money minor={t.awaitingGrantsMinor} currency={t.currency} />
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>

      <section aria-labelledby="pending" className="mb-8">
        <h2 id="pending" className="mb-3 text-lg font-semibold">
          Contributions awaiting approval ({data.pendingCount.toLocaleString("en")})
        </h2>
        {data.pendingContributions.length === 0 ? (
          <EmptyState title="Nothing is waiting">
            Every logged contribution has an answer.
          </EmptyState>
        ) : (
          <ul className="space-y-3">
            {data.pendingContributions.map((item) => (
              <li key={item.contribution.id}>
                <ContributionCard item={item} />
              </li>
            ))}
          </ul>
        )}
        {data.pendingNext ? (
          <nav aria-label="Contribution pages" className="mt-2 flex justify-end text-sm">
            <Link
              className="text-brand-800 underline"
              to={`?pending=${encodeURIComponent(data.pendingNext)}#pending`}
              rel="next"
            >
              Next page →
            </Link>
          </nav>
        ) : null}
      </section>

      <section aria-labelledby="grants-waiting" className="mb-8">
        <h2 id="grants-waiting" className="mb-3 text-lg font-semibold">
          Grants awaiting a second approval ({data.awaitingGrants.length})
        </h2>
        {data.awaitingGrants.length === 0 ? (
          <p className="text-sm text-stone-600">
            None. Grants above the threshold wait here for a second admin.
          </p>
        ) : (
          <ul className="space-y-3">
            {data.awaitingGrants.map((g) => (
              <li key={g.grant.id}>
                <GrantCard item={g} me={data.me} />
              </li>
            ))}
          </ul>
        )}
        {data.askedPromotions.length > 0 ? (
          <p className="mt-3 text-sm text-stone-600">
            {data.askedPromotions
              .map(
                (p) =>
                  `${p.count} promotion request${p.count === 1 ? "" : "s"} (${p.currency}) await the artists' answer`,
              )
              .join("; ")}
            .{" "}
            <Link className="text-brand-800 underline" to="/admin/money/promotions">
              See them
            </Link>
          </p>
        ) : null}
      </section>

      <section aria-labelledby="balances" className="mb-8">
        <div className="mb-3 flex flex-wrap items-baseline justify-between gap-2">
          <h2 id="balances" className="text-lg font-semibold">
            Balances per artist
          </h2>
          <Link className="text-sm text-brand-800 underline" to="/admin/money/payouts">
            Pay these in a batch →
          </Link>
        </div>
        {data.balances.rows.length === 0 ? (
          <p className="text-sm text-stone-600">Nobody is owed anything right now.</p>
        ) : (
          <DataTable caption="Payable balances, largest first" columns={["Artist", "Payable"]}>
            {data.balances.rows.map((b) => (
              <tr key={`${b.userId}-${b.currency}`} className={rowClass}>
                <td className={cellClass}>
                  <Link
                    className="text-brand-800 underline"
                    to={`/admin/money/artists/${b.userId}`}
                  >
                    {b.name || b.email}
                  </Link>
                </td>
                <td className={cellClass}>
                  <Money minor={b.balanceMinor} currency={b.currency} />
                </td>
              </tr>
            ))}
          </DataTable>
        )}
        {data.balances.next ? (
          <nav aria-label="Balance pages" className="mt-2 flex justify-end text-sm">
            <Link
              className="text-brand-800 underline"
              to={`?balances=${encodeURIComponent(data.balances.next)}#balances`}
              rel="next"
            >
              Next page →
            </Link>
          </nav>
        ) : null}
      </section>

      <section aria-labelledby="batches" className="mb-8">
        <h2 id="batches" className="mb-3 text-lg font-semibold">
          Recent payout batches
        </h2>
        {data.batches.length === 0 ? (
          <p className="text-sm text-stone-600">No batches yet.</p>
        ) : (
          <DataTable
            caption="Recent payout batches"
            columns={["Created", "Payouts", "Total", "Open", "Failed"]}
          >
            {data.batches.map((b) => (
              <tr key={b.batch.id} className={rowClass}>
                <td className={cellClass}>
                  <Link
                    className="text-brand-800 underline"
                    to={`/admin/money/payouts/${b.batch.id}`}
                  >
                    {formatDateTime(b.batch.createdAt)}
                  </Link>
                </td>
                <td className={cellClass}>{b.count}</td>
                <td className={cellClass}>
                  <Money minor={b.total} currency={b.batch.currency} />
                </td>
                <td className={cellClass}>{b.open}</td>
                <td className={cellClass}>{b.failed}</td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>
    </>
  );
}

type ContributionItem = ReturnType<
  typeof useLoaderData<typeof loader>
>["pendingContributions"][number];

function ContributionCard({ item }: { item: ContributionItem }) {
  const { contribution: c } = item;
  const errors = useItemErrors(c.id);
  const navigation = useNavigation();
  const busy = navigation.formData?.get("id") === c.id;
  return (
    <Card>
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div>
          <h3 className="font-semibold">
            {c.kind === "hours"
              ? `${formatMinutesAsHours(c.minutes ?? 0)} of testing on ${formatDay(c.occurredOn)}`
              : `Feedback report (${c.category}) of ${formatDay(c.occurredOn)}`}
          </h3>
          <p className="text-sm text-stone-600">
            {item.artist || item.artistEmail} · logged {formatDateTime(c.createdAt)}
            {item.prompt ? ` · about “${item.prompt.slice(0, 60)}”` : ""}
          </p>
        </div>
        <p className="text-sm">
          {item.estimateMinor !== null && item.estimateCurrency ? (
            <>
              Earns <Money minor={item.estimateMinor} currency={item.estimateCurrency} />
            </>
          ) : (
            <span className="text-red-800">No rate card in force on that date</span>
          )}
        </p>
      </div>
      <p className="mt-2 whitespace-pre-line text-sm text-stone-800">{c.description}</p>
      <FormError message={errors.form} />
      <div className="mt-3 flex flex-wrap gap-2">
        <Form method="post">
          <input type="hidden" name="intent" value="approve-contribution" />
          <input type="hidden" name="id" value={c.id} />
          <Button
            type="submit"
            busy={busy && navigation.formData?.get("intent") === "approve-contribution"}
          >
            Approve
          </Button>
        </Form>
        <ConfirmFormDialog
          trigger="Reject"
          title="Reject this contribution?"
          fields={{ intent: "reject-contribution", id: c.id }}
          confirmLabel="Reject"
          cancelLabel="Keep it"
        >
          <TextAreaField
            label="Reason the artist will read"
            name="reason"
            rows={3}
            required
            error={errors.reason}
          />
        </ConfirmFormDialog>
      </div>
    </Card>
  );
}

type GrantItem = ReturnType<typeof useLoaderData<typeof loader>>["awaitingGrants"][number];

function GrantCard({ item, me }: { item: GrantItem; me: string }) {
  const { grant: g } = item;
  const errors = useItemErrors(g.id);
  const navigation = useNavigation();
  const mine = g.awardedBy === me;
  return (
    <Card>
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div>
          <h3 className="font-semibold">
            <Money minor={g.amountMinor} currency={g.currency} /> to {item.artist}
          </h3>
          <p className="text-sm text-stone-600">
            {g.purpose} · awarded by {mine ? "you" : item.awardedByName} on{" "}
            {formatDateTime(g.createdAt)}
          </p>
        </div>
      </div>
      <FormError message={errors.form} />
      <div className="mt-3 flex flex-wrap items-center gap-2">
        {mine ? (
          <p className="text-sm text-stone-600">
            Another admin must approve the grants you award above the threshold.
          </p>
        ) : (
          <Form method="post">
            <input type="hidden" name="intent" value="approve-grant" />
            <input type="hidden" name="id" value={g.id} />
            <Button
              type="submit"
              busy={
                navigation.formData?.get("id") === g.id &&
                navigation.formData?.get("intent") === "approve-grant"
              }
            >
              Approve grant
            </Button>
          </Form>
        )}
        <ConfirmFormDialog
          trigger="Cancel grant"
          title="Cancel this grant?"
          fields={{ intent: "cancel-grant", id: g.id }}
          confirmLabel="Cancel grant"
          cancelLabel="Keep it"
        >
          <TextAreaField label="Reason" name="reason" rows={2} required error={errors.reason} />
        </ConfirmFormDialog>
      </div>
    </Card>
  );
}
