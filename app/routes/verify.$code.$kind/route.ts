import type { LoaderFunctionArgs } from "@remix-run/node";
import { plainRefusal } from "~/.server/http";
import { UserError } from "~/.server/errors";
import { publicMedia } from "~/.server/rights/public";
import { serveObject } from "~/.server/storage/serve";

// A license's poster (always) and its short watermarked preview (only while the license is valid),
// for the public verification page. Every miss is the same plain 404.

const PLAIN = { "Content-Type": "text/plain" };
const notFound = () => new Response("Not found", { status: 404, headers: PLAIN });

/** The code's refusals (unknown, too many looks, the clip's file gone), thrown as plain text. */
function refuse(error: unknown): never {
  if (error instanceof UserError) throw plainRefusal(error, PLAIN);
  throw error;
}

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const kind = params.kind;
  if (kind !== "poster" && kind !== "preview") return notFound();
  const media = await publicMedia(context, params.code ?? "", context.clientIp, kind).catch(refuse);
  if (!media) return notFound();
  if (media.kind === "preview")
    return new Response(media.bytes, {
      headers: {
        "Content-Type": media.contentType,
        "Content-Length": String(media.bytes.length),
        "Cache-Control": "private, max-age=60",
      },
    });
  return serveObject(request, context.storage, media.key, { contentType: media.contentType });
}
