import { AsyncLocalStorage } from "node:async_hooks";
import { Writable } from "node:stream";
import type {
  AppLoadContext,
  EntryContext,
  HandleDataRequestFunction,
  HandleErrorFunction,
} from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { renderToPipeableStream } from "react-dom/server";
import { redactUrl } from "./.server/redact";
import { NonceProvider } from "./components/nonce";
import { isTimeZone, setTimeZoneResolver } from "./lib/time-zone";

// Each request renders in its viewer's time zone; renders interleave, so the zone travels with
// the request's async context rather than in a shared variable.
const viewerZone = new AsyncLocalStorage<string>();
setTimeZoneResolver(() => viewerZone.getStore() ?? "UTC");

export const streamTimeout = 5_000;

/**
 * Renders the whole document, then answers with it in one piece. No page suspends (loaders finish
 * before rendering, and nothing is deferred), so streaming sent the same bytes no sooner, but in
 * dozens of small chunks, each paying its way through a web stream, the compression middleware and
 * a socket write: about a fifth of a small page's time in the benchmark (docs/decisions/0015).
 */
export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  keepPrivate(responseHeaders, loadContext);
  const stored = loadContext.auth?.user?.timeZone;
  const zone = stored && isTimeZone(stored) ? stored : "UTC";
  return viewerZone.run(zone, () =>
    render(request, responseStatusCode, responseHeaders, remixContext, loadContext),
  );
}

function render(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const nonce = loadContext.cspNonce;
  return new Promise<Response>((resolve, reject) => {
    let shellReady = false;
    let shellFailed = false;
    const chunks: Buffer[] = [];
    const document = new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk);
        done();
      },
      final(done) {
        responseHeaders.set("Content-Type", "text/html; charset=utf-8");
        resolve(
          new Response(Buffer.concat(chunks), {
            headers: responseHeaders,
            status: responseStatusCode,
          }),
        );
        done();
      },
    });
    const { pipe, abort } = renderToPipeableStream(
      <NonceProvider value={nonce}>
        <RemixServer context={remixContext} url={request.url} nonce={nonce} />
      </NonceProvider>,
      {
        nonce,
        onShellReady() {
          shellReady = true;
        },
        onAllReady() {
          if (!shellFailed) pipe(document);
        },
        onShellError(error: unknown) {
          shellFailed = true;
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          // Before the shell, onShellError rejects and Remix's handleError logs it.
          if (shellReady) loadContext.logger?.error({ err: error }, "render error");
        },
      },
    );
    setTimeout(abort, streamTimeout + 1000);
  });
}

/**
 * A signed-in person's pages and data are theirs alone: no shared cache or browser history may
 * keep them (a page left on a shared computer, a proxy that caches by URL).
 */
function keepPrivate(headers: Headers, context: AppLoadContext) {
  if (context.auth?.user) headers.set("Cache-Control", "private, no-store");
}

/** Every `.data` answer (single fetch) passes here, like every document passes handleRequest. */
export const handleDataRequest: HandleDataRequestFunction = (response, { context }) => {
  keepPrivate(response.headers, context);
  return response;
};

// Log unexpected errors with the request id; Remix never sends their details to the browser in
// production, and our error boundary shows a plain message.
export const handleError: HandleErrorFunction = (error, { request, context }) => {
  if (request.signal.aborted) return;
  if (error instanceof Response) return;
  context.logger?.error({ err: error, url: redactUrl(request.url) }, "unhandled error");
};
