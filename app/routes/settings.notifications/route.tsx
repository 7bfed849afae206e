import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { actingUser, requirePermission } from "~/.server/auth/guards";
import { redirectWithFlash } from "~/.server/flash";
import {
  formFields,
  loadOrRespond,
  parseWith,
  userErrorToResponse,
  readForm,
  routeHeaders,
} from "~/.server/http";
import {
  emailPreferences,
  emailPreferencesInput,
  saveEmailPreferences,
} from "~/.server/notifications/preferences";
import { Button } from "~/components/ui/button";
import { FormError } from "~/components/ui/field";
import { Card, PageHeader } from "~/components/ui/misc";

export const headers = routeHeaders;

export const meta: MetaFunction = () => [{ title: "Notification settings · Greenroom" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = requirePermission(request, context, "notifications:view");
  return loadOrRespond(async () => ({
    preferences: await emailPreferences(context.db, user),
  }));
}

// The hidden intent tells a real form (which may tick nothing: every email off) from an empty or
// stray POST, which must not silently turn everything off.
const actionSchema = emailPreferencesInput.extend({
  intent: z.literal("save", { error: "Send the form from the settings page." }),
});

export async function action({ request, context }: ActionFunctionArgs) {
  const user = requirePermission(request, context, "notifications:view");
  const input = await readForm(request);
  if (!input.ok) return input.response;
  const parsed = parseWith(actionSchema, formFields(input.form, ["email"]));
  if (!parsed.ok) return parsed.response;
  try {
    const { changes } = await saveEmailPreferences(
      context.db,
      actingUser(request, context, user),
      parsed.data,
    );
    const changed = Object.keys(changes).length;
    return redirectWithFlash(context, "/settings/notifications", {
      kind: "success",
      message:
        changed === 0
          ? "Saved. Nothing changed."
          : "Saved. Your email preferences apply from now on.",
    });
  } catch (error) {
    return userErrorToResponse(error);
  }
}

export default function NotificationSettings() {
  const { preferences } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const errors = actionData && !actionData.ok ? actionData.errors : {};
  const navigation = useNavigation();
  const saving = navigation.state === "submitting" && navigation.formData?.get("intent") === "save";
  const fieldError = errors.email ?? errors.intent;
  return (
    <>
      <PageHeader
        title="Notification settings"
        description="Choose which emails you get. Everything still appears in your in-app notifications, whatever you choose here."
        actions={
          <Link to="/notifications" className="text-sm font-medium text-brand-800 underline">
            Back to notifications
          </Link>
        }
      />
      <FormError message={errors.form} />
      <Card className="max-w-2xl">
        <Form method="post" className="space-y-5">
          <input type="hidden" name="intent" value="save" />
          <fieldset aria-describedby={fieldError ? "email-error" : undefined}>
            <legend className="text-base font-semibold text-stone-900">Email me about</legend>
            {preferences.length === 0 ? (
              <p className="mt-2 text-sm text-stone-600">
                No emails reach your role that you can turn off.
              </p>
            ) : (
              <ul className="mt-3 space-y-3">
                {preferences.map((p) => (
                  <li key={p.type} className="flex items-start gap-3">
                    <input
                      type="checkbox"
                      id={`pref-${p.type}`}
                      name="email"
                      value={p.type}
                      defaultChecked={p.email}
                      aria-describedby={`pref-${p.type}-description`}
                      className="mt-1 h-4 w-4"
                    />
                    <div>
                      <label
                        htmlFor={`pref-${p.type}`}
                        className="block text-sm font-medium text-stone-900"
                      >
                        {p.label}
                      </label>
                      <p id={`pref-${p.type}-description`} className="text-sm text-stone-600">
                        {p.description}
                      </p>
                    </div>
                  </li>
                ))}
              </ul>
            )}
            {fieldError ? (
              <p id="email-error" className="mt-2 text-sm text-red-700" role="alert">
                {fieldError}
              </p>
            ) : null}
          </fieldset>
          <p className="rounded-md bg-stone-100 px-3 py-2 text-sm text-stone-700">
            Security emails always go, whatever you choose: invitations, password resets and notices
            that your account was suspended.
          </p>
          <Button type="submit" busy={saving}>
            {saving ? "Saving…" : "Save"}
          </Button>
        </Form>
      </Card>
    </>
  );
}
