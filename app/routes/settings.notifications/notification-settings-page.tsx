import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { Button } from "~/components/ui/button";
import { FormError } from "~/components/ui/field";
import { Card, PageHeader } from "~/components/ui/misc";
import { useIntentErrors } from "~/components/use-intent-errors";
import type { loader } from "./route";

/** Which emails the person gets, one checkbox per kind their role can receive. */
export function NotificationSettingsPage() {
  const { preferences } = useLoaderData<typeof loader>();
  const errors = useIntentErrors();
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
