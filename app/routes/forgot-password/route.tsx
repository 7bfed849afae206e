import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { anonymousActor } from "~/.server/auth/guards";
import { requestPasswordReset } from "~/.server/auth/password-reset";
import { parseWith, userErrorToResponse, readForm, routeHeaders } from "~/.server/http";
import { AuthLayout } from "~/components/auth-layout";
import { Button } from "~/components/ui/button";
import { FormError, TextField } from "~/components/ui/field";
import { emailField } from "~/lib/validation";

export const headers = routeHeaders;

export const meta: MetaFunction = () => [{ title: "Forgot password · Greenroom" }];

export function loader({ context }: LoaderFunctionArgs) {
  if (context.auth.user) throw redirect("/");
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const input = await readForm(request);
  if (!input.ok) return input.response;
  const parsed = parseWith(z.object({ email: emailField }), Object.fromEntries(input.form));
  if (!parsed.ok) return parsed.response;
  try {
    await requestPasswordReset(
      context.db,
      context.mailer,
      { email: parsed.data.email, appUrl: context.env.APP_URL },
      anonymousActor(request, context),
    );
  } catch (error) {
    return userErrorToResponse(error);
  }
  // The same answer whether or not the address has an account.
  return { ok: true as const, email: parsed.data.email };
}

export default function ForgotPassword() {
  const actionData = useActionData<typeof action>();
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
  const errors = actionData && !actionData.ok ? actionData.errors : {};
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
