import { Link, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { FilterBar, FilterInput, FilterSelect } from "~/components/ui/filters";
import { EmptyState, formatDateTime, PageHeader } from "~/components/ui/misc";
import { DataTable, rowClass } from "~/components/ui/table";
import type { loader } from "./route";

/** Every sensitive action, newest first, filtered and paged by keyset. */
export function AuditPage() {
  const { entries, nextCursor, filter, isFirstPage } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const loading = useNavigation().state === "loading";
  const nextHref = () => {
    const next = new URLSearchParams(params);
    next.set("before", nextCursor ?? "");
    return `?${next.toString()}`;
  };
  const firstHref = () => {
    const next = new URLSearchParams(params);
    next.delete("before");
    return `?${next.toString()}`;
  };
  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every sensitive action, newest first: who did it, what, when, and from which address."
      />
      <FilterBar label="Filter the audit log">
        <FilterInput
          name="action"
          label="Action starts with"
          defaultValue={filter.action}
          placeholder="e.g. user."
        />
        <FilterInput
          name="actor"
          label="Actor"
          defaultValue={filter.actor}
          placeholder="Name or email"
        />
        <FilterInput name="subject" label="Subject id" defaultValue={filter.subject} />
        <FilterSelect
          name="days"
          label="Period"
          anyLabel="All time"
          defaultValue={filter.days}
          options={[
            { value: "1", label: "Last 24 hours" },
            { value: "7", label: "Last 7 days" },
            { value: "30", label: "Last 30 days" },
            { value: "365", label: "Last year" },
          ]}
        />
      </FilterBar>
      <div aria-busy={loading} className={loading ? "opacity-60" : ""}>
        {entries.length === 0 ? (
          <EmptyState title="Nothing recorded matches these filters" />
        ) : (
          <DataTable
            caption="Audit entries"
            columns={["When", "Actor", "Action", "Subject", "Details", "From"]}
          >
            {entries.map((entry) => (
              <tr key={entry.id} className={rowClass}>
                <td className="whitespace-nowrap px-4 py-2 text-stone-600">
                  {formatDateTime(entry.createdAt)}
                </td>
                <td className="px-4 py-2">
                  {entry.actorName || entry.actorEmail || (
                    <span className="text-stone-500">anonymous</span>
                  )}
                </td>
                <td className="px-4 py-2 font-mono text-xs">{entry.action}</td>
                <td className="px-4 py-2 text-xs">
                  {entry.subjectType}
                  {entry.subjectId ? (
                    <Link
                      to={`?subject=${entry.subjectId}`}
                      className="block font-mono text-brand-800 underline"
                    >
                      {entry.subjectId.slice(0, 8)}
                    </Link>
                  ) : null}
                </td>
                <td className="max-w-xs px-4 py-2 font-mono text-xs break-words text-stone-700">
                  <AuditDetails data={entry.data} />
                </td>
                <td className="px-4 py-2 text-xs text-stone-600">
                  {entry.ip ?? "–"}
                  {entry.userAgent ? (
                    <span className="block max-w-40 truncate" title={entry.userAgent}>
                      {entry.userAgent}
                    </span>
                  ) : null}
                </td>
              </tr>
            ))}
          </DataTable>
        )}
        <nav aria-label="Audit log pages" className="mt-4 flex justify-end gap-2 text-sm">
          {!isFirstPage ? (
            <Link
              to={firstHref()}
              className="rounded-md border border-stone-300 bg-white px-3 py-1.5 hover:bg-stone-100"
            >
              Newest
            </Link>
          ) : null}
          {nextCursor ? (
            <Link
              to={nextHref()}
              rel="next"
              className="rounded-md border border-stone-300 bg-white px-3 py-1.5 hover:bg-stone-100"
            >
              Older
            </Link>
          ) : null}
        </nav>
      </div>
    </>
  );
}

/**
 * An entry's data as JSON, except a review decision's checklist, which reads as the reviewer left
 * it: each item held (✓), failed (✗) or not ticked (–).
 */
function AuditDetails({ data }: { data: Record<string, unknown> }) {
  const { checklist, ...rest } = data;
  const items = Array.isArray(checklist)
    ? (checklist as { item?: unknown; checked?: unknown; failed?: unknown }[])
    : null;
  if (!items) return <>{Object.keys(data).length ? JSON.stringify(data) : "–"}</>;
  return (
    <>
      {Object.keys(rest).length ? JSON.stringify(rest) : null}
      <ul aria-label="Checklist" className="mt-1 font-sans">
        {items.map((entry, i) => (
          <li key={i}>
            <span aria-hidden="true">{entry.checked ? "✓" : entry.failed ? "✗" : "–"} </span>
            {String(entry.item)}
            <span className="sr-only">
              : {entry.checked ? "holds" : entry.failed ? "failed" : "not ticked"}
            </span>
          </li>
        ))}
      </ul>
    </>
  );
}
