import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { requireActor } from "~/.server/auth/guards";
import { routeHeaders, userErrorToResponse } from "~/.server/http";
import {
  beginProvenanceCheck,
  checkUploadedFile,
  formatMegabytes,
  MAX_UPLOAD_BYTES,
  provenanceUpload,
} from "~/.server/rights/provenance-check";
import { withUpload } from "~/.server/uploads";
import { ProvenancePage } from "./provenance-page";

export const headers = routeHeaders;

export const meta: MetaFunction = () => [{ title: "Check a file's provenance · Greenroom" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireActor(request, context, "provenance:check");
  return { maxBytes: MAX_UPLOAD_BYTES, maxLabel: formatMegabytes(MAX_UPLOAD_BYTES) };
}

/**
 * Written by hand, not with the intent runner: the runner reads a form into memory, and the file
 * must stream to disk under withUpload's limits. The throttle is counted before the upload starts.
 */
export async function action({ request, context }: ActionFunctionArgs) {
  const user = requireActor(request, context, "provenance:check");
  try {
    await beginProvenanceCheck(context.db, user);
    const report = await withUpload(request, provenanceUpload(), (file) =>
      checkUploadedFile(context.db, user, file, context.provenance),
    );
    return { ok: true as const, report };
  } catch (error) {
    return userErrorToResponse(error);
  }
}

export default ProvenancePage;
