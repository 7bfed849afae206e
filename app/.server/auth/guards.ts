import { redirect, type AppLoadContext } from "@remix-run/node";
import { can, type Permission, type Role } from "~/lib/permissions";
import type { Actor } from "../audit/audit-log";
import { ForbiddenError } from "../errors";
import type { SessionUser } from "./session";

function loginRedirect(request: Request, context: AppLoadContext) {
  const url = new URL(request.url);
  const params = new URLSearchParams();
  const target = url.pathname + url.search;
  if (target !== "/") params.set("redirectTo", target);
  if (context.auth.ended) params.set("ended", context.auth.ended);
  const query = params.toString();
  const headers = new Headers();
  for (const cookie of context.auth.setCookies) headers.append("Set-Cookie", cookie);
  return redirect(`/login${query ? `?${query}` : ""}`, { headers });
}

/** The signed-in person, or a redirect to /login that remembers where they were going. */
export function requireUser(request: Request, context: AppLoadContext): SessionUser {
  if (!context.auth.user) throw loginRedirect(request, context);
  return context.auth.user;
}

/** The signed-in person if their role grants `permission`; otherwise 403 (or /login if signed out). */
export function requirePermission(
  request: Request,
  context: AppLoadContext,
  permission: Permission,
): SessionUser {
  const user = requireUser(request, context);
  if (!can(user.role, permission)) {
    throw new Response("You do not have access to this page.", { status: 403 });
  }
  return user;
}

/**
 * The signed-in person acting through this request, if their role grants `permission`: who they
 * are and where the request came from (for the audit log). 403 otherwise, /login if signed out.
 */
export function requireActor(
  request: Request,
  context: AppLoadContext,
  permission: Permission,
): ActingUser {
  return actingUser(request, context, requirePermission(request, context, permission));
}

/** The same check for domain functions, which never trust that a route already looked. */
export function assertCan(user: SessionUser, permission: Permission) {
  if (!can(user.role, permission)) throw new ForbiddenError();
}

/** The signed-in person if their role is one of `roles`. */
export function requireRole(request: Request, context: AppLoadContext, roles: readonly Role[]) {
  const user = requireUser(request, context);
  if (!roles.includes(user.role)) {
    throw new Response("You do not have access to this page.", { status: 403 });
  }
  return user;
}

/** A person acting through a request: who they are and where the request came from, for audit. */
export type ActingUser = SessionUser & { ip: string | null; userAgent: string | null };

export function actingUser(
  request: Request,
  context: AppLoadContext,
  user: SessionUser,
): ActingUser {
  return { ...user, ip: context.clientIp, userAgent: request.headers.get("user-agent") };
}

/** Anonymous requests (sign-in, invite acceptance) are audited with their address only. */
export function anonymousActor(request: Request, context: AppLoadContext): Actor {
  return { userId: null, ip: context.clientIp, userAgent: request.headers.get("user-agent") };
}

/** A stored user acting from somewhere other than a request: seeds, scripts, tests. */
export function actingAs(
  user: SessionUser,
  via: { ip: string | null; userAgent: string | null },
): ActingUser {
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    role: user.role,
    trustTier: user.trustTier,
    ...via,
  };
}

export function auditActor(user: ActingUser): Actor {
  return { userId: user.id, ip: user.ip, userAgent: user.userAgent };
}
