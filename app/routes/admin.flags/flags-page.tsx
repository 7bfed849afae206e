import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { FilterTabs } from "~/components/ui/filters";
import { EmptyState, PageHeader } from "~/components/ui/misc";
import { FLAG_STATES, type FlagState } from "~/lib/oversight";
import { FlagCard } from "./flag-card";
import type { loader } from "./route";

const STATE_LABELS: Record<FlagState, string> = {
  open: "Open",
  dismissed: "Dismissed",
  actioned: "Acted on",
};

/** The anomaly flags of one state, newest first, each with its evidence and its decisions. */
export function FlagsPage() {
  const { flags, counts, filters, nextCursor, thresholds, autoSuspend, me } =
    useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const nextHref = () => {
    const next = new URLSearchParams(params);
    next.set("after", nextCursor!);
    return `?${next.toString()}`;
  };
  return (
    <>
      <PageHeader
        title="Anomaly flags"
        description={
          <>
            Accounts used from more than {thresholds.maxAddressesPerHour} addresses or{" "}
            {thresholds.maxAgentsPerHour} browsers in an hour, signing in from more than{" "}
            {thresholds.maxSignInAddresses} addresses, or generating {thresholds.volumeFactor}×
            their usual volume. Checked every 5 minutes. Automatic suspension of strong flags is{" "}
            <strong>{autoSuspend ? "on" : "off"}</strong>.
          </>
        }
      />
      <div className="mb-4">
        <FilterTabs
          label="Flags by state"
          param="state"
          values={FLAG_STATES}
          labels={STATE_LABELS}
          counts={counts}
          allLabel={null}
          current={filters.state}
        />
      </div>
      {flags.length === 0 ? (
        <EmptyState
          title={
            filters.state === "open"
              ? "No open flags"
              : `No ${STATE_LABELS[filters.state].toLowerCase()} flags`
          }
        >
          {filters.state === "open"
            ? "Every account looks like one person using it. New flags appear here within minutes."
            : "Flags appear here once an admin (or the automatic suspension) has decided them."}
        </EmptyState>
      ) : (
        <ul className="space-y-4">
          {flags.map((item) => (
            <li key={item.flag.id}>
              <FlagCard item={item} me={me} />
            </li>
          ))}
        </ul>
      )}
      {nextCursor ? (
        <nav aria-label="Flag pages" className="mt-4 flex justify-end text-sm">
          <Link className="text-brand-800 underline" to={nextHref()} rel="next">
            Next page →
          </Link>
        </nav>
      ) : null}
    </>
  );
}
