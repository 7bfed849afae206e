import { Form, Link, useActionData, useNavigation } from "@remix-run/react";
import { AuthLayout } from "~/components/auth-layout";
import { Button } from "~/components/ui/button";
import { FormError, TextField } from "~/components/ui/field";
import { useIntentErrors } from "~/components/use-intent-errors";

/** What the action answers once the request is taken (whether or not the address has an account). */
type Sent = { ok: true; email: string };

/** Asks for the address to send a reset link to; then says to check the inbox. */
export function ForgotPasswordPage() {
  const actionData = useActionData<Sent | { ok: false }>();
  const errors = useIntentErrors();
  const busy = useNavigation().state === "submitting";
  if (actionData?.ok) {
    return (
      <AuthLayout title="Check your email">
        <p role="status" className="text-stone-700">
          If <strong>{actionData.email}</strong> belongs to a Greenroom account, we have sent it a
          link to choose a new password. The link works once, for one hour.
        </p>
        <p className="mt-6 text-sm">
          <Link to="/login" className="font-medium text-brand-800 underline">
            Back to sign in
          </Link>
        </p>
      </AuthLayout>
    );
  }
  return (
    <AuthLayout
      title="Forgot your password?"
      subtitle="Enter your email and we will send you a link to choose a new one."
    >
      <Form method="post" className="space-y-5" noValidate>
        <FormError message={errors.form} />
        <TextField
          label="Email"
          name="email"
          type="email"
          autoComplete="email"
          required
          autoFocus
          error={errors.email}
        />
        <Button type="submit" className="w-full" busy={busy}>
          {busy ? "Sending…" : "Send reset link"}
        </Button>
      </Form>
      <p className="mt-6 text-sm">
        <Link to="/login" className="font-medium text-brand-800 underline">
          Back to sign in
        </Link>
      </p>
    </AuthLayout>
  );
}
