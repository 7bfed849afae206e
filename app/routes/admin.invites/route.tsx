import {
  data,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import {
  inviteInput,
  inviteMany,
  inviteOne,
  INVITES_PAGE_SIZE,
  listInvites,
  resendInvite,
  revokeInvite,
  type CsvRowError,
} from "~/.server/access/invites";
import { actingUser, requirePermission } from "~/.server/auth/guards";
import { redirectWithFlash } from "~/.server/flash";
import {
  failure,
  pageParam,
  parseWith,
  userErrorToResponse,
  readForm,
  routeHeaders,
} from "~/.server/http";
import { StatusBadge } from "~/components/status-badge";
import { Button } from "~/components/ui/button";
import { ConfirmDialog } from "~/components/ui/confirm-dialog";
import { FormError, SelectField, TextField } from "~/components/ui/field";
import { FilterTabs } from "~/components/ui/filters";
import { Card, EmptyState, formatDateTime, PageHeader, Pagination } from "~/components/ui/misc";
import { cellClass, DataTable, rowClass } from "~/components/ui/table";

export const headers = routeHeaders;

export const meta: MetaFunction = () => [{ title: "Invites · Greenroom" }];

const MAX_CSV_BYTES = 512 * 1024;
const stateFilter = z
  .enum(["pending", "accepted", "expired", "revoked"])
  .optional()
  .catch(undefined);

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = requirePermission(request, context, "invites:manage");
  const url = new URL(request.url);
  const state = stateFilter.parse(url.searchParams.get("state") || undefined);
  const page = pageParam(url);
  const result = await listInvites(context.db, actingUser(request, context, user), { state, page });
  return { ...result, pageSize: INVITES_PAGE_SIZE, state: state ?? null, page };
}

type CsvFailure = {
  ok: false;
  intent: "csv";
  errors: { form?: string; file?: string };
  rows: CsvRowError[];
};

export async function action({ request, context }: ActionFunctionArgs) {
  const user = requirePermission(request, context, "invites:manage");
  const by = actingUser(request, context, user);
  const length = Number(request.headers.get("content-length") ?? 0);
  if (length > MAX_CSV_BYTES + 16 * 1024) {
    return failure(
      { file: "That file is too large: the limit is 512 KB (about 5,000 rows)." },
      413,
    );
  }
  const input = await readForm(request);
  if (!input.ok) return input.response;
  const form = input.form;
  const intent = form.get("intent");
  const appUrl = context.env.APP_URL;
  try {
    if (intent === "invite") {
      const parsed = parseWith(inviteInput, Object.fromEntries(form));
      if (!parsed.ok) return parsed.response;
      await inviteOne(context.db, context.mailer, by, parsed.data, appUrl);
      return redirectWithFlash(context, "/admin/invites", {
        kind: "success",
        message: `Invitation sent to ${parsed.data.email}.`,
      });
    }
    if (intent === "csv") {
      const file = form.get("file");
      if (!(file instanceof File) || file.size === 0) {
        return data<CsvFailure>(
          { ok: false, intent: "csv", errors: { file: "Choose a CSV file to upload." }, rows: [] },
          { status: 400 },
        );
      }
      if (file.size > MAX_CSV_BYTES) {
        return data<CsvFailure>(
          {
            ok: false,
            intent: "csv",
            errors: { file: "That file is too large: the limit is 512 KB." },
            rows: [],
          },
          { status: 413 },
        );
      }
      const text = await file.text();
      if (text.includes("\u0000")) {
        return data<CsvFailure>(
          { ok: false, intent: "csv", errors: { file: "That is not a text CSV file." }, rows: [] },
          { status: 400 },
        );
      }
      const result = await inviteMany(context.db, context.mailer, by, text, appUrl);
      if (!result.ok) {
        return data<CsvFailure>(
          {
            ok: false,
            intent: "csv",
            errors: {
              file: `Nothing was sent: ${result.errors.length} row${result.errors.length === 1 ? " needs" : "s need"} fixing.`,
            },
            rows: result.errors,
          },
          { status: 422 },
        );
      }
      return redirectWithFlash(context, "/admin/invites", {
        kind: "success",
        message: `${result.created} invitations sent.`,
      });
    }
    const inviteId = String(form.get("inviteId") ?? "");
    if (intent === "resend") {
      await resendInvite(context.db, context.mailer, by, inviteId, appUrl);
      return redirectWithFlash(context, "/admin/invites", {
        kind: "success",
        message: "A new invitation link was sent; the old one no longer works.",
      });
    }
    if (intent === "revoke") {
      await revokeInvite(context.db, by, inviteId);
      return redirectWithFlash(context, "/admin/invites", {
        kind: "success",
        message: "Invitation revoked.",
      });
    }
    return failure({ form: "Unknown action." }, 400);
  } catch (error) {
    return userErrorToResponse(error);
  }
}

export default function Invites() {
  const { invites, total, pageSize, state, page } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const busyIntent = navigation.state === "submitting" ? navigation.formData?.get("intent") : null;
  const errors: Record<string, string | undefined> =
    actionData && !actionData.ok ? actionData.errors : {};
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
