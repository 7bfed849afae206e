import { Link, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { buttonClass } from "~/components/ui/button";
import { FilterBar, FilterInput } from "~/components/ui/filters";
import { EmptyState, formatDateTime, PageHeader } from "~/components/ui/misc";
import { DataTable, rowClass } from "~/components/ui/table";
import { auditDetails, humanAction } from "~/lib/audit";
import type { loader } from "./route";

type Entry = ReturnType<typeof useLoaderData<typeof loader>>["entries"][number];

/** Every sensitive action, newest first, filtered and paged by keyset. */
export function AuditPage() {
  const { entries, nextCursor, filter, errors, isFirstPage } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const loading = useNavigation().state === "loading";
  const withParams = (change: (next: URLSearchParams) => void) => {
    const next = new URLSearchParams(params);
    change(next);
    return `?${next.toString()}`;
  };
  const exportParams = new URLSearchParams(params);
  exportParams.delete("before");
  const errorOf = errors as Partial<Record<string, string>>;
  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every sensitive action, newest first: who did it, to what, when, and from which address. Times are in your time zone; the CSV export keeps UTC."
        actions={
          <a
            href={`/admin/audit.csv?${exportParams.toString()}`}
            className={buttonClass("secondary", "min-h-11")}
            download
          >
            Export these entries (CSV)
          </a>
        }
      />
      <FilterBar label="Filter the audit log">
        <FilterInput
          name="actor"
          label="Person"
          defaultValue={filter.actor}
          placeholder="Name, email or System"
          error={errorOf.actor}
        />
        <FilterInput
          name="subject"
          label="Subject"
          defaultValue={filter.subject}
          placeholder="Name, title or short id"
          error={errorOf.subject}
        />
        <FilterInput
          name="action"
          label="Action starts with"
          defaultValue={filter.action}
          placeholder="e.g. user."
          error={errorOf.action}
        />
        <FilterInput
          name="from"
          type="date"
          label="From (UTC day)"
          defaultValue={filter.from}
          error={errorOf.from}
        />
        <FilterInput
          name="to"
          type="date"
          label="To (UTC day)"
          defaultValue={filter.to}
          error={errorOf.to}
        />
      </FilterBar>
      <div aria-busy={loading} className={loading ? "opacity-60" : ""}>
        {entries.length === 0 ? (
          <EmptyState title="Nothing recorded matches these filters">
            <Link to="/admin/audit" className="text-brand-800 underline">
              Show every entry
            </Link>
          </EmptyState>
        ) : (
          <>
            <div className="hidden lg:block">
              <DataTable
                caption="Audit entries"
                columns={["When", "Who", "Action", "Subject", "Details", "From"]}
              >
                {entries.map((entry) => (
                  <tr key={entry.id} className={rowClass}>
                    <td className="whitespace-nowrap px-4 py-2 text-stone-600">
                      {formatDateTime(entry.createdAt)}
                    </td>
                    <td className="px-4 py-2">
                      <Actor entry={entry} />
                    </td>
                    <td className="px-4 py-2">
                      <Action action={entry.action} />
                    </td>
                    <td className="px-4 py-2 text-xs">
                      <Subject entry={entry} />
                    </td>
                    <td className="max-w-xs px-4 py-2 text-xs text-stone-700">
                      <AuditDetails data={entry.data} />
                    </td>
                    <td className="px-4 py-2 text-xs text-stone-600">
                      <Origin entry={entry} />
                    </td>
                  </tr>
                ))}
              </DataTable>
            </div>
            {/* Phones and narrow windows: one card per entry instead of a six-column table. */}
            <ol aria-label="Audit entries" className="space-y-3 lg:hidden">
              {entries.map((entry) => (
                <li
                  key={entry.id}
                  className="rounded-lg border border-stone-200 bg-white p-4 text-sm shadow-sm"
                >
                  <div className="flex flex-wrap items-baseline justify-between gap-2">
                    <Action action={entry.action} />
                    <span className="text-xs text-stone-600">
                      {formatDateTime(entry.createdAt)}
                    </span>
                  </div>
                  <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-xs">
                    <dt className="text-stone-600">Who</dt>
                    <dd>
                      <Actor entry={entry} />
                    </dd>
                    <dt className="text-stone-600">Subject</dt>
                    <dd>
                      <Subject entry={entry} />
                    </dd>
                    <dt className="text-stone-600">From</dt>
                    <dd>
                      <Origin entry={entry} />
                    </dd>
                  </dl>
                  <div className="mt-2 text-xs text-stone-700">
                    <AuditDetails data={entry.data} />
                  </div>
                </li>
              ))}
            </ol>
          </>
        )}
        <nav aria-label="Audit log pages" className="mt-4 flex justify-end gap-2 text-sm">
          {!isFirstPage ? (
            <Link
              to={withParams((next) => next.delete("before"))}
              className={buttonClass("secondary", "min-h-11")}
            >
              Newest
            </Link>
          ) : null}
          {nextCursor ? (
            <Link
              to={withParams((next) => next.set("before", nextCursor))}
              rel="next"
              className={buttonClass("secondary", "min-h-11")}
            >
              Older
            </Link>
          ) : null}
        </nav>
      </div>
    </>
  );
}

function Actor({ entry }: { entry: Entry }) {
  if (!entry.actorId) return <span className="font-medium text-stone-700">System</span>;
  return (
    <span>
      <span className="font-medium">{entry.actorLabel}</span>
      {entry.actorEmail && entry.actorEmail !== entry.actorLabel ? (
        <span className="block text-xs text-stone-600">{entry.actorEmail}</span>
      ) : null}
    </span>
  );
}

function Action({ action }: { action: string }) {
  return (
    <span>
      <span className="font-medium">{humanAction(action)}</span>
      <code className="block text-xs text-stone-600">{action}</code>
    </span>
  );
}

function Subject({ entry }: { entry: Entry }) {
  const shortId = entry.subjectId?.slice(0, 8);
  return (
    <span>
      <span className="text-stone-600">{entry.subjectType.replace(/_/g, " ")}</span>
      {entry.subjectName ? <span className="block font-medium">{entry.subjectName}</span> : null}
      {entry.subjectId ? (
        <Link
          to={`?subject=${encodeURIComponent(shortId!)}`}
          title={`Every entry about ${entry.subjectId}`}
          className="block font-mono text-brand-800 underline"
        >
          {shortId}
        </Link>
      ) : null}
    </span>
  );
}

function Origin({ entry }: { entry: Entry }) {
  return (
    <>
      {entry.ip ?? "–"}
      {entry.userAgent ? (
        <span className="block max-w-40 truncate" title={entry.userAgent}>
          {entry.userAgent}
        </span>
      ) : null}
    </>
  );
}

/**
 * An entry's data as labelled values, except a review decision's checklist, which reads as the
 * reviewer left it: each item held (✓), failed (✗) or not ticked (–).
 */
function AuditDetails({ data }: { data: Record<string, unknown> }) {
  const { checklist, ...rest } = data;
  const items = Array.isArray(checklist)
    ? (checklist as { item?: unknown; checked?: unknown; failed?: unknown }[])
    : null;
  const details = auditDetails(items ? rest : data);
  if (!details.length && !items) return <>–</>;
  return (
    <>
      {details.length ? (
        <dl className="space-y-0.5">
          {details.map((d) => (
            <div key={d.label}>
              <dt className="inline font-medium text-stone-800">{d.label}: </dt>
              <dd className="inline">{d.value}</dd>
            </div>
          ))}
        </dl>
      ) : null}
      {items ? (
        <ul aria-label="Checklist" className="mt-1">
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
      ) : null}
    </>
  );
}
