import type { LoaderFunctionArgs } from "@remix-run/node";
import { actingUser, requirePermission } from "~/.server/auth/guards";
import { UserError } from "~/.server/errors";
import {
  masterDownloadName,
  masterHeaders,
  masterLicense,
  masterResponse,
  prepareMaster,
} from "~/.server/rights/master";

// The watermark-free master of a licensed clip, as a download for the license's owner. Someone
// else's license is the same 404 as no license; a refusal says why in plain text.
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = requirePermission(request, context, "studio:use");
  const owner = actingUser(request, context, user);
  const licenseId = params.licenseId ?? "";
  try {
    // Remix drops the body of a HEAD answer unread: check, but make (and record) nothing.
    if (request.method === "HEAD") {
      const { license } = await masterLicense(context.db, owner, licenseId);
      return new Response(null, { headers: masterHeaders(masterDownloadName(license.code)) });
    }
    const master = await prepareMaster(
      { db: context.db, storage: context.storage, provenanceSecret: context.env.PROVENANCE_SECRET },
      owner,
      licenseId,
    );
    return masterResponse(master);
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    return new Response(error.message, {
      status: error.status,
      headers: {
        "Content-Type": "text/plain; charset=utf-8",
        "Cache-Control": "no-store",
        ...error.headers,
      },
    });
  }
}
