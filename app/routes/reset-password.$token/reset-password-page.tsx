import { Form, useLoaderData, useNavigation } from "@remix-run/react";
import { AuthLayout, LinkGone } from "~/components/auth-layout";
import { Button } from "~/components/ui/button";
import { FormError, TextField } from "~/components/ui/field";
import { useIntentErrors } from "~/components/use-intent-errors";
import type { loader } from "./route";

/** The new password, asked twice; or why the emailed link no longer works. */
export function ResetPasswordPage() {
  const loaderData = useLoaderData<typeof loader>();
  const errors = useIntentErrors();
  const busy = useNavigation().state === "submitting";
  if (!loaderData.valid) {
    return (
      <LinkGone
        title="This link no longer works"
        message={loaderData.message}
        to="/forgot-password"
        action="Ask for a new link"
      />
    );
  }
  return (
    <AuthLayout
      title="Choose a new password"
      subtitle={<>For {loaderData.email}. You will be signed out everywhere.</>}
    >
      <Form method="post" className="space-y-5" noValidate>
        <FormError message={errors.form} />
        <TextField
          label="New password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          minLength={8}
          maxLength={256}
          hint="8 to 256 characters."
          error={errors.password}
        />
        <TextField
          label="Repeat the new password"
          name="confirm"
          type="password"
          autoComplete="new-password"
          required
          error={errors.confirm}
        />
        <Button type="submit" className="w-full" busy={busy}>
          {busy ? "Saving…" : "Save the new password"}
        </Button>
      </Form>
    </AuthLayout>
  );
}
