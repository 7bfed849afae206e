import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { z } from "zod";
import { requireActor } from "~/.server/auth/guards";
import { intentAction, loadOrRespond, readQuery, routeHeaders } from "~/.server/http";
import {
  denyRequest,
  grantInput,
  grantRequest,
  reasonInput,
  revokeLicense,
} from "~/.server/rights/requests";
import { listRightsQueue } from "~/.server/rights/views";
import { REQUEST_STATES } from "~/lib/rights";
import { itemInput } from "~/lib/validation";
import { AdminRights } from "./rights-queue-page";

export const headers = routeHeaders;

export const meta: MetaFunction = () => [{ title: "Rights · Admin · Greenroom" }];

const querySchema = z.object({
  state: z.enum(REQUEST_STATES).catch("pending"),
  after: z.string().optional(),
});

export async function loader({ request, context }: LoaderFunctionArgs) {
  const admin = requireActor(request, context, "rights:manage");
  const filters = readQuery(request, querySchema);
  return loadOrRespond(async () => ({
    ...(await listRightsQueue(context.db, admin, filters)),
    filters,
  }));
}

/** Back to the queue as it was filtered. */
const back = (request: Request) => `/admin/rights${new URL(request.url).search}`;

/** Every form is about one request or license: a refusal shows on its card. */
const onCard = (fields: Record<string, unknown>) => ({ id: String(fields.id ?? "") });

/** The grant form's terms; asked for perpetual use and no end set, it grants perpetual use. */
const grantForm = z.preprocess((value) => {
  const fields = { ...(value as Record<string, unknown>) };
  if (!fields.termEnd && fields.perpetualIfEmpty) fields.perpetual = "on";
  return fields;
}, grantInput);

const withReason = itemInput.extend({ reason: reasonInput });

export const action = intentAction("rights:manage", (intent) => ({
  grant: intent({
    input: grantForm,
    lists: ["platforms", "countries"],
    at: onCard,
    run: (terms, { db, actor, fields, appUrl }) =>
      grantRequest(db, actor, String(fields.id ?? ""), terms, { appUrl }),
    then: ({ license }, { flash, request }) =>
      flash(back(request), `Granted: license ${license.code}.`),
  }),
  deny: intent({
    input: withReason,
    at: onCard,
    run: ({ id, reason }, { db, actor, appUrl }) => denyRequest(db, actor, id, reason, { appUrl }),
    then: (_, { flash, request }) => flash(back(request), "Denied. The artist has the reason."),
  }),
  revoke: intent({
    input: withReason,
    at: onCard,
    run: ({ id, reason }, { db, actor, appUrl }) =>
      revokeLicense(db, actor, id, reason, { appUrl }),
    then: ({ license }, { flash, request }) =>
      flash(back(request), `License ${license.code} revoked.`),
  }),
}));

export default AdminRights;
