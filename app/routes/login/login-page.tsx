import { Form, Link, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { AuthLayout } from "~/components/auth-layout";
import { Button } from "~/components/ui/button";
import { FormError, TextField } from "~/components/ui/field";
import { useIntentErrors } from "~/components/use-intent-errors";
import type { loader } from "./route";

/** The sign-in form, with why the last session ended when it was ended on purpose. */
export function LoginPage() {
  const { notice, cookieRefused } = useLoaderData<typeof loader>();
  const errors = useIntentErrors();
  const [params] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  return (
    <AuthLayout
      title="Sign in"
      subtitle="Welcome back. Sign in with the email your invitation was sent to."
    >
      {notice ? (
        <div
          role={cookieRefused ? "alert" : "status"}
          className="mb-6 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900"
        >
          {cookieRefused ? <p className="font-semibold">Sign-in did not stick</p> : null}
          <p>{notice}</p>
        </div>
      ) : null}
      <Form method="post" className="space-y-5" noValidate>
        <input type="hidden" name="redirectTo" value={params.get("redirectTo") ?? ""} />
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
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          error={errors.password}
        />
        <Button type="submit" className="w-full" busy={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </Button>
      </Form>
      <p className="mt-6 text-sm text-stone-600">
        <Link to="/forgot-password" className="font-medium text-brand-800 underline">
          Forgot your password?
        </Link>
      </p>
      <p className="mt-2 text-sm text-stone-600">
        Greenroom is invitation only. Ask the program team for an invitation.
      </p>
    </AuthLayout>
  );
}
