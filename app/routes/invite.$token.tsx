import {
  data,
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { acceptInvite, findOpenInvite } from "~/.server/access/invites";
import { anonymousActor } from "~/.server/auth/guards";
import { UserError } from "~/.server/errors";
import { flashCookie } from "~/.server/flash";
import { parseWith, userErrorToResponse } from "~/.server/http";
import { AuthLayout } from "~/components/auth-layout";
import { Button } from "~/components/ui/button";
import { FormError, TextField } from "~/components/ui/field";
import { displayNameField, passwordField } from "~/lib/validation";

export const meta: MetaFunction = () => [
  { title: "Accept your invitation · Greenroom" },
  { name: "referrer", content: "no-referrer" },
];

export async function loader({ params, context }: LoaderFunctionArgs) {
  try {
    const invite = await findOpenInvite(context.db, params.token ?? "");
    return {
      valid: true as const,
      email: invite.email,
      role: invite.role,
      displayName: invite.displayName,
      message: null,
    };
  } catch (error) {
    if (error instanceof UserError) {
      return data(
        {
          valid: false as const,
          email: null,
          role: null,
          displayName: null,
          message: error.message,
        },
        { status: error.status },
      );
    }
    throw error;
  }
}

const schema = z
  .object({ displayName: displayNameField, password: passwordField, confirm: z.string() })
  .refine((v) => v.password === v.confirm, {
    message: "The two passwords do not match.",
    path: ["confirm"],
  });

export async function action({ request, params, context }: ActionFunctionArgs) {
  const parsed = parseWith(schema, Object.fromEntries(await request.formData()));
  if (!parsed.ok) return parsed.response;
  try {
    const { cookie } = await acceptInvite(
      context.db,
      {
        token: params.token ?? "",
        displayName: parsed.data.displayName,
        password: parsed.data.password,
      },
      anonymousActor(request, context),
    );
    const headers = new Headers({ "Set-Cookie": cookie });
    headers.append(
      "Set-Cookie",
      await flashCookie(context, {
        kind: "success",
        message: `Welcome to Greenroom, ${parsed.data.displayName}.`,
      }),
    );
    return redirect("/", { headers });
  } catch (error) {
    return userErrorToResponse(error);
  }
}

export default function AcceptInvite() {
  const loaderData = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  if (!loaderData.valid) {
    return (
      <AuthLayout title="This invitation no longer works">
        <p className="text-stone-700">{loaderData.message}</p>
        <Link to="/login" className="mt-6 inline-block font-medium text-brand-800 underline">
          Go to sign in
        </Link>
      </AuthLayout>
    );
  }
  const errors = actionData && !actionData.ok ? actionData.errors : {};
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
