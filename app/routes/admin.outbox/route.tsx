import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { z } from "zod";
import { requireActor } from "~/.server/auth/guards";
import { loadOrRespond, pageParam, readQuery, routeHeaders } from "~/.server/http";
import { listOutbox, OUTBOX_PAGE_SIZE } from "~/.server/mail/outbox";
import { OutboxPage } from "./outbox-page";

export const headers = routeHeaders;

export const meta: MetaFunction = () => [{ title: "Outbox · Greenroom" }];

const query = z.object({
  status: z.enum(["queued", "sent", "failed"]).optional().catch(undefined),
});

export async function loader({ request, context }: LoaderFunctionArgs) {
  const admin = requireActor(request, context, "outbox:read");
  const { status } = readQuery(request, query);
  const page = pageParam(new URL(request.url));
  const result = await loadOrRespond(() => listOutbox(context.db, admin, { status, page }));
  return {
    ...result,
    pageSize: OUTBOX_PAGE_SIZE,
    status: status ?? null,
    page,
    provider: context.mailer.resend ? "Resend" : null,
  };
}

export default OutboxPage;
