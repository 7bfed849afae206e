import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { z } from "zod";
import { getPerson, reactivateUser, suspendUser, updateAccess } from "~/.server/access/people";
import {
  accessSettingsInput,
  getGenerationAccess,
  updateAccessSettings,
} from "~/.server/access/settings";
import { requireActor } from "~/.server/auth/guards";
import { intentAction, loadOrRespond, OTHER_INTENT, routeHeaders } from "~/.server/http";
import { reasonField, roleField } from "~/lib/validation";
import { PersonPage } from "./person-page";

export const headers = routeHeaders;

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.person.displayName || data?.person.email || "Person"} · People · Greenroom` },
];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const admin = requireActor(request, context, "people:manage");
  return loadOrRespond(async () => {
    const { person, history } = await getPerson(context.db, admin, params.userId ?? "");
    const generation =
      person.role === "artist" ? await getGenerationAccess(context.db, admin, person.id) : null;
    return { person, history, generation, isSelf: person.id === admin.id };
  });
}

const suspendInput = z.object({ intent: z.literal("suspend"), reason: reasonField });
const reactivateInput = z.object({ intent: z.literal("reactivate"), reason: reasonField });
const accessInput = z.object({
  intent: z.literal("access"),
  role: roleField,
  trustTier: z.enum(["standard", "trusted"], { error: "Choose a trust tier." }),
});

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

export const action = intentAction("people:manage", (intent) => {
  const userIdOf = (params: { userId?: string }) => params.userId ?? "";
  const here = (params: { userId?: string }) => `/admin/people/${userIdOf(params)}`;
  return {
    generation: intent({
      input: accessSettingsInput,
      run: (settings, { db, actor, params }) =>
        updateAccessSettings(db, actor, userIdOf(params), settings),
      then: (_, { flash, params }) => flash(here(params), "Generation access saved."),
    }),
    suspend: intent({
      input: suspendInput,
      run: async ({ reason }, { db, actor, params, appUrl }) => {
        const suspension = await suspendUser(db, actor, userIdOf(params), reason, { appUrl });
        return { ...suspension, emailIds: [suspension.emailId] };
      },
      then: ({ sessionsEnded, jobsCanceled }, { flash, params }) => {
        const jobs = jobsCanceled
          ? ` ${plural(jobsCanceled, "generation")} cancelled, the seconds given back.`
          : "";
        return flash(
          here(params),
          `Suspended. ${plural(sessionsEnded, "active session")} ended at once.${jobs} They have been emailed.`,
        );
      },
    }),
    reactivate: intent({
      input: reactivateInput,
      run: async ({ reason }, { db, actor, params, appUrl }) => {
        const { emailId } = await reactivateUser(db, actor, userIdOf(params), reason, { appUrl });
        return { emailIds: [emailId] };
      },
      then: (_, { flash, params }) =>
        flash(here(params), "Reactivated. They can sign in again, and have been told so."),
    }),
    access: intent({
      input: accessInput,
      run: ({ role, trustTier }, { db, actor, params }) =>
        updateAccess(db, actor, userIdOf(params), { role, trustTier }),
      then: (_, { flash, params }) => flash(here(params), "Access saved."),
    }),
    // Any other intent is refused as it always was: 422 on `intent`, naming the page's forms.
    [OTHER_INTENT]: intent({
      input: z.discriminatedUnion("intent", [suspendInput, reactivateInput, accessInput]),
      run: async () => null,
    }),
  };
});

export default PersonPage;
