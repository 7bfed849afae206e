import { Link, useActionData, useLoaderData } from "@remix-run/react";
import {
  Money,
  RateCards,
  StatementSummary,
  StatementTable,
  StateBadge,
} from "~/components/money/money";
import { FormError } from "~/components/ui/field";
import { EmptyState, formatDateTime, PageHeader } from "~/components/ui/misc";
import { cellClass, DataTable, rowClass } from "~/components/ui/table";
import { formatDay } from "~/lib/dates";
import { isFailure } from "~/lib/intents";
import { formatMinutesAsHours } from "~/lib/money";
import { FeedbackForm, LogHoursForm } from "./contribution-forms";
import { PromotionRequests } from "./promotion-requests";
import type { loader } from "./route";

/** An artist's balance, the forms that earn, requests to use their clips, and the statement. */
export function EarningsPage() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData();
  // An unknown action, or an answer to a request no longer listed, is said at the top.
  const pageError =
    isFailure(result) &&
    (result.form === "page" ||
      (result.id !== undefined && !data.promotions.some((r) => r.promotion.id === result.id)))
      ? Object.values(result.errors)[0]
      : null;
  const olderHref = data.statement.nextBefore
    ? `?before=${encodeURIComponent(data.statement.nextBefore)}#statement`
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

      <PromotionRequests promotions={data.promotions} />

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
          Item by item, as recorded in the ledger, by date with the newest first, and your balance
          after each. Earnings and grants are added; a payout takes the balance out; a correction is
          a reversal, never an edit.
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
