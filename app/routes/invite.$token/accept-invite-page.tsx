import { Form, Link, useLoaderData, useLocation, useNavigation } from "@remix-run/react";
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
  const here = useLocation().pathname;
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
  if (loaderData.signedInAs) {
    const me = loaderData.signedInAs;
    return (
      <AuthLayout
        title="You are signed in"
        subtitle="This invitation is for someone else's account."
      >
        <div
          role="alert"
          className="space-y-2 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900"
        >
          <p>
            You are signed in as <strong>{me.displayName}</strong> ({me.email}). This invitation
            creates the account for <strong>{loaderData.email}</strong> (as {loaderData.role}).
          </p>
          <p>
            Accepting it here would sign you out of your account and into the new one. If you are
            checking the link for someone, send it to them instead. To accept it yourself, sign out
            first.
          </p>
        </div>
        <Form method="post" action="/logout" className="mt-6">
          <input type="hidden" name="redirectTo" value={here} />
          <Button type="submit" className="w-full">
            Sign out and continue
          </Button>
        </Form>
        <p className="mt-4 text-sm text-stone-600">
          <Link to="/" className="font-medium text-brand-800 underline">
            Keep me signed in and go back
          </Link>
        </p>
      </AuthLayout>
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
