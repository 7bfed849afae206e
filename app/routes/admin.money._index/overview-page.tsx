import { Link, useLoaderData } from "@remix-run/react";
import { MoneyNav } from "~/components/money/admin-nav";
import { Money } from "~/components/money/money";
import { EmptyState, formatDateTime, PageHeader } from "~/components/ui/misc";
import { cellClass, DataTable, rowClass } from "~/components/ui/table";
import { ContributionCard } from "./contribution-card";
import { FeedbackByModel } from "./feedback-by-model";
import { GrantCard } from "./grant-card";
import type { loader } from "./route";
import { plural } from "~/lib/plural";

/** Totals, what waits for an admin (contributions, grants), balances and recent batches. */
export function MoneyOverview() {
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
                  <span className="block text-xs text-stone-600">
                    {plural(t.artistsOwed, "artist")}
                  </span>
                </td>
                {(["created", "sent", "paid", "failed"] as const).map((state) => (
                  <td key={state} className={cellClass}>
                    <Money minor={t[state].minor} currency={t.currency} />
                    <span className="block text-xs text-stone-600">
                      {plural(t[state].count, "payout")}
                    </span>
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

      <FeedbackByModel rows={data.feedbackByModel} countedAt={data.feedbackByModelAt} />

      <section aria-labelledby="grants-waiting" className="mb-8">
        <h2 id="grants-waiting" className="mb-3 text-lg font-semibold">
          Grants awaiting a second approval ({data.awaitingGrantsCount})
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
        {data.awaitingGrantsNext ? (
          <nav aria-label="Awaiting grant pages" className="mt-2 flex justify-end text-sm">
            <Link
              className="text-brand-800 underline"
              to={`?grants=${encodeURIComponent(data.awaitingGrantsNext)}#grants-waiting`}
              rel="next"
            >
              Later grants →
            </Link>
          </nav>
        ) : null}
        {data.askedPromotions.length > 0 ? (
          <p className="mt-3 text-sm text-stone-600">
            {data.askedPromotions
              .map(
                (p) =>
                  `${plural(p.count, "promotion request")} (${p.currency}) await the artists' answer`,
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
