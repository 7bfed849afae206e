import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { listPeople, PEOPLE_PAGE_SIZE } from "~/.server/access/people";
import { actingUser, requirePermission } from "~/.server/auth/guards";
import { pageParam } from "~/.server/http";
import { buttonClass } from "~/components/ui/button";
import { Badge, EmptyState, PageHeader, Pagination } from "~/components/ui/misc";
import { StatusBadge } from "~/components/status-badge";

export const meta: MetaFunction = () => [{ title: "People · Greenroom" }];

const filterSchema = z.object({
  q: z.string().trim().max(100).optional().catch(undefined),
  role: z.enum(["artist", "reviewer", "admin"]).optional().catch(undefined),
  status: z.enum(["invited", "active", "suspended"]).optional().catch(undefined),
});

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = requirePermission(request, context, "people:manage");
  const url = new URL(request.url);
  const filter = filterSchema.parse(Object.fromEntries(url.searchParams));
  const page = pageParam(url);
  const result = await listPeople(context.db, actingUser(request, context, user), {
    ...filter,
    q: filter.q || undefined,
    page,
  });
  return { ...result, pageSize: PEOPLE_PAGE_SIZE, filter, page };
}

export default function People() {
  const { people, total, pageSize, filter, page } = useLoaderData<typeof loader>();
  const loading = useNavigation().state === "loading";
  return (
    <>
      <PageHeader
        title="People"
        description="Everyone in the program. Open a person to change their role or trust tier, or to suspend or reactivate them."
        actions={
          <Link to="/admin/invites" className={buttonClass("primary")}>
            Invite people
          </Link>
        }
      />
      <Form
        method="get"
        role="search"
        aria-label="Filter people"
        className="mb-4 flex flex-wrap items-end gap-3 rounded-lg border border-stone-200 bg-white p-4"
      >
        <div className="min-w-56 flex-1">
          <label htmlFor="q" className="block text-sm font-medium">
            Search
          </label>
          <input
            id="q"
            name="q"
            type="search"
            defaultValue={filter.q ?? ""}
            placeholder="Name or email"
            className="mt-1 block w-full rounded-md border border-stone-300 px-3 py-2 text-sm"
          />
        </div>
        <div>
          <label htmlFor="role" className="block text-sm font-medium">
            Role
          </label>
          <select
            id="role"
            name="role"
            defaultValue={filter.role ?? ""}
            className="mt-1 rounded-md border border-stone-300 px-3 py-2 text-sm"
          >
            <option value="">Any role</option>
            <option value="artist">Artist</option>
            <option value="reviewer">Reviewer</option>
            <option value="admin">Admin</option>
          </select>
        </div>
        <div>
          <label htmlFor="status" className="block text-sm font-medium">
            Status
          </label>
          <select
            id="status"
            name="status"
            defaultValue={filter.status ?? ""}
            className="mt-1 rounded-md border border-stone-300 px-3 py-2 text-sm"
          >
            <option value="">Any status</option>
            <option value="active">Active</option>
            <option value="invited">Invited</option>
            <option value="suspended">Suspended</option>
          </select>
        </div>
        <button type="submit" className={buttonClass("secondary")}>
          Apply
        </button>
      </Form>
      <div aria-busy={loading} className={loading ? "opacity-60" : ""}>
        {people.length === 0 ? (
          <EmptyState title="No one matches these filters">
            Try a shorter search or clear the filters.
          </EmptyState>
        ) : (
          <div className="overflow-x-auto rounded-lg border border-stone-200 bg-white">
            <table className="w-full text-left text-sm">
              <caption className="sr-only">People, {total} in all</caption>
              <thead className="border-b border-stone-200 bg-stone-50 text-xs uppercase tracking-wide text-stone-600">
                <tr>
                  <th scope="col" className="px-4 py-3">
                    Name
                  </th>
                  <th scope="col" className="px-4 py-3">
                    Email
                  </th>
                  <th scope="col" className="px-4 py-3">
                    Role
                  </th>
                  <th scope="col" className="px-4 py-3">
                    Tier
                  </th>
                  <th scope="col" className="px-4 py-3">
                    Status
                  </th>
                </tr>
              </thead>
              <tbody>
                {people.map((person) => (
                  <tr
                    key={person.id}
                    className="border-b border-stone-100 last:border-0 hover:bg-stone-50"
                  >
                    <td className="px-4 py-3 font-medium">
                      <Link
                        to={`/admin/people/${person.id}`}
                        className="text-brand-800 underline-offset-2 hover:underline"
                      >
                        {person.displayName || "(not yet named)"}
                      </Link>
                    </td>
                    <td className="px-4 py-3">{person.email}</td>
                    <td className="px-4 py-3 capitalize">{person.role}</td>
                    <td className="px-4 py-3">
                      <Badge tone={person.trustTier === "trusted" ? "blue" : "stone"}>
                        {person.trustTier}
                      </Badge>
                    </td>
                    <td className="px-4 py-3">
                      <StatusBadge status={person.status} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <Pagination page={page} pageSize={pageSize} total={total} label="People" />
      </div>
    </>
  );
}
