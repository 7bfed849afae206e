import {
  data,
  type LinksFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import {
  Form,
  isRouteErrorResponse,
  Link,
  Links,
  Meta,
  NavLink,
  Outlet,
  Scripts,
  ScrollRestoration,
  useLoaderData,
  useLocation,
  useNavigation,
  useFetcher,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import { useEffect, useRef, useState, type ReactNode } from "react";
import { readFlash } from "~/.server/flash";
import { unreadCount } from "~/.server/notifications/inbox";
import { useNonce } from "~/components/nonce";
import { can, type Permission } from "~/lib/permissions";
import { browserTimeZone, setTimeZoneResolver } from "~/lib/time-zone";
import stylesheet from "~/styles.css?url";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesheet },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const meta: MetaFunction = () => [{ title: "Greenroom" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { flash, setCookie } = await readFlash(request, context);
  const user = context.auth.user;
  // The session's own query read the count (server/app.ts); it is dropped for a request that
  // posts (an action may change it before this loader runs), and then counted again.
  const unreadNotifications =
    user && can(user.role, "notifications:view")
      ? (context.auth.unreadNotifications ?? (await unreadCount(context.db, user.id)))
      : 0;
  return data(
    {
      user: user
        ? {
            displayName: user.displayName,
            email: user.email,
            role: user.role,
            timeZone: user.timeZone ?? null,
          }
        : null,
      unreadNotifications,
      flash,
    },
    setCookie ? { headers: { "Set-Cookie": setCookie } } : undefined,
  );
}

type NavItem = { to: string; label: string; permission: Permission; end?: boolean };

// Only pages that exist, and only those the person's role may open.
const NAV: NavItem[] = [
  { to: "/", label: "Home", permission: "home:view", end: true },
  { to: "/studio", label: "Studio", permission: "studio:use" },
  { to: "/submissions", label: "Submissions", permission: "studio:use" },
  { to: "/rights", label: "Rights", permission: "studio:use" },
  { to: "/earnings", label: "Earnings", permission: "money:earn" },
  { to: "/review", label: "Review", permission: "review:work" },
  { to: "/provenance", label: "Check a file", permission: "provenance:check" },
  { to: "/admin", label: "Dashboard", permission: "oversight:view", end: true },
  { to: "/admin/people", label: "People", permission: "people:manage" },
  { to: "/admin/invites", label: "Invites", permission: "invites:manage" },
  { to: "/admin/access", label: "Access", permission: "people:manage" },
  { to: "/admin/rights", label: "Rights", permission: "rights:manage" },
  { to: "/admin/money", label: "Money", permission: "money:manage" },
  { to: "/admin/flags", label: "Flags", permission: "oversight:view" },
  { to: "/admin/models", label: "Models", permission: "people:manage" },
  { to: "/admin/audit", label: "Audit log", permission: "audit:read" },
  { to: "/admin/outbox", label: "Outbox", permission: "outbox:read" },
];

// In the browser there is one viewer: times render in the zone stored on their account (the same
// the server rendered with, so hydration agrees) until the browser's own zone is remembered.
let viewerZone = "UTC";
if (typeof document !== "undefined") setTimeZoneResolver(() => viewerZone);

/** Remembers the browser's time zone on the account when it differs; once per page load. */
function useRememberTimeZone(stored: string | null | undefined, signedIn: boolean) {
  const fetcher = useFetcher();
  const asked = useRef(false);
  useEffect(() => {
    if (!signedIn || asked.current) return;
    const zone = browserTimeZone();
    if (zone === stored) return;
    asked.current = true;
    fetcher.submit({ timeZone: zone }, { method: "post", action: "/settings/time-zone" });
  }, [stored, signedIn, fetcher]);
}

function Shell({ children }: { children: ReactNode }) {
  const root = useRouteLoaderData<typeof loader>("root");
  const user = root?.user ?? null;
  if (typeof document !== "undefined") viewerZone = user?.timeZone ?? "UTC";
  useRememberTimeZone(user?.timeZone, Boolean(user));
  const navigation = useNavigation();
  const [menuOpen, setMenuOpen] = useState(false);
  return (
    <div className="flex min-h-screen flex-col">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2"
      >
        Skip to content
      </a>
      {user ? (
        <header className="border-b border-stone-200 bg-white">
          <div className="mx-auto flex max-w-[90rem] flex-wrap items-center gap-x-3 gap-y-2 px-4 py-2 xl:flex-nowrap">
            <Link
              to="/"
              className="flex min-h-11 items-center text-lg font-black tracking-tight text-brand-800"
            >
              Greenroom
            </Link>
            <button
              type="button"
              aria-expanded={menuOpen}
              aria-controls="main-nav"
              onClick={() => setMenuOpen((open) => !open)}
              className="touch-target order-last ml-auto rounded-md border border-stone-300 px-3 text-sm font-semibold text-stone-800 hover:bg-stone-100 xl:hidden"
            >
              Menu
            </button>
            {/* Below 1280 px the links fold into the menu; from there they fit one row. */}
            <nav
              id="main-nav"
              aria-label="Main"
              className={`${menuOpen ? "flex" : "hidden"} order-last w-full flex-col gap-0.5 xl:order-none xl:flex xl:w-auto xl:flex-1 xl:flex-row xl:flex-nowrap`}
            >
              {NAV.filter((item) => can(user.role, item.permission)).map((item) => (
                <NavLink
                  key={item.to}
                  to={item.to}
                  end={item.end}
                  onClick={() => setMenuOpen(false)}
                  className={({ isActive }) =>
                    `nav-link flex items-center whitespace-nowrap rounded-md px-2.5 text-sm font-medium ${isActive ? "bg-brand-100 text-brand-900" : "text-stone-700 hover:bg-stone-100"}`
                  }
                >
                  {item.label}
                </NavLink>
              ))}
            </nav>
            <div className="ml-auto flex items-center gap-1 xl:ml-0">
              {can(user.role, "notifications:view") ? (
                <NotificationsLink unread={root?.unreadNotifications ?? 0} />
              ) : null}
              <UserMenu
                displayName={user.displayName || user.email}
                email={user.email}
                role={user.role}
                notificationSettings={can(user.role, "notifications:view")}
              />
            </div>
          </div>
          <div
            aria-hidden="true"
            className={`h-0.5 bg-brand-600 transition-opacity ${navigation.state === "idle" ? "opacity-0" : "animate-pulse opacity-100"}`}
          />
        </header>
      ) : null}
      <FlashMessage />
      <main
        id="main"
        className={user ? "mx-auto w-full min-w-0 max-w-6xl flex-1 px-4 py-6 sm:py-8" : "flex-1"}
      >
        {children}
      </main>
    </div>
  );
}

function NotificationsLink({ unread }: { unread: number }) {
  return (
    <NavLink
      to="/notifications"
      aria-label={unread > 0 ? `Notifications, ${unread} unread` : "Notifications"}
      className={({ isActive }) =>
        `touch-target flex items-center gap-1.5 rounded-md px-2.5 text-sm font-medium ${isActive ? "bg-brand-100 text-brand-900" : "text-stone-700 hover:bg-stone-100"}`
      }
    >
      <svg
        aria-hidden="true"
        viewBox="0 0 24 24"
        className="size-5 sm:hidden"
        fill="none"
        stroke="currentColor"
        strokeWidth="2"
        strokeLinecap="round"
        strokeLinejoin="round"
      >
        <path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
        <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
      </svg>
      <span className="hidden sm:inline">Notifications</span>
      {unread > 0 ? (
        <span
          aria-hidden="true"
          className="min-w-5 rounded-full bg-brand-800 px-1.5 py-0.5 text-center text-xs font-bold leading-none text-white"
        >
          {unread > 99 ? "99+" : unread}
        </span>
      ) : null}
    </NavLink>
  );
}

function UserMenu({
  displayName,
  email,
  role,
  notificationSettings,
}: {
  displayName: string;
  email: string;
  role: string;
  notificationSettings: boolean;
}) {
  const ref = useRef<HTMLDetailsElement>(null);
  // A menu closes on Escape (focus back on its button) and when you click or tab away from it.
  useEffect(() => {
    const menu = ref.current;
    if (!menu) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape" && menu.open) {
        menu.open = false;
        menu.querySelector("summary")?.focus();
      }
    };
    const onOutside = (event: Event) => {
      if (menu.open && !menu.contains(event.target as Node)) menu.open = false;
    };
    document.addEventListener("keydown", onKey);
    document.addEventListener("pointerdown", onOutside);
    document.addEventListener("focusin", onOutside);
    return () => {
      document.removeEventListener("keydown", onKey);
      document.removeEventListener("pointerdown", onOutside);
      document.removeEventListener("focusin", onOutside);
    };
  }, []);
  return (
    <details ref={ref} className="relative">
      <summary className="touch-target flex cursor-pointer list-none items-center gap-2 rounded-md px-2 text-sm hover:bg-stone-100">
        <span
          aria-hidden="true"
          className="flex h-7 w-7 items-center justify-center rounded-full bg-brand-800 text-xs font-bold text-white"
        >
          {displayName.slice(0, 1).toUpperCase()}
        </span>
        <span className="sr-only 2xl:not-sr-only 2xl:font-medium">{displayName}</span>
        <span className="sr-only">, account menu</span>
      </summary>
      <div className="absolute right-0 z-20 mt-2 w-60 max-w-[calc(100vw-2rem)] rounded-md border border-stone-200 bg-white p-3 text-sm shadow-lg">
        <p className="font-medium">{displayName}</p>
        <p className="truncate text-stone-600">{email}</p>
        <p className="mt-1 text-xs uppercase tracking-wide text-stone-600">{role}</p>
        {notificationSettings ? (
          <div className="mt-3 border-t border-stone-200 pt-3">
            <Link
              to="/settings/notifications"
              // The menu stays mounted across client navigations: close it on the way out.
              onClick={() => {
                if (ref.current) ref.current.open = false;
              }}
              className="flex min-h-11 items-center rounded-md px-2 font-medium text-stone-800 hover:bg-stone-100"
            >
              Notification settings
            </Link>
          </div>
        ) : null}
        <Form method="post" action="/logout" className="mt-3 border-t border-stone-200 pt-3">
          <button
            type="submit"
            className="min-h-11 w-full rounded-md px-2 text-left font-medium text-red-800 hover:bg-red-50"
          >
            Sign out
          </button>
        </Form>
      </div>
    </details>
  );
}

