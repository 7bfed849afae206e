import { Form, useLoaderData, useNavigation } from "@remix-run/react";
import { AuthLayout, LinkGone } from "~/components/auth-layout";
import { Button } from "~/components/ui/button";
import { FormError, TextField } from "~/components/ui/field";
import { useIntentErrors } from "~/components/use-intent-errors";
import type { loader } from "./route";

/** The invited person chooses their name and password; or learns the link no longer works. */
export function AcceptInvitePage() {
  const loaderData = useLoaderData<typeof loader>();
  const errors = useIntentErrors();
  const busy = useNavigation().state === "submitting";
  if (!loaderData.valid) {
    return (
      <LinkGone
        title="This invitation no longer works"
        message={loaderData.message}
        to="/login"
        action="Go to sign in"
      />
    );
  }
  return (
    <AuthLayout
      title="Join Greenroom"
      subtitle={
        <>
          You were invited as <strong>{loaderData.role}</strong>. Choose the name others will see
          and a password.
        </>
      }
    >
      <Form method="post" className="space-y-5" noValidate>
        <FormError message={errors.form} />
        <TextField
          label="Email"
          name="email"
          type="email"
          value={loaderData.email}
          readOnly
          hint="Your account is tied to the address the invitation was sent to."
        />
        <TextField
          label="Your name"
          name="displayName"
          autoComplete="name"
          required
          maxLength={80}
          defaultValue={loaderData.displayName ?? ""}
          error={errors.displayName}
        />
        <TextField
          label="Password"
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
          label="Repeat the password"
          name="confirm"
          type="password"
          autoComplete="new-password"
          required
          error={errors.confirm}
        />
        <Button type="submit" className="w-full" busy={busy}>
          {busy ? "Creating your account…" : "Create my account"}
        </Button>
      </Form>
    </AuthLayout>
  );
}
