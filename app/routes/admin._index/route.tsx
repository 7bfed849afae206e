import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { requireActor } from "~/.server/auth/guards";
import { loadOrRespond, routeHeaders } from "~/.server/http";
import { deliveredByModel } from "~/.server/generation/catalog";
import { todayUtc } from "~/.server/money/dates";
import { defaultRange, loadDashboardCached, rangeInput } from "~/.server/oversight/dashboard";
import { plainErrors } from "~/lib/validation";
import { DashboardPage } from "./dashboard-page";

export const headers = routeHeaders;

export const meta: MetaFunction = () => [{ title: "Dashboard · Admin · Greenroom" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const admin = requireActor(request, context, "oversight:view");
  const params = new URL(request.url).searchParams;
  const today = todayUtc();
  const asked = { ...defaultRange(today), ...Object.fromEntries(params) };
  const parsed = rangeInput.safeParse({ from: asked.from, to: asked.to }, plainErrors);
  // A bad range is shown next to the fields, with the default range's charts meanwhile.
  const range = parsed.success ? parsed.data : defaultRange(today);
  return loadOrRespond(async () => {
    const { value: dashboard, computedAt } = await loadDashboardCached(
      context.db,
      context.figures,
      admin,
      range,
    );
    return {
      dashboard,
      computedAt: computedAt.toISOString(),
      asked: { from: String(asked.from), to: String(asked.to) },
      error: parsed.success ? null : parsed.error.issues[0]!.message,
      today,
      reviewTargetHours: context.env.REVIEW_TARGET_HOURS,
      // All-time delivered clips per catalog model (a small table beside the charts): a scan of
      // every clip, shared like the charts (1.2 s at scale, once a minute rather than per view).
      byModel: (await context.figures.get("delivered-by-model", () => deliveredByModel(context.db)))
        .value,
    };
  });
}

export default DashboardPage;
