import {
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { anonymousActor } from "~/.server/auth/guards";
import { checkResetToken, resetPassword } from "~/.server/auth/password-reset";
import { redirectWithFlash } from "~/.server/flash";
import { deliverEmails } from "~/.server/mail/send";
import {
  loadLinkPage,
  parseWith,
  userErrorToResponse,
  readForm,
  routeHeaders,
} from "~/.server/http";
import { AuthLayout, LinkGone } from "~/components/auth-layout";
import { Button } from "~/components/ui/button";
import { FormError, TextField } from "~/components/ui/field";
import { withConfirmedPassword } from "~/lib/validation";

export const headers = routeHeaders;

export const meta: MetaFunction = () => [
  { title: "Choose a new password · Greenroom" },
  { name: "referrer", content: "no-referrer" },
];

export function loader({ params, context }: LoaderFunctionArgs) {
  return loadLinkPage(() => checkResetToken(context.db, params.token ?? ""));
}

const schema = withConfirmedPassword({});

export async function action({ request, params, context }: ActionFunctionArgs) {
  const input = await readForm(request);
  if (!input.ok) return input.response;
  const parsed = parseWith(schema, Object.fromEntries(input.form));
  if (!parsed.ok) return parsed.response;
  try {
    const { emailIds } = await resetPassword(
      context.db,
      { token: params.token ?? "", password: parsed.data.password, appUrl: context.env.APP_URL },
      anonymousActor(request, context),
    );
    await deliverEmails(context.db, context.mailer, emailIds);
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
      <LinkGone
        title="This link no longer works"
        message={loaderData.message}
        to="/forgot-password"
        action="Ask for a new link"
      />
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
