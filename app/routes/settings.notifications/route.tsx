import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { z } from "zod";
import { requireActor } from "~/.server/auth/guards";
import { intentAction, loadOrRespond, OTHER_INTENT, routeHeaders } from "~/.server/http";
import {
  emailPreferences,
  emailPreferencesInput,
  saveEmailPreferences,
} from "~/.server/notifications/preferences";
import { NotificationSettingsPage } from "./notification-settings-page";

export const headers = routeHeaders;

export const meta: MetaFunction = () => [{ title: "Notification settings · Greenroom" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = requireActor(request, context, "notifications:view");
  return loadOrRespond(async () => ({
    preferences: await emailPreferences(context.db, user),
  }));
}

export const action = intentAction("notifications:view", (intent) => {
  const save = intent({
    // The hidden intent tells a real form (which may tick nothing: every email off) from an empty
    // or stray POST, which must not silently turn everything off.
    input: emailPreferencesInput.extend({
      intent: z.literal("save", { error: "Send the form from the settings page." }),
    }),
    lists: ["email"],
    run: (choices, { db, actor }) => saveEmailPreferences(db, actor, choices),
    then: ({ changes }, { flash }) =>
      flash(
        "/settings/notifications",
        Object.keys(changes).length === 0
          ? "Saved. Nothing changed."
          : "Saved. Your email preferences apply from now on.",
      ),
  });
  // Any other intent (or none) meets the same form, whose `intent` it fails: 422, as it always was.
  return { save, [OTHER_INTENT]: save };
});

export default NotificationSettingsPage;
