import {
  data,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
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
import { listCohorts } from "~/.server/access/cohorts";
import { requireActor } from "~/.server/auth/guards";
import { can } from "~/lib/permissions";
import {
  failure,
  intentAction,
  loadOrRespond,
  pageParam,
  readQuery,
  routeHeaders,
} from "~/.server/http";
import { InvitesPage } from "./invites-page";

export const headers = routeHeaders;

export const meta: MetaFunction = () => [{ title: "Invites · Greenroom" }];

const MAX_CSV_BYTES = 512 * 1024;
const query = z.object({
  state: z.enum(["pending", "accepted", "expired", "revoked"]).optional().catch(undefined),
});

export async function loader({ request, context }: LoaderFunctionArgs) {
  const admin = requireActor(request, context, "invites:manage");
  const { state } = readQuery(request, query);
  const page = pageParam(new URL(request.url));
  const result = await loadOrRespond(() => listInvites(context.db, admin, { state, page }));
  const cohorts = can(admin.role, "people:manage") ? await listCohorts(context.db, admin) : [];
  return { ...result, pageSize: INVITES_PAGE_SIZE, state: state ?? null, page, cohorts };
}

/** The CSV form's refusal keeps its own shape: the rows to fix come back with the message. */
export type CsvFailure = {
  ok: false;
  intent: "csv";
  errors: { form?: string; file?: string };
  rows: CsvRowError[];
};

const csvRefusal = (status: number, file: string, rows: CsvRowError[] = []) =>
  data<CsvFailure>({ ok: false, intent: "csv", errors: { file }, rows }, { status });

const HERE = "/admin/invites";
/** The invitation a resend or revoke form names (a hidden field), as sent. */
const inviteIdOf = (fields: Record<string, unknown>) => String(fields.inviteId ?? "");

const runIntents = intentAction("invites:manage", (intent) => ({
  invite: intent({
    input: inviteInput,
    run: async (input, { db, actor, context, appUrl }) => {
      await inviteOne(db, context.mailer, actor, input, appUrl);
      return { email: input.email };
    },
    then: ({ email }, { flash }) => flash(HERE, `Invitation sent to ${email}.`),
  }),
  csv: intent({
    run: async (_, { fields: { file }, db, actor, context, appUrl }) => {
      if (!(file instanceof File) || file.size === 0)
        return { refused: csvRefusal(400, "Choose a CSV file to upload.") };
      if (file.size > MAX_CSV_BYTES)
        return { refused: csvRefusal(413, "That file is too large: the limit is 512 KB.") };
      const text = await file.text();
      if (text.includes("\u0000"))
        return { refused: csvRefusal(400, "That is not a text CSV file.") };
      const result = await inviteMany(db, context.mailer, actor, text, appUrl);
      if (result.ok) return { created: result.created };
      const n = result.errors.length;
      const fixing = `${n} row${n === 1 ? " needs" : "s need"} fixing`;
      return { refused: csvRefusal(422, `Nothing was sent: ${fixing}.`, result.errors) };
    },
    then: (result, { flash }) =>
      "refused" in result ? result.refused : flash(HERE, `${result.created} invitations sent.`),
  }),
  resend: intent({
    run: (_, { fields, db, actor, context, appUrl }) =>
      resendInvite(db, context.mailer, actor, inviteIdOf(fields), appUrl),
    then: (_, { flash }) =>
      flash(HERE, "A new invitation link was sent; the old one no longer works."),
  }),
  revoke: intent({
    run: (_, { fields, db, actor }) => revokeInvite(db, actor, inviteIdOf(fields)),
    then: (_, { flash }) => flash(HERE, "Invitation revoked."),
  }),
}));

/** A file over the limit is refused from its declared length, before its body is read. */
export async function action(args: ActionFunctionArgs) {
  requireActor(args.request, args.context, "invites:manage");
  const length = Number(args.request.headers.get("content-length") ?? 0);
  if (length > MAX_CSV_BYTES + 16 * 1024)
    return failure(
      { file: "That file is too large: the limit is 512 KB (about 5,000 rows)." },
      413,
    );
  return runIntents(args);
}

export default InvitesPage;
