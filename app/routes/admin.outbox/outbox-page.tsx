import { useLoaderData } from "@remix-run/react";
import { StatusBadge } from "~/components/status-badge";
import { FilterTabs } from "~/components/ui/filters";
import { EmptyState, formatDateTime, PageHeader, Pagination } from "~/components/ui/misc";
import type { loader } from "./route";

/** Every email the portal sent or queued, with its links (never a secret one). */
export function OutboxPage() {
  const { messages, total, pageSize, status, page, provider } = useLoaderData<typeof loader>();
  return (
    <>
      <PageHeader
        title="Outbox"
        description={
          provider
            ? `Every email the portal sends is recorded here and delivered through ${provider}, with retries. Password-reset links go to their owner only and are never shown here.`
            : "No email provider is configured (RESEND_API_KEY is empty), so email is delivered here: open invite links below as the recipient would. Password-reset links are never shown here; in demo and development mode they appear once on the server's console."
        }
      />
      <div className="mb-4">
        <FilterTabs
          label="Filter messages"
          param="status"
          values={["queued", "sent", "failed"]}
          current={status}
        />
      </div>
      {messages.length === 0 ? (
        <EmptyState title="No messages yet">
          Invitations and password resets appear here as soon as they are sent.
        </EmptyState>
      ) : (
        <ul className="space-y-3">
          {messages.map((message) => (
            <li
              key={message.id}
              className="rounded-lg border border-stone-200 bg-white p-4 shadow-sm"
            >
              <article aria-label={`${message.subject} to ${message.recipient}`}>
                <div className="flex flex-wrap items-start justify-between gap-2">
                  <div>
                    <h2 className="font-semibold">{message.subject}</h2>
                    <p className="text-sm text-stone-600">
                      To <span className="font-medium text-stone-800">{message.recipient}</span> ·{" "}
                      {message.template} · {formatDateTime(message.createdAt)}
                    </p>
                  </div>
                  <div className="text-right text-xs text-stone-600">
                    <StatusBadge status={message.status} />
                    <p className="mt-1">
                      {message.attempts} attempt{message.attempts === 1 ? "" : "s"}
                      {message.providerMessageId ? ` · id ${message.providerMessageId}` : ""}
                    </p>
                  </div>
                </div>
                {message.error ? (
                  <p className="mt-2 text-sm text-red-800">Last error: {message.error}</p>
                ) : null}
                {message.secretWithheld ? (
                  <p className="mt-2 text-sm text-stone-700">
                    {message.provider === "console"
                      ? "Its secret link was shown once on the server's console (demo mode), not here."
                      : message.status === "sent"
                        ? "Its secret link went to the recipient only, and is not kept."
                        : "Its secret link goes to the recipient only, and is not shown here."}
                  </p>
                ) : null}
                {message.links.length > 0 ? (
                  <ul className="mt-3 space-y-1 text-sm">
                    {message.links.map((href) => (
                      <li key={href}>
                        <a href={href} className="break-all font-medium text-brand-800 underline">
                          {href}
                        </a>
                      </li>
                    ))}
                  </ul>
                ) : null}
                <details className="mt-3">
                  <summary className="cursor-pointer text-sm text-stone-700">
                    Show the text of the message
                  </summary>
                  <pre className="mt-2 max-h-72 overflow-auto whitespace-pre-wrap rounded bg-stone-50 p-3 text-xs">
                    {message.text}
                  </pre>
                </details>
              </article>
            </li>
          ))}
        </ul>
      )}
      <Pagination page={page} pageSize={pageSize} total={total} label="Messages" />
    </>
  );
}
