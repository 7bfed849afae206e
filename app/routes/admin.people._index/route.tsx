import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { z } from "zod";
import { listPeople, PEOPLE_PAGE_SIZE } from "~/.server/access/people";
import { requireActor } from "~/.server/auth/guards";
import { loadOrRespond, pageParam, readQuery, routeHeaders } from "~/.server/http";
import { PeoplePage } from "./people-page";

export const headers = routeHeaders;

export const meta: MetaFunction = () => [{ title: "People · Greenroom" }];

const filterSchema = z.object({
  q: z.string().trim().max(100).optional().catch(undefined),
  role: z.enum(["artist", "reviewer", "admin"]).optional().catch(undefined),
  status: z.enum(["invited", "active", "suspended"]).optional().catch(undefined),
});

export async function loader({ request, context }: LoaderFunctionArgs) {
  const admin = requireActor(request, context, "people:manage");
  const filter = readQuery(request, filterSchema);
  const page = pageParam(new URL(request.url));
  const result = await loadOrRespond(() =>
    listPeople(context.db, admin, { ...filter, q: filter.q || undefined, page }),
  );
  return { ...result, pageSize: PEOPLE_PAGE_SIZE, filter, page };
}

export default PeoplePage;
