import {
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import {
  Form,
  Link,
  useActionData,
  useLoaderData,
  useNavigation,
  useSearchParams,
} from "@remix-run/react";
import { z } from "zod";
import { anonymousActor } from "~/.server/auth/guards";
import { signIn } from "~/.server/auth/sign-in";
import {
  parseWith,
  safeRedirect,
  userErrorToResponse,
  readForm,
  routeHeaders,
} from "~/.server/http";
import { recordSignIn } from "~/.server/oversight/activity";
import { AuthLayout } from "~/components/auth-layout";
import { Button } from "~/components/ui/button";
import { FormError, TextField } from "~/components/ui/field";
import { emailField } from "~/lib/validation";

export const headers = routeHeaders;

export const meta: MetaFunction = () => [{ title: "Sign in · Greenroom" }];

const ENDED_MESSAGES: Record<string, string> = {
  suspended:
    "Your account has been suspended and you have been signed out. Contact the program team if you think this is a mistake.",
  password_reset:
    "Your password was changed, so you were signed out everywhere. Sign in with the new password.",
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  if (context.auth.user) throw redirect(safeRedirect(url.searchParams.get("redirectTo")));
  const ended = url.searchParams.get("ended");
  return { notice: ended ? (ENDED_MESSAGES[ended] ?? null) : null };
}

const schema = z.object({
  email: emailField,
  password: z
    .string({ error: "Enter your password." })
    .min(1, "Enter your password.")
    .max(256, "That password is too long."),
  redirectTo: z.string().optional(),
});

export async function action({ request, context }: ActionFunctionArgs) {
  const input = await readForm(request);
  if (!input.ok) return input.response;
  const parsed = parseWith(schema, Object.fromEntries(input.form));
  if (!parsed.ok) return parsed.response;
  try {
    const actor = anonymousActor(request, context);
    const { user, cookie, deviceCookie } = await signIn(context.db, parsed.data, actor, {
      cookieHeader: request.headers.get("cookie"),
      secret: context.env.SESSION_SECRET,
      secureCookies: context.env.NODE_ENV === "production",
    });
    // Where the account signs in from, for the anomaly scan; it never fails the sign-in.
    await recordSignIn(
      context.db,
      { userId: user.id, ip: actor.ip ?? null, userAgent: actor.userAgent ?? null },
      context.logger,
    );
    const headers = new Headers();
    headers.append("Set-Cookie", cookie);
    headers.append("Set-Cookie", deviceCookie);
    return redirect(safeRedirect(parsed.data.redirectTo), { headers });
  } catch (error) {
    return userErrorToResponse(error);
  }
}

export default function Login() {
  const { notice } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const errors = actionData && !actionData.ok ? actionData.errors : {};
  const [params] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  return (
    <AuthLayout
      title="Sign in"
      subtitle="Welcome back. Sign in with the email your invitation was sent to."
    >
      {notice ? (
        <div
          role="status"
          className="mb-6 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900"
        >
          {notice}
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
