import { redirect, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { z } from "zod";
import { cookieRefusedMessage } from "~/.server/auth/cookie-security";
import { anonymousActor } from "~/.server/auth/guards";
import { signIn } from "~/.server/auth/sign-in";
import {
  DEFAULT_INTENT,
  intentAction,
  readQuery,
  routeHeaders,
  safeRedirect,
} from "~/.server/http";
import { recordSignIn } from "~/.server/oversight/activity";
import { emailField } from "~/lib/validation";
import { LoginPage } from "./login-page";

export const headers = routeHeaders;

export const meta: MetaFunction = () => [{ title: "Sign in · Greenroom" }];

/** Why a session ended, as /login?ended= says it (requireUser sends it along). */
const ENDED_MESSAGES = {
  suspended:
    "Your account has been suspended and you have been signed out. Contact the program team if you think this is a mistake.",
  password_reset:
    "Your password was changed, so you were signed out everywhere. Sign in with the new password.",
};

const query = z.object({
  redirectTo: z.string().optional().catch(undefined),
  ended: z.enum(["suspended", "password_reset"]).optional().catch(undefined),
  // Set by a successful sign-in: this request must carry the session cookie just given.
  cookie: z.literal("check").optional().catch(undefined),
});

/**
 * A successful sign-in comes back here first (?cookie=check) and is passed on to where it was
 * going. Arriving without a session means the browser refused the cookie (a Secure cookie over
 * plain http, cookies blocked): said plainly here instead of a sign-in form that silently returns.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { redirectTo, ended, cookie } = readQuery(request, query);
  if (context.auth.user) throw redirect(safeRedirect(redirectTo));
  if (cookie === "check")
    return { notice: cookieRefusedMessage(context.env, request), cookieRefused: true };
  return { notice: ended ? ENDED_MESSAGES[ended] : null, cookieRefused: false };
}

/** Where a sign-in goes: back here to see that the cookie stuck, then on to `redirectTo`. */
function afterSignIn(redirectTo: string | undefined) {
  const params = new URLSearchParams({ cookie: "check", redirectTo: safeRedirect(redirectTo) });
  return `/login?${params}`;
}

const signInInput = z.object({
  email: emailField,
  password: z
    .string({ error: "Enter your password." })
    .min(1, "Enter your password.")
    .max(256, "That password is too long."),
  redirectTo: z.string().optional(),
});

export const action = intentAction(
  ({ request, context }) => anonymousActor(request, context),
  (intent) => ({
    [DEFAULT_INTENT]: intent({
      input: signInInput,
      run: async (input, { db, actor, request, context }) => {
        const signedIn = await signIn(db, input, actor, {
          cookieHeader: request.headers.get("cookie"),
          secret: context.env.SESSION_SECRET,
          secureCookies: context.secureCookies,
        });
        // Where the account signs in from, for the anomaly scan; it never fails the sign-in.
        await recordSignIn(
          db,
          { userId: signedIn.user.id, ip: actor.ip ?? null, userAgent: actor.userAgent ?? null },
          context.logger,
        );
        return { ...signedIn, redirectTo: input.redirectTo };
      },
      // The session and the device cookie (a known browser, for the sign-in throttles).
      then: ({ cookie, deviceCookie, redirectTo }) => {
        const headers = new Headers();
        headers.append("Set-Cookie", cookie);
        headers.append("Set-Cookie", deviceCookie);
        return redirect(afterSignIn(redirectTo), { headers });
      },
    }),
  }),
);

export default LoginPage;
