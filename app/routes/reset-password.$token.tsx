import {
  data,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { anonymousActor } from "~/.server/auth/guards";
import { checkResetToken, resetPassword } from "~/.server/auth/password-reset";
import { UserError } from "~/.server/errors";
import { redirectWithFlash } from "~/.server/flash";
import { parseWith, userErrorToResponse } from "~/.server/http";
import { AuthLayout } from "~/components/auth-layout";
import { Button } from "~/components/ui/button";
import { FormError, TextField } from "~/components/ui/field";
import { passwordField } from "~/lib/validation";

export const meta: MetaFunction = () => [
  { title: "Choose a new password · Greenroom" },
  { name: "referrer", content: "no-referrer" },
];

export async function loader({ params, context }: LoaderFunctionArgs) {
  try {
    const { email } = await checkResetToken(context.db, params.token ?? "");
    return { valid: true as const, email, message: null };
  } catch (error) {
    if (error instanceof UserError)
      return data(
        { valid: false as const, email: null, message: error.message },
        { status: error.status },
      );
    throw error;
  }
}

const schema = z
  .object({ password: passwordField, confirm: z.string() })
  .refine((v) => v.password === v.confirm, {
    message: "The two passwords do not match.",
    path: ["confirm"],
  });

export async function action({ request, params, context }: ActionFunctionArgs) {
  const parsed = parseWith(schema, Object.fromEntries(await request.formData()));
  if (!parsed.ok) return parsed.response;
  try {
    await resetPassword(
      context.db,
      { token: params.token ?? "", password: parsed.data.password },
      anonymousActor(request, context),
    );
  } catch (error) {
    return userErrorToResponse(error);
  }
  return redirectWithFlash(context, "/login", {
    kind: "success",
    message: "Your password was changed. Sign in with the new one.",
  });
}

export default function ResetPassword() {
  const loaderData = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  if (!loaderData.valid) {
    return (
      <AuthLayout title="This link no longer works">
        <p className="text-stone-700">{loaderData.message}</p>
        <Link
          to="/forgot-password"
          className="mt-6 inline-block font-medium text-brand-800 underline"
        >
          Ask for a new link
        </Link>
      </AuthLayout>
    );
  }
  const errors = actionData && !actionData.ok ? actionData.errors : {};
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
