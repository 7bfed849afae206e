import { Link, useLoaderData } from "@remix-run/react";
import { Badge, Card, PageHeader } from "~/components/ui/misc";
import { can, type Permission } from "~/lib/permissions";
import type { loader } from "./route";

const ROLE_TEXT = {
  artist:
    "You are an artist in the program: your work, your quota and your statement are yours alone to see.",
  reviewer:
    "You are a reviewer: you decide on the clips artists submit, always with a reason they can read. You never see money.",
  admin: "You run the program: people, invitations, the audit log and the email outbox.",
} as const;

const workLinks: { to: string; title: string; text: string; permission: Permission }[] = [
  {
    to: "/studio",
    title: "Studio",
    text: "Generate clips within your monthly seconds, follow them through the queue, and see everything you have made.",
    permission: "studio:use",
  },
  {
    to: "/submissions",
    title: "Submissions",
    text: "Your clips sent for approval: where each stands, the reviewers' comments at their moments, and why.",
    permission: "studio:use",
  },
  {
    to: "/rights",
    title: "Rights",
    text: "Request rights to publish approved work; your licenses, their codes and terms.",
    permission: "studio:use",
  },
  {
    to: "/earnings",
    title: "Earnings",
    text: "Log testing hours and feedback reports, see the published rate card, and check your statement to the cent.",
    permission: "money:earn",
  },
  {
    to: "/review",
    title: "Review queue",
    text: "Waiting submissions, oldest first, against the review target. Open one to claim it.",
    permission: "review:work",
  },
];

/** The signed-in person's account, how the program works, and the parts of it they can open. */
export function HomePage() {
  const { user, access } = useLoaderData<typeof loader>();
  const adminLinks = [
    {
      to: "/admin/access",
      title: "Generation access",
      text: access
        ? `${access.openRequests} ${access.openRequests === 1 ? "request" : "requests"} for more seconds waiting · ${access.withoutAccess} ${access.withoutAccess === 1 ? "artist" : "artists"} without access · cohorts.`
        : "Requests for more seconds, artists without access, cohorts.",
    },
    {
      to: "/admin",
      title: "Dashboard",
      text: "Generation, the queue, review times, decisions, money and active artists, as charts with their numbers.",
    },
    {
      to: "/admin/people",
      title: "People",
      text: "Accounts, roles, trust tiers, suspension and reactivation.",
    },
    {
      to: "/admin/invites",
      title: "Invites",
      text: "Invite one person or many from a CSV; resend or revoke.",
    },
    {
      to: "/admin/rights",
      title: "Rights",
      text: "Grant, narrow, deny and revoke publishing rights; every license has a public code.",
    },
    {
      to: "/admin/money",
      title: "Money",
      text: "Approve contributions, award grants, publish the rate card and pay batches.",
    },
    {
      to: "/admin/flags",
      title: "Flags",
      text: "Accounts used from many addresses or far above their usual volume: dismiss or suspend.",
    },
    {
      to: "/admin/audit",
      title: "Audit log",
      text: "Every sensitive action: who, what, when and from where.",
    },
    {
      to: "/admin/outbox",
      title: "Outbox",
      text: "Every email the portal has sent or queued, with its links.",
    },
  ];
  return (
    <>
      <PageHeader
        title={`Hello, ${user.displayName || user.email}`}
        description={ROLE_TEXT[user.role]}
      />
      <div className="grid gap-4 md:grid-cols-3">
        <Card>
          <h2 className="text-sm font-semibold uppercase tracking-wide text-stone-600">
            Your account
          </h2>
          <dl className="mt-3 space-y-2 text-sm">
            <div className="flex justify-between gap-2">
              <dt className="text-stone-600">Email</dt>
              <dd className="truncate font-medium">{user.email}</dd>
            </div>
            <div className="flex justify-between gap-2">
              <dt className="text-stone-600">Role</dt>
              <dd>
                <Badge tone="green">{user.role}</Badge>
              </dd>
            </div>
            <div className="flex justify-between gap-2">
              <dt className="text-stone-600">Trust tier</dt>
              <dd>
                <Badge tone={user.trustTier === "trusted" ? "blue" : "stone"}>
                  {user.trustTier}
                </Badge>
              </dd>
            </div>
          </dl>
        </Card>
        <Card className="md:col-span-2">
          <h2 className="text-sm font-semibold uppercase tracking-wide text-stone-600">
            How this program works
          </h2>
          <ul className="mt-3 list-disc space-y-1 pl-5 text-sm text-stone-700">
            <li>
              Access is by invitation, per person, and every action on an account is recorded.
            </li>
            <li>Approval is visible: artists see where each clip stands, who decided and why.</li>
            <li>
              Contributions are paid by a published rate card, and statements reconcile to the cent.
            </li>
          </ul>
        </Card>
      </div>
      {workLinks.some((link) => can(user.role, link.permission)) ? (
        <div className="mt-8 grid gap-4 sm:grid-cols-2">
          {workLinks
            .filter((link) => can(user.role, link.permission))
            .map((link) => (
              <Link
                key={link.to}
                to={link.to}
                className="block rounded-lg border border-stone-200 bg-white p-4 shadow-sm hover:border-brand-700"
              >
                <span className="font-semibold text-brand-800">{link.title}</span>
                <span className="mt-1 block text-sm text-stone-600">{link.text}</span>
              </Link>
            ))}
        </div>
      ) : null}
      {can(user.role, "people:manage") ? (
        <div className="mt-8">
          <h2 className="mb-3 text-lg font-semibold">Administration</h2>
          <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
            {adminLinks.map((link) => (
              <Link
                key={link.to}
                to={link.to}
                className="rounded-lg border border-stone-200 bg-white p-4 shadow-sm hover:border-brand-700"
              >
                <span className="font-semibold text-brand-800">{link.title}</span>
                <span className="mt-1 block text-sm text-stone-600">{link.text}</span>
              </Link>
            ))}
          </div>
        </div>
      ) : null}
    </>
  );
}
