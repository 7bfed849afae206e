import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { Button, buttonClass } from "~/components/ui/button";
import { FormError } from "~/components/ui/field";
import { Badge, Card, EmptyState, formatDateTime, PageHeader } from "~/components/ui/misc";
import { useIntentErrors } from "~/components/use-intent-errors";
import type { loader } from "./route";

/** The signed-in person's notifications, newest first, with a cursor to older ones. */
export function NotificationsPage() {
  const { notifications, nextCursor, unread, isFirstPage } = useLoaderData<typeof loader>();
  const errors = useIntentErrors();
  const navigation = useNavigation();
  const submitting = navigation.state === "submitting" ? navigation.formData : null;
  return (
    <>
      <PageHeader
        title="Notifications"
        description={
          unread > 0
            ? `What happened to your work and your reviews, newest first. ${unread} unread.`
            : "What happened to your work and your reviews, newest first."
        }
        actions={
          <div className="flex flex-wrap items-center gap-3">
            <Link to="/settings/notifications" className={buttonClass("ghost")}>
              Email settings
            </Link>
            {unread > 0 ? (
              <Form method="post">
                <input type="hidden" name="intent" value="read-all" />
                <Button
                  type="submit"
                  variant="secondary"
                  busy={submitting?.get("intent") === "read-all"}
                >
                  Mark all as read
                </Button>
              </Form>
            ) : null}
          </div>
        }
      />
      <FormError message={errors.form ?? errors.id ?? errors.intent} />
      {notifications.length === 0 ? (
        isFirstPage ? (
          <EmptyState title="No notifications yet">
            When a reviewer comments on or decides about a submission, you will find it here (and in
            your email).
          </EmptyState>
        ) : (
          <EmptyState title="No older notifications">
            <Link to="/notifications" className="font-medium text-brand-800 underline">
              Back to the newest
            </Link>
          </EmptyState>
        )
      ) : (
        <ul className="mt-4 space-y-3" aria-label="Notifications">
          {notifications.map((n) => {
            const isUnread = !n.readAt;
            return (
              <li key={n.id}>
                <Card className={isUnread ? "border-l-4 border-l-brand-700" : ""}>
                  <article aria-label={`${isUnread ? "Unread: " : ""}${n.title}`}>
                    <div className="flex flex-wrap items-start justify-between gap-3">
                      <div className="min-w-0 flex-1">
                        <h2
                          className={`flex flex-wrap items-center gap-2 ${isUnread ? "font-bold text-stone-900" : "font-medium text-stone-800"}`}
                        >
                          {isUnread ? <Badge tone="blue">Unread</Badge> : null}
                          <span>{n.title}</span>
                        </h2>
                        <p className="mt-1 whitespace-pre-line text-sm text-stone-700">{n.body}</p>
                        <p className="mt-2 text-xs text-stone-600">
                          <time dateTime={new Date(n.createdAt).toISOString()}>
                            {formatDateTime(n.createdAt)}
                          </time>
                        </p>
                      </div>
                      {isUnread ? (
                        <Form method="post">
                          <input type="hidden" name="intent" value="read" />
                          <input type="hidden" name="id" value={n.id} />
                          <Button
                            type="submit"
                            variant="secondary"
                            busy={submitting?.get("id") === n.id}
                          >
                            <span>
                              Open<span className="sr-only">: {n.title}</span>
                            </span>
                          </Button>
                        </Form>
                      ) : (
                        <Link to={n.link} className={buttonClass("secondary")}>
                          <span>
                            Open<span className="sr-only">: {n.title}</span>
                          </span>
                        </Link>
                      )}
                    </div>
                  </article>
                </Card>
              </li>
            );
          })}
        </ul>
      )}
      {!isFirstPage || nextCursor ? (
        <nav aria-label="Notification pages" className="mt-4 flex gap-2 text-sm">
          {!isFirstPage ? (
            <Link
              className="rounded-md border border-stone-300 bg-white px-3 py-1.5 hover:bg-stone-100"
              to="/notifications"
            >
              Newest
            </Link>
          ) : null}
          {nextCursor ? (
            <Link
              className="rounded-md border border-stone-300 bg-white px-3 py-1.5 hover:bg-stone-100"
              to={`/notifications?cursor=${encodeURIComponent(nextCursor)}`}
              rel="next"
            >
              Load older
            </Link>
          ) : null}
        </nav>
      ) : null}
    </>
  );
}