function FlashMessage() {
  const root = useRouteLoaderData<typeof loader>("root");
  const location = useLocation();
  // A flash is read once: a revalidation of the same page (the time-zone report right after a
  // new person's first page, say) comes back without it. Keep showing it until the person
  // dismisses it or goes to another page.
  const [shown, setShown] = useState(() => {
    const first = root?.flash ?? null;
    return first ? { flash: first, key: location.key } : null;
  });
  const incoming = root?.flash ?? null;
  useEffect(() => {
    if (incoming) setShown({ flash: incoming, key: location.key });
    else setShown((current) => (current && current.key === location.key ? current : null));
  }, [incoming, location.key]);
  const flash = shown?.flash ?? null;
  const setVisible = (visible: boolean) => {
    if (!visible) setShown(null);
  };
  if (!flash) return <div role="status" aria-live="polite" className="sr-only" />;
  const tone =
    flash.kind === "error"
      ? "border-red-300 bg-red-50 text-red-900"
      : flash.kind === "success"
        ? "border-green-300 bg-green-50 text-green-900"
        : "border-sky-300 bg-sky-50 text-sky-900";
  return (
    <div role="status" aria-live="polite" className="mx-auto mt-4 w-full max-w-6xl px-4">
      <div
        className={`flex items-start justify-between gap-4 rounded-md border px-4 py-3 text-sm ${tone}`}
      >
        <span>{flash.message}</span>
        <button type="button" onClick={() => setVisible(false)} className="font-semibold underline">
          Dismiss
        </button>
      </div>
    </div>
  );
}

