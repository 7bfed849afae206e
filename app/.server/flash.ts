import { createCookieSessionStorage, redirect, type AppLoadContext } from "@remix-run/node";

export type Flash = { kind: "success" | "error" | "info"; message: string };

const storages = new Map<string, ReturnType<typeof createStorage>>();

function createStorage(secret: string, secure: boolean) {
  return createCookieSessionStorage<Record<string, never>, { flash: Flash }>({
    cookie: {
      name: "greenroom_flash",
      httpOnly: true,
      sameSite: "lax",
      path: "/",
      secure,
      secrets: [secret],
    },
  });
}

function storageFor(context: AppLoadContext) {
  const secure = context.secureCookies;
  const key = `${context.env.SESSION_SECRET}:${secure}`;
  let storage = storages.get(key);
  if (!storage) {
    storage = createStorage(context.env.SESSION_SECRET, secure);
    storages.set(key, storage);
  }
  return storage;
}

/** A Set-Cookie header carrying a one-time message for the next page. */
export async function flashCookie(context: AppLoadContext, flash: Flash) {
  const storage = storageFor(context);
  const session = await storage.getSession();
  session.flash("flash", flash);
  return storage.commitSession(session);
}

export async function redirectWithFlash(
  context: AppLoadContext,
  to: string,
  flash: Flash,
  init?: { headers?: HeadersInit },
) {
  const headers = new Headers(init?.headers);
  headers.append("Set-Cookie", await flashCookie(context, flash));
  return redirect(to, { headers });
}

/** Reads (and so consumes) the pending message, if any. */
export async function readFlash(request: Request, context: AppLoadContext) {
  const storage = storageFor(context);
  const session = await storage.getSession(request.headers.get("Cookie"));
  const flash = session.get("flash") ?? null;
  return { flash, setCookie: flash ? await storage.commitSession(session) : null };
}
