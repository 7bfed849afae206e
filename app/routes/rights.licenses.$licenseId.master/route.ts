import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireActor } from "~/.server/auth/guards";
import type { UserError } from "~/.server/errors";
import { downloadHeaders, fileResponse, plainRefusal, sendOrRefuse } from "~/.server/http";
import { describeMaster, prepareMaster } from "~/.server/rights/master";

// The watermark-free master of a licensed clip, as a download for the license's owner. Someone
// else's license is the same 404 as no license; a refusal says why in plain text.

const refuse = (error: UserError) =>
  plainRefusal(error, { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" });

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const owner = requireActor(request, context, "studio:use");
  const licenseId = params.licenseId ?? "";
  // Remix drops the body of a HEAD answer unread: check, but make (and record) nothing.
  if (request.method === "HEAD")
    return sendOrRefuse(
      () => describeMaster(context.db, owner, licenseId),
      (master) => new Response(null, { headers: downloadHeaders(master) }),
      refuse,
    );
  const deps = {
    db: context.db,
    storage: context.storage,
    provenance: context.provenance,
  };
  // The master's temporary folder goes once the file was sent, or the client went away.
  return sendOrRefuse(() => prepareMaster(deps, owner, licenseId), fileResponse, refuse);
}
