import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { z } from "zod";
import { requireActor } from "~/.server/auth/guards";
import { UserError } from "~/.server/errors";
import { intentAction, loadOrRespond, OTHER_INTENT, readQuery, routeHeaders } from "~/.server/http";
import {
  dismissFlag,
  listFlags,
  suspendFromFlag,
  thresholdsFromEnv,
} from "~/.server/oversight/flags";
import { FLAG_STATES } from "~/lib/oversight";
import { reasonField } from "~/lib/validation";
import { FlagsPage } from "./flags-page";

export const headers = routeHeaders;

export const meta: MetaFunction = () => [{ title: "Anomaly flags · Admin · Greenroom" }];

const query = z.object({
  state: z.enum(FLAG_STATES).catch("open"),
  after: z.string().optional(),
});

export async function loader({ request, context }: LoaderFunctionArgs) {
  const admin = requireActor(request, context, "oversight:view");
  const filters = readQuery(request, query);
  return loadOrRespond(async () => ({
    ...(await listFlags(context.db, admin, filters)),
    filters,
    me: admin.id,
    thresholds: thresholdsFromEnv(context.env),
    autoSuspend: context.env.ANOMALY_AUTO_SUSPEND,
  }));
}

const noteField = z
  .string({ error: "Say why this is fine." })
  .trim()
  .min(3, "Say why this is fine, in at least 3 characters.")
  .max(500, "Use at most 500 characters.");

/** Every refusal shows on the flag's own card. */
const onFlag = (fields: Record<string, unknown>) => ({
  id: typeof fields.id === "string" ? fields.id : "",
});

/** Back to the list as it was filtered. */
const back = (request: Request) => `/admin/flags${new URL(request.url).search}`;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

export const action = intentAction("oversight:view", (intent) => ({
  dismiss: intent({
    input: z.object({ id: z.string().min(1), note: noteField }),
    at: onFlag,
    run: ({ id, note }, { db, actor }) => dismissFlag(db, actor, id, note),
    then: (_, { flash, request }) => flash(back(request), "Flag dismissed."),
  }),
  suspend: intent({
    input: z.object({ id: z.string().min(1), reason: reasonField }),
    at: onFlag,
    run: async ({ id, reason }, { db, actor, appUrl }) => {
      const result = await suspendFromFlag(db, actor, id, reason, { appUrl });
      return { ...result, emailIds: result.suspension ? [result.suspension.emailId] : [] };
    },
    then: ({ suspension }, { flash, request }) =>
      flash(
        back(request),
        suspension
          ? `Account suspended: ${plural(suspension.sessionsEnded, "session")} ended and ${plural(suspension.jobsCanceled, "generation")} cancelled at once. They have been emailed.`
          : "The account was already suspended; the flag is closed as acted on.",
      ),
  }),
  // Any other intent (or none) is told what a flag's card offers, on that card.
  [OTHER_INTENT]: intent({
    at: onFlag,
    run: async () => {
      throw new UserError("Choose dismiss or suspend.", 400);
    },
  }),
}));

export default FlagsPage;
