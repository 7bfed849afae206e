import type { LoaderFunctionArgs } from "@remix-run/node";
import { previewBytes, publicLicense } from "~/.server/rights/public";
import { serveObject } from "~/.server/storage/serve";
import { clips } from "~db/schema";
import { eq } from "drizzle-orm";

// A license's poster (always) and its short watermarked preview (only while the license is valid),
// for the public verification page.
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const kind = params.kind;
  if (kind !== "poster" && kind !== "preview")
    return new Response("Not found", { status: 404, headers: { "Content-Type": "text/plain" } });
  const license = await publicLicense(context.db, params.code ?? "", context.clientIp);
  if (kind === "preview") {
    if (license.status !== "valid")
      return new Response("Not found", { status: 404, headers: { "Content-Type": "text/plain" } });
    const bytes = await previewBytes(context.db, context.storage, license.clipId);
    return new Response(bytes, {
      headers: {
        "Content-Type": "video/mp4",
        "Content-Length": String(bytes.length),
        "Cache-Control": "private, max-age=60",
      },
    });
  }
  const [clip] = await context.db
    .select({ posterKey: clips.posterKey })
    .from(clips)
    .where(eq(clips.id, license.clipId));
  if (!clip) return new Response("Not found", { status: 404 });
  return serveObject(request, context.storage, clip.posterKey, { contentType: "image/jpeg" });
}