export function Layout({ children }: { children: ReactNode }) {
  const nonce = useNonce();
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        <Shell>{children}</Shell>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  useLoaderData<typeof loader>();
  return <Outlet />;
}

export function ErrorBoundary() {
  const error = useRouteError();
  let title = "Something went wrong";
  let message = "An unexpected error happened on our side. It has been logged; please try again.";
  if (isRouteErrorResponse(error)) {
    if (error.status === 404) {
      title = "Page not found";
      message = "There is nothing at this address. Check the link, or go back to the start.";
    } else if (error.status === 403) {
      title = "Not allowed";
      message =
        typeof error.data === "string" && error.data
          ? error.data
          : "You do not have access to this page.";
    } else if (error.status < 500) {
      title = `Request refused (${error.status})`;
      message =
        typeof error.data === "string" && error.data
          ? error.data
          : "The request could not be completed.";
    }
  }
  // Never render error.message or a stack: they can carry internals.
  return (
    <div className="mx-auto max-w-xl px-4 py-16 text-center">
      <p className="text-sm font-semibold uppercase tracking-wide text-brand-800">Greenroom</p>
      <h1 className="mt-2 text-3xl font-bold">{title}</h1>
      <p className="mt-3 text-stone-700">{message}</p>
      <Link
        to="/"
        className="mt-6 inline-block rounded-md bg-brand-800 px-4 py-2 font-semibold text-white hover:bg-brand-900"
      >
        Go to the start
      </Link>
    </div>
  );
}
