import { Link } from "@remix-run/react";
import type { ReactNode } from "react";
import {
  formatMoney,
  RATE_ITEMS,
  type ContributionState,
  type GrantState,
  type LedgerKind,
  type PayoutState,
  type PromotionState,
} from "~/lib/money";
import { formatDay } from "~/lib/dates";
import { Badge, Card } from "../ui/misc";
import { cellClass, DataTable, rowClass } from "../ui/table";

// The pieces of money every page shows the same way: amounts, states, rate cards, statements.

type Tone = "green" | "amber" | "red" | "stone" | "blue";

export function Money({ minor, currency }: { minor: number; currency: string }) {
  return <span className="tabular-nums">{formatMoney(minor, currency)}</span>;
}

const CONTRIBUTION: Record<ContributionState, [string, Tone]> = {
  pending: ["Awaiting approval", "amber"],
  approved: ["Approved", "green"],
  rejected: ["Not approved", "red"],
};
const GRANT: Record<GrantState, [string, Tone]> = {
  awarded: ["Awaiting second approval", "amber"],
  approved: ["Approved", "blue"],
  paid: ["Paid", "green"],
  cancelled: ["Cancelled", "stone"],
};
const PAYOUT: Record<PayoutState, [string, Tone]> = {
  created: ["To send", "amber"],
  sent: ["Sent", "blue"],
  paid: ["Paid", "green"],
  failed: ["Failed", "red"],
};
const PROMOTION: Record<PromotionState, [string, Tone]> = {
  asked: ["Awaiting your answer", "amber"],
  accepted: ["Accepted", "green"],
  declined: ["Declined", "stone"],
  withdrawn: ["Withdrawn", "stone"],
};
export const ITEM_STATUS: Record<string, [string, Tone]> = {
  payable: ["Payable", "amber"],
  in_payout: ["In a payout", "blue"],
  sent: ["Sent", "blue"],
  paid: ["Paid", "green"],
  reversed: ["Reversed", "stone"],
  returned: ["Failed, returned", "red"],
};
const KIND_LABEL: Record<LedgerKind, string> = {
  earning: "Earning",
  grant: "Grant",
  payout: "Payout",
  reversal: "Reversal",
};

export function StateBadge({
  of,
  state,
}: {
  of: "contribution" | "grant" | "payout" | "promotion" | "item";
  state: string;
}) {
  const table = {
    contribution: CONTRIBUTION,
    grant: GRANT,
    payout: PAYOUT,
    promotion: PROMOTION,
    item: ITEM_STATUS,
  }[of] as Record<string, [string, Tone]>;
  const [label, tone] = table[state] ?? [state, "stone"];
  return <Badge tone={tone}>{label}</Badge>;
}

export type RateCardView = {
  id: string;
  currency: string;
  effectiveFrom: string;
  hourlyMinor: number;
  feedbackReportMinor: number;
  promoClipMinor: number;
  stipendMonthlyMinor: number;
  note: string | null;
};

export type RateCardSeriesView = {
  currency: string;
  current: RateCardView | null;
  upcoming: RateCardView[];
  past: RateCardView[];
};

/** The published rates per currency: in force now, announced, and (folded) the history. */
export function RateCards({
  series,
  emptyText,
}: {
  series: RateCardSeriesView[];
  emptyText: ReactNode;
}) {
  if (series.length === 0) return <p className="text-sm text-stone-600">{emptyText}</p>;
  return (
    <div className="space-y-4">
      {series.map((s) => (
        <div key={s.currency}>
          <DataTable
            caption={`Rate card in ${s.currency}`}
            columns={[
              "Item",
              ...[s.current, ...s.upcoming]
                .filter(Boolean)
                .map(
                  (c) =>
                    `${c!.effectiveFrom === s.current?.effectiveFrom ? "Now" : "From " + formatDay(c!.effectiveFrom)} (${s.currency})`,
                ),
            ]}
          >
            {RATE_ITEMS.map((item) => (
              <tr key={item.key} className={rowClass}>
                <th scope="row" className={`${cellClass} font-normal`}>
                  {item.label} <span className="text-stone-500">{item.unit}</span>
                </th>
                {[s.current, ...s.upcoming].filter(Boolean).map((card) => (
                  <td key={card!.id} className={`${cellClass} tabular-nums`}>
                    {formatMoney(card![item.key], s.currency)}
                  </td>
                ))}
              </tr>
            ))}
          </DataTable>
          <p className="mt-1 text-xs text-stone-600">
            {s.current
              ? `In force since ${formatDay(s.current.effectiveFrom)}.`
              : "No card in force yet."}
            {s.current?.note ? ` ${s.current.note}` : ""}
          </p>
          {s.past.length > 0 ? (
            <details className="mt-1 text-sm">
              <summary className="cursor-pointer text-brand-800 underline">
                Earlier {s.currency} cards ({s.past.length})
              </summary>
              <ul className="mt-2 space-y-1 text-stone-700">
                {s.past.map((c) => (
                  <li key={c.id}>
                    From {formatDay(c.effectiveFrom)}:{" "}
                    {RATE_ITEMS.map(
                      (i) => `${i.label.toLowerCase()} ${formatMoney(c[i.key], s.currency)}`,
                    ).join(" · ")}
                  </li>
                ))}
              </ul>
            </details>
          ) : null}
        </div>
      ))}
    </div>
  );
}

