import { Link, useLoaderData, useNavigation } from "@remix-run/react";
import { StatusBadge } from "~/components/status-badge";
import { buttonClass } from "~/components/ui/button";
import { FilterBar, FilterInput, FilterSelect } from "~/components/ui/filters";
import { Badge, EmptyState, PageHeader, Pagination } from "~/components/ui/misc";
import { cellClass, DataTable, rowClass } from "~/components/ui/table";
import type { loader } from "./route";

/** Everyone in the program, searchable and filtered by role and status, a page at a time. */
export function PeoplePage() {
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
