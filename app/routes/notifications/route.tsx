import { redirect, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { z } from "zod";
import { requireActor } from "~/.server/auth/guards";
import {
  intentAction,
  loadOrRespond,
  OTHER_INTENT,
  readQuery,
  routeHeaders,
  safeRedirect,
} from "~/.server/http";
import {
  listNotifications,
  markAllRead,
  markRead,
  NOTIFICATIONS_PAGE_SIZE,
  unreadCount,
} from "~/.server/notifications/inbox";
import { NotificationsPage } from "./notifications-page";

export const headers = routeHeaders;

export const meta: MetaFunction = () => [{ title: "Notifications · Greenroom" }];

const query = z.object({ cursor: z.string().optional().catch(undefined) });

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = requireActor(request, context, "notifications:view");
  const { cursor } = readQuery(request, query);
  return loadOrRespond(async () => {
    const [page, unread] = await Promise.all([
      listNotifications(context.db, user, { cursor, limit: NOTIFICATIONS_PAGE_SIZE }),
      unreadCount(context.db, user.id),
    ]);
    return { ...page, unread, isFirstPage: !cursor };
  });
}

const readInput = z.object({
  intent: z.literal("read"),
  id: z
    .string({ error: "Choose a notification." })
    .trim()
    .min(1, "Choose a notification.")
    .max(100, "That notification does not exist."),
});
const readAllInput = z.object({ intent: z.literal("read-all") });

export const action = intentAction("notifications:view", (intent) => ({
  read: intent({
    input: readInput,
    run: ({ id }, { db, actor }) => markRead(db, actor, id),
    // Opening a notification goes where it points, never off the site.
    then: ({ link }) => redirect(safeRedirect(link, "/notifications")),
  }),
  "read-all": intent({
    input: readAllInput,
    run: (_, { db, actor }) => markAllRead(db, actor),
    then: ({ marked }, { flash }) =>
      flash(
        "/notifications",
        marked === 0
          ? "Nothing was unread."
          : `Marked ${marked} notification${marked === 1 ? "" : "s"} as read.`,
      ),
  }),
  // Any other intent is refused as it always was: 422 on `intent`.
  [OTHER_INTENT]: intent({
    input: z.discriminatedUnion("intent", [readInput, readAllInput], {
      error: "Choose what to do.",
    }),
    run: async () => null,
  }),
}));

export default NotificationsPage;