export type TotalsView = {
  currency: string;
  earnedMinor: number;
  paidMinor: number;
  inPayoutMinor: number;
  payableMinor: number;
  pendingMinor: number;
  pendingCount: number;
};

/** Earned = paid + on its way + payable, per currency; pending is shown beside, not added in. */
export function StatementSummary({ totals }: { totals: TotalsView[] }) {
  return (
    <div className="space-y-3">
      {totals.map((t) => (
        <Card key={t.currency}>
          <h3 className="sr-only">Totals in {t.currency}</h3>
          <dl className="grid grid-cols-2 gap-4 sm:grid-cols-5">
            <Figure label="Earned" value={<Money minor={t.earnedMinor} currency={t.currency} />} />
            <Figure label="Paid" value={<Money minor={t.paidMinor} currency={t.currency} />} />
            <Figure
              label="On its way"
              value={<Money minor={t.inPayoutMinor} currency={t.currency} />}
            />
            <Figure
              label="Payable"
              value={<Money minor={t.payableMinor} currency={t.currency} />}
              hint="Approved, in the next payout batch"
            />
            <Figure
              label="Pending"
              value={<Money minor={t.pendingMinor} currency={t.currency} />}
              hint={`${t.pendingCount} item${t.pendingCount === 1 ? "" : "s"} awaiting approval or your answer`}
            />
          </dl>
        </Card>
      ))}
    </div>
  );
}

function Figure({ label, value, hint }: { label: string; value: ReactNode; hint?: string }) {
  return (
    <div>
      <dt className="text-xs font-semibold uppercase tracking-wide text-stone-600">{label}</dt>
      <dd className="mt-1 text-xl font-semibold text-stone-900">{value}</dd>
      {hint ? <dd className="text-xs text-stone-600">{hint}</dd> : null}
    </div>
  );
}

export type StatementItemView = {
  id: number;
  kind: LedgerKind;
  currency: string;
  occurredOn: string;
  description: string;
  amountMinor: number;
  /** The currency's balance after this item. */
  balanceMinor: number;
  status: string | null;
};

/**
 * The ledger's entries for one artist in date order, newest first, each with the balance after
 * it (carried across pages), with "older items" as a keyset link.
 */
export function StatementTable({
  items,
  olderHref,
  actions,
}: {
  items: StatementItemView[];
  olderHref: string | null;
  actions?: (item: StatementItemView) => ReactNode;
}) {
  return (
    <>
      <DataTable
        caption="Statement items by date, newest first, with the balance after each"
        columns={[
          "Date",
          "Item",
          "Amount",
          "Balance",
          "Status",
          ...(actions
            ? [
                <span key="a" className="sr-only">
                  Actions
                </span>,
              ]
            : []),
        ]}
      >
        {items.map((item) => (
          <tr key={item.id} className={rowClass}>
            <td className={`${cellClass} whitespace-nowrap`}>{formatDay(item.occurredOn)}</td>
            <td className={cellClass}>
              <span className="text-xs uppercase tracking-wide text-stone-500">
                {KIND_LABEL[item.kind]}
              </span>
              <br />
              {item.description}
            </td>
            <td
              className={`${cellClass} whitespace-nowrap text-right tabular-nums ${item.amountMinor < 0 ? "text-stone-600" : "font-semibold"}`}
            >
              {formatMoney(item.amountMinor, item.currency)}
            </td>
            <td className={`${cellClass} whitespace-nowrap text-right tabular-nums`}>
              {formatMoney(item.balanceMinor, item.currency)}
            </td>
            <td className={cellClass}>
              {item.status ? <StateBadge of="item" state={item.status} /> : null}
            </td>
            {actions ? <td className={cellClass}>{actions(item)}</td> : null}
          </tr>
        ))}
      </DataTable>
      {olderHref ? (
        <nav aria-label="Statement pages" className="mt-2 flex justify-end text-sm">
          <Link className="text-brand-800 underline" to={olderHref} rel="next" preventScrollReset>
            Older items →
          </Link>
        </nav>
      ) : null}
    </>
  );
}
