import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { FilterTabs } from "~/components/ui/filters";
import { EmptyState, PageHeader } from "~/components/ui/misc";
import { REQUEST_STATES, type RequestState } from "~/lib/rights";
import { RequestCard } from "./request-card";
import type { loader } from "./route";

const STATE_LABELS: Record<RequestState, string> = {
  pending: "Waiting",
  granted: "Granted",
  denied: "Denied",
};

/** The rights queue: requests in one state, each with the forms that answer it. */
export function AdminRights() {
  const { items, counts, filters, nextCursor } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const nextHref = () => {
    const next = new URLSearchParams(params);
    next.set("after", nextCursor!);
    return `?${next.toString()}`;
  };
  return (
    <>
      <PageHeader
        title="Rights requests"
        description="Grant (the terms may be narrowed), deny with a reason, or revoke a license with a reason. The artist is told each time."
      />
      <div className="mb-4">
        <FilterTabs
          label="Requests by state"
          param="state"
          values={REQUEST_STATES}
          labels={STATE_LABELS}
          counts={counts}
          // The queue always shows one state: waiting ones by default.
          allLabel={null}
          current={filters.state}
        />
      </div>
      {items.length === 0 ? (
        <EmptyState title={filters.state === "pending" ? "Nothing is waiting" : "None yet"}>
          {filters.state === "pending"
            ? "Every rights request has an answer."
            : "Requests appear here once decided."}
        </EmptyState>
      ) : (
        <ul className="space-y-4">
          {items.map((item) => (
            <li key={item.request.id}>
              <RequestCard item={item} />
            </li>
          ))}
        </ul>
      )}
      {nextCursor ? (
        <nav aria-label="Request pages" className="mt-4 flex justify-end text-sm">
          <Link className="text-brand-800 underline" to={nextHref()} rel="next">
            Next page →
          </Link>
        </nav>
      ) : null}
    </>
  );
}
