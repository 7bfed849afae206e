import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { actingUser, requirePermission } from "~/.server/auth/guards";
import { decodeCursor, listAudit } from "~/.server/audit/queries";
import { buttonClass } from "~/components/ui/button";
import { EmptyState, formatDateTime, PageHeader } from "~/components/ui/misc";

export const meta: MetaFunction = () => [{ title: "Audit log · Greenroom" }];

const filterSchema = z.object({
  action: z.string().trim().max(80).optional().catch(undefined),
  actor: z.string().trim().max(120).optional().catch(undefined),
  subject: z.string().trim().max(80).optional().catch(undefined),
  days: z.enum(["1", "7", "30", "365"]).optional().catch(undefined),
});

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = requirePermission(request, context, "audit:read");
  const url = new URL(request.url);
  const filter = filterSchema.parse(Object.fromEntries(url.searchParams));
  const since = filter.days ? new Date(Date.now() - Number(filter.days) * 86400_000) : undefined;
  const result = await listAudit(context.db, actingUser(request, context, user), {
    action: filter.action || undefined,
    actor: filter.actor || undefined,
    subject: filter.subject || undefined,
    since,
    before: decodeCursor(url.searchParams.get("before")),
  });
  return { ...result, filter, isFirstPage: !url.searchParams.get("before") };
}

export default function Audit() {
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
      <Form
        method="get"
        role="search"
        aria-label="Filter the audit log"
        className="mb-4 grid gap-3 rounded-lg border border-stone-200 bg-white p-4 sm:grid-cols-5 sm:items-end"
      >
        <div>
          <label htmlFor="action" className="block text-sm font-medium">
            Action starts with
          </label>
          <input
            id="action"
            name="action"
            defaultValue={filter.action ?? ""}
            placeholder="e.g. user."
            className="mt-1 block w-full rounded-md border border-stone-300 px-3 py-2 text-sm"
          />
        </div>
        <div>
          <label htmlFor="actor" className="block text-sm font-medium">
            Actor
          </label>
          <input
            id="actor"
            name="actor"
            defaultValue={filter.actor ?? ""}
            placeholder="Name or email"
            className="mt-1 block w-full rounded-md border border-stone-300 px-3 py-2 text-sm"
          />
        </div>
        <div>
          <label htmlFor="subject" className="block text-sm font-medium">
            Subject id
          </label>
          <input
            id="subject"
            name="subject"
            defaultValue={filter.subject ?? ""}
            className="mt-1 block w-full rounded-md border border-stone-300 px-3 py-2 text-sm"
          />
        </div>
        <div>
          <label htmlFor="days" className="block text-sm font-medium">
            Period
          </label>
          <select
            id="days"
            name="days"
            defaultValue={filter.days ?? ""}
            className="mt-1 block w-full rounded-md border border-stone-300 px-3 py-2 text-sm"
          >
            <option value="">All time</option>
            <option value="1">Last 24 hours</option>
            <option value="7">Last 7 days</option>
            <option value="30">Last 30 days</option>
            <option value="365">Last year</option>
          </select>
        </div>
        <button type="submit" className={buttonClass("secondary")}>
          Apply
        </button>
      </Form>
      <div aria-busy={loading} className={loading ? "opacity-60" : ""}>
        {entries.length === 0 ? (
          <EmptyState title="Nothing recorded matches these filters" />
        ) : (
          <div className="overflow-x-auto rounded-lg border border-stone-200 bg-white">
            <table className="w-full text-left text-sm">
              <caption className="sr-only">Audit entries</caption>
              <thead className="border-b border-stone-200 bg-stone-50 text-xs uppercase tracking-wide text-stone-600">
                <tr>
                  <th scope="col" className="px-4 py-3">
                    When
                  </th>
                  <th scope="col" className="px-4 py-3">
                    Actor
                  </th>
                  <th scope="col" className="px-4 py-3">
                    Action
                  </th>
                  <th scope="col" className="px-4 py-3">
                    Subject
                  </th>
                  <th scope="col" className="px-4 py-3">
                    Details
                  </th>
                  <th scope="col" className="px-4 py-3">
                    From
                  </th>
                </tr>
              </thead>
              <tbody>
                {entries.map((entry) => (
                  <tr key={entry.id} className="border-b border-stone-100 align-top last:border-0">
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
                      {Object.keys(entry.data).length ? JSON.stringify(entry.data) : "–"}
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
              </tbody>
            </table>
          </div>
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
