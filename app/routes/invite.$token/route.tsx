import {
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { acceptInvite, findOpenInvite } from "~/.server/access/invites";
import { anonymousActor } from "~/.server/auth/guards";
import { flashCookie } from "~/.server/flash";
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
import { displayNameField, withConfirmedPassword } from "~/lib/validation";

export const headers = routeHeaders;

export const meta: MetaFunction = () => [
  { title: "Accept your invitation · Greenroom" },
  { name: "referrer", content: "no-referrer" },
];

export function loader({ params, context }: LoaderFunctionArgs) {
  return loadLinkPage(() => findOpenInvite(context.db, params.token ?? ""));
}

const schema = withConfirmedPassword({ displayName: displayNameField });

export async function action({ request, params, context }: ActionFunctionArgs) {
  const input = await readForm(request);
  if (!input.ok) return input.response;
  const parsed = parseWith(schema, Object.fromEntries(input.form));
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
      <LinkGone
        title="This invitation no longer works"
        message={loaderData.message}
        to="/login"
        action="Go to sign in"
      />
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
