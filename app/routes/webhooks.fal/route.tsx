import type { ActionFunctionArgs } from "@remix-run/node";
import { handleWebhook } from "~/.server/http/webhooks";

// fal's signed webhook: a finished run is picked up at once (app/.server/generation/webhooks.ts).
// Not a page: no loader (a GET is 404), and no session or origin: the signature is the proof.

export function loader() {
  throw new Response("Not found.", { status: 404 });
}

export const action = ({ request, context }: ActionFunctionArgs) =>
  handleWebhook("fal", request, context);
