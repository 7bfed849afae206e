import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { listPeople, PEOPLE_PAGE_SIZE } from "~/.server/access/people";
import { actingUser, requirePermission } from "~/.server/auth/guards";
import { pageParam, routeHeaders } from "~/.server/http";
import { buttonClass } from "~/components/ui/button";
import { FilterBar, FilterInput, FilterSelect } from "~/components/ui/filters";
import { cellClass, DataTable, rowClass } from "~/components/ui/table";
import { Badge, EmptyState, PageHeader, Pagination } from "~/components/ui/misc";
import { StatusBadge } from "~/components/status-badge";

export const headers = routeHeaders;

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
      <FilterBar label="Filter people">
        <FilterInput
          name="q"
          label="Search"
          type="search"
          wide
          defaultValue={filter.q}
          placeholder="Name or email"
        />
        <FilterSelect
          name="role"
          label="Role"
          anyLabel="Any role"
          defaultValue={filter.role}
          options={[
            { value: "artist", label: "Artist" },
            { value: "reviewer", label: "Reviewer" },
            { value: "admin", label: "Admin" },
          ]}
        />
        <FilterSelect
          name="status"
          label="Status"
          anyLabel="Any status"
          defaultValue={filter.status}
          options={[
            { value: "active", label: "Active" },
            { value: "invited", label: "Invited" },
            { value: "suspended", label: "Suspended" },
          ]}
        />
      </FilterBar>
      <div aria-busy={loading} className={loading ? "opacity-60" : ""}>
        {people.length === 0 ? (
          <EmptyState title="No one matches these filters">
            Try a shorter search or clear the filters.
          </EmptyState>
        ) : (
          <DataTable
            caption={`People, ${total} in all`}
            columns={["Name", "Email", "Role", "Tier", "Status"]}
          >
            {people.map((person) => (
              <tr key={person.id} className={`${rowClass} hover:bg-stone-50`}>
                <td className={`${cellClass} font-medium`}>
                  <Link
                    to={`/admin/people/${person.id}`}
                    className="text-brand-800 underline-offset-2 hover:underline"
                  >
                    {person.displayName || "(not yet named)"}
                  </Link>
                </td>
                <td className={cellClass}>{person.email}</td>
                <td className={`${cellClass} capitalize`}>{person.role}</td>
                <td className={cellClass}>
                  <Badge tone={person.trustTier === "trusted" ? "blue" : "stone"}>
                    {person.trustTier}
                  </Badge>
                </td>
                <td className={cellClass}>
                  <StatusBadge status={person.status} />
                </td>
              </tr>
            ))}
          </DataTable>
        )}
        <Pagination page={page} pageSize={pageSize} total={total} label="People" />
      </div>
    </>
  );
}
