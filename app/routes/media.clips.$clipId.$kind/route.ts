import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/.server/auth/guards";
import { UserError } from "~/.server/errors";
import { clipForMedia } from "~/.server/generation/studio";
import { serveObject } from "~/.server/storage/serve";

// The only way to a clip's video or poster: signed in, and allowed to see that clip. Video is served
// with Range support so the player can seek. Everyone else gets the same plain 404 (not the domain's
// message, as loadOrRespond would give): a media address says nothing about the clip.
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = requireUser(request, context);
  const kind = params.kind;
  if (kind !== "video" && kind !== "poster") throw new Response("Not found", { status: 404 });
  let clip;
  try {
    clip = await clipForMedia(context.db, user, params.clipId ?? "");
  } catch (error) {
    if (error instanceof UserError && error.status === 404)
      return new Response("Not found", { status: 404, headers: { "Content-Type": "text/plain" } });
    throw error;
  }
  return serveObject(request, context.storage, kind === "video" ? clip.videoKey : clip.posterKey, {
    contentType: kind === "video" ? "video/mp4" : "image/jpeg",
  });
}
