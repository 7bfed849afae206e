import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireActor } from "~/.server/auth/guards";

// The studio's live updates: one Server-Sent Events stream per open studio tab, for the signed-in
// artist only (live/live-service.ts; ADR 0020). The browser's EventSource reconnects by itself and
// sends Last-Event-ID; the stream ends on sign-out, suspension or a server restart.
export function loader({ request, context }: LoaderFunctionArgs) {
  const artist = requireActor(request, context, "studio:use");
  return context.live.stream({
    user: artist,
    sessionId: context.auth.sessionId,
    lastEventId:
      request.headers.get("last-event-id") ?? new URL(request.url).searchParams.get("lastEventId"),
    signal: request.signal,
  });
}
