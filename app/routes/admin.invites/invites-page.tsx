import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { StatusBadge } from "~/components/status-badge";
import { Button } from "~/components/ui/button";
import { ConfirmDialog } from "~/components/ui/confirm-dialog";
import { FormError, SelectField, TextField } from "~/components/ui/field";
import { FilterTabs } from "~/components/ui/filters";
import { Card, EmptyState, formatDateTime, PageHeader, Pagination } from "~/components/ui/misc";
import { cellClass, DataTable, rowClass } from "~/components/ui/table";
import { useIntentErrors } from "~/components/use-intent-errors";
import type { CsvFailure, loader } from "./route";

/** The two ways to invite (one person, or many from a CSV) above every invitation and its state. */
export function InvitesPage() {
  const { invites, total, pageSize, state, page, cohorts } = useLoaderData<typeof loader>();
  const actionData = useActionData<CsvFailure>();
  const navigation = useNavigation();
  const busyIntent = navigation.state === "submitting" ? navigation.formData?.get("intent") : null;
  const errors: Record<string, string | undefined> = useIntentErrors();
  const csvRows = actionData && "rows" in actionData ? actionData.rows : [];
  return (
    <>
      <PageHeader
        title="Invites"
        description="Greenroom is invitation only. Each link works once, for one person's address, and expires after 7 days."
      />
      <FormError message={errors.form} />
      <div className="mt-4 grid gap-6 lg:grid-cols-2">
        <Card>
          <h2 className="text-lg font-semibold">Invite one person</h2>
          <Form method="post" className="mt-4 space-y-4" noValidate>
            <input type="hidden" name="intent" value="invite" />
            <TextField
              label="Email"
              name="email"
              type="email"
              required
              autoComplete="off"
              error={errors.email}
            />
            <TextField
              label="Name (optional)"
              name="displayName"
              maxLength={80}
              error={errors.displayName}
              hint="They can change it when they accept."
            />
            <SelectField
              label="Role"
              name="role"
              defaultValue="artist"
              error={errors.role}
              options={[
                { value: "artist", label: "Artist" },
                { value: "reviewer", label: "Reviewer" },
                { value: "admin", label: "Admin" },
              ]}
            />
            <SelectField
              label="Cohort (artists)"
              name="cohortId"
              defaultValue=""
              error={errors.cohortId}
              hint="An artist invited into a cohort gets its generation access the moment they join."
              options={[
                { value: "", label: "No cohort: set their access by hand" },
                ...cohorts.map((c) => ({
                  value: c.id,
                  label: `${c.name} · ${c.monthlyQuotaSeconds} s a month, up to ${c.maxDurationSeconds} s at ${c.maxResolution}`,
                })),
              ]}
            />
            <Button type="submit" busy={busyIntent === "invite"}>
              {busyIntent === "invite" ? "Sending…" : "Send invitation"}
            </Button>
          </Form>
        </Card>
        <Card>
          <h2 className="text-lg font-semibold">Invite many from a CSV</h2>
          <p className="mt-1 text-sm text-stone-600">
            A header line with <code>email</code>, and optionally <code>role</code> (artist,
            reviewer or admin; artist when empty) and <code>name</code>. Every row is checked first:
            if any row has a problem, nothing is sent.
          </p>
          <Form method="post" encType="multipart/form-data" className="mt-4 space-y-4">
            <input type="hidden" name="intent" value="csv" />
            <TextField
              label="CSV file"
              name="file"
              type="file"
              accept=".csv,text/csv"
              required
              error={errors.file}
            />
            <Button type="submit" variant="secondary" busy={busyIntent === "csv"}>
              {busyIntent === "csv" ? "Checking…" : "Upload and send"}
            </Button>
          </Form>
          {csvRows.length > 0 ? (
            <table className="mt-4 w-full text-left text-sm">
              <caption className="mb-1 text-left font-semibold text-red-800">Rows to fix</caption>
              <thead className="text-xs uppercase text-stone-600">
                <tr>
                  <th scope="col" className="py-1">
                    Line
                  </th>
                  <th scope="col" className="py-1">
                    Email
                  </th>
                  <th scope="col" className="py-1">
                    Problem
                  </th>
                </tr>
              </thead>
              <tbody>
                {csvRows.map((row) => (
                  <tr key={`${row.line}-${row.email}`} className="border-t border-stone-100">
                    <td className="py-1 pr-2">{row.line || "–"}</td>
                    <td className="py-1 pr-2">{row.email || "–"}</td>
                    <td className="py-1 text-red-800">{row.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
        </Card>
      </div>

      <section className="mt-8" aria-labelledby="invites-heading">
        <div className="mb-3 flex flex-wrap items-center justify-between gap-3">
          <h2 id="invites-heading" className="text-lg font-semibold">
            Invitations
          </h2>
          <FilterTabs
            label="Filter invitations"
            param="state"
            values={["pending", "accepted", "expired", "revoked"]}
            current={state}
          />
        </div>
        {invites.length === 0 ? (
          <EmptyState title={state ? `No ${state} invitations` : "No invitations yet"}>
            Invite someone with the form above.
          </EmptyState>
        ) : (
          <DataTable
            caption={`Invitations, ${total} in all`}
            columns={[
              "Email",
              "Role",
              "Status",
              "Sent",
              "Expires",
              <span key="actions" className="sr-only">
                Actions
              </span>,
            ]}
          >
            {invites.map((invite) => (
              <tr key={invite.id} className={rowClass}>
                <td className={`${cellClass} font-medium`}>{invite.email}</td>
                <td className={`${cellClass} capitalize`}>{invite.role}</td>
                <td className={cellClass}>
                  <StatusBadge status={invite.state} />
                </td>
                <td className={`${cellClass} text-stone-600`}>
                  {formatDateTime(invite.createdAt)}
                  {invite.invitedByName ? (
                    <span className="block text-xs">by {invite.invitedByName}</span>
                  ) : null}
                </td>
                <td className={`${cellClass} text-stone-600`}>
                  {formatDateTime(invite.expiresAt)}
                </td>
                <td className={cellClass}>
                  {invite.state !== "accepted" ? (
                    <div className="flex justify-end gap-2">
                      <Form method="post">
                        <input type="hidden" name="intent" value="resend" />
                        <input type="hidden" name="inviteId" value={invite.id} />
                        <Button
                          type="submit"
                          variant="secondary"
                          className="px-3 py-1"
                          aria-label={`Resend the invitation to ${invite.email}`}
                        >
                          Resend
                        </Button>
                      </Form>
                      {invite.state === "pending" ? (
                        <ConfirmDialog
                          trigger="Revoke…"
                          title={`Revoke the invitation to ${invite.email}?`}
                        >
                          {(close) => (
                            <Form method="post" className="space-y-4">
                              <input type="hidden" name="intent" value="revoke" />
                              <input type="hidden" name="inviteId" value={invite.id} />
                              <p className="text-sm text-stone-700">
                                The link stops working at once. You can send a new one later.
                              </p>
                              <div className="flex justify-end gap-2">
                                <Button type="button" variant="secondary" onClick={close}>
                                  Cancel
                                </Button>
                                <Button type="submit" variant="danger">
                                  Revoke
                                </Button>
                              </div>
                            </Form>
                          )}
                        </ConfirmDialog>
                      ) : null}
                    </div>
                  ) : null}
                </td>
              </tr>
            ))}
          </DataTable>
        )}
        <Pagination page={page} pageSize={pageSize} total={total} label="Invitations" />
      </section>
    </>
  );
}
