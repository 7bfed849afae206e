import { Form, useActionData, useFetcher, useLoaderData } from "@remix-run/react";
import { useEffect, useRef, type ReactNode } from "react";
import { Button } from "~/components/ui/button";
import { FormError } from "~/components/ui/field";
import { formatDateTime } from "~/components/ui/misc";
import { errorsFor } from "~/lib/intents";
import type { loader } from "./route";

/** The keyed fetchers whose refusals may be about the claim (ADR 0019). */
export const CLAIM_FETCHER = "claim";
export const COMMENT_FETCHER = "comment";
export const RENEW_FETCHER = "renew";

/**
 * Why the viewer's last write was refused over the claim (released, ran out, taken), from any of
 * the page's forms: a document post without JavaScript, or the comment, renewal or claim fetcher
 * with it. Only while the viewer does not hold the item: a refusal they already overcame is old.
 */
function useClaimNotice(mine: boolean) {
  const actionData = useActionData();
  const comment = useFetcher({ key: COMMENT_FETCHER });
  const renew = useFetcher({ key: RENEW_FETCHER });
  const claim = useFetcher({ key: CLAIM_FETCHER });
  if (mine) return null;
  return (
    errorsFor(actionData).claim ??
    errorsFor(actionData, { form: "claim" }).form ??
    errorsFor(comment.data).claim ??
    errorsFor(renew.data).claim ??
    errorsFor(claim.data).form ??
    null
  );
}

const box = "flex flex-wrap items-center justify-between gap-3 rounded-md border px-4 py-3 text-sm";

/**
 * Who holds the item: the viewer (with a way to stop), someone else (an admin may release their
 * claim), nobody after an admin released the viewer's claim (they may claim it again), nobody yet
 * (the viewer claims it), or the viewer already approved this version. Above it, why the viewer's
 * last write was refused, if it was over the claim.
 */
export function ClaimBanner() {
  const page = useLoaderData<typeof loader>();
  const notice = useClaimNotice(page.mine);
  return (
    <div className="space-y-2" data-testid="claim-banner">
      <FormError message={notice} />
      <ClaimState />
    </div>
  );
}

function ClaimState() {
  const page = useLoaderData<typeof loader>();
  const release = useFetcher();
  const s = page.submission;
  const releasedLine = page.released ? (
    <>
      {page.released.by} released your claim
      {page.released.at ? ` at ${formatDateTime(page.released.at)}` : ""}.{" "}
    </>
  ) : null;
  if (page.mine)
    return (
      <div className={`${box} border-sky-200 bg-sky-50 text-sky-950`}>
        <p>
          You are reviewing this. Others see that it is yours until{" "}
          {s.claimExpiresAt ? formatDateTime(s.claimExpiresAt) : "you leave"}; the claim renews
          every few minutes while you work on this page, and ends if you leave it idle.
        </p>
        <Form method="post">
          <input type="hidden" name="intent" value="release" />
          <Button type="submit" variant="secondary">
            Stop reviewing
          </Button>
        </Form>
      </div>
    );
  if (page.alreadyApproved)
    return (
      <p className={`${box} border-green-200 bg-green-50 text-green-950`}>
        You approved this version. Commercial use needs a second approval from another reviewer.
      </p>
    );
  if (s.claimHolder && s.claimExpiresAt)
    return (
      <div role="status" className={`${box} border-amber-200 bg-amber-50 text-amber-950`}>
        <p>
          {releasedLine}
          <strong>{s.claimHolder}</strong> is reviewing this until{" "}
          {formatDateTime(s.claimExpiresAt)}. You can read it; commenting and deciding are theirs
          until the claim ends.
        </p>
        {page.canRelease ? (
          <release.Form method="post">
            <input type="hidden" name="intent" value="release" />
            <Button type="submit" variant="secondary" busy={release.state !== "idle"}>
              Release their claim
            </Button>
          </release.Form>
        ) : null}
      </div>
    );
  if (page.released && (s.state === "pending" || s.state === "in_review"))
    return (
      <ClaimForm
        tone="amber"
        text={
          <>
            {releasedLine}Nobody is reviewing this now. Your comments and decision wait until you
            claim it again.
          </>
        }
        button="Claim it again"
      />
    );
  return <ClaimOnOpen />;
}

/** A claim asked for by a button: without JavaScript, or after an admin released the claim. */
function ClaimForm({
  text,
  button,
  tone,
}: {
  text: ReactNode;
  button: string;
  tone: "amber" | "plain";
}) {
  const fetcher = useFetcher({ key: CLAIM_FETCHER });
  return (
    <fetcher.Form
      method="post"
      className={`${box} ${tone === "amber" ? "border-amber-200 bg-amber-50 text-amber-950" : "border-stone-200 bg-white"}`}
    >
      <p>{text}</p>
      <input type="hidden" name="intent" value="claim" />
      <Button type="submit" busy={fetcher.state !== "idle"}>
        {fetcher.state !== "idle" ? "Claiming…" : button}
      </Button>
    </fetcher.Form>
  );
}

/**
 * Opening the page claims the item for its viewer when the loader says so: posted, never a side
 * effect of the GET, and marked as the page's own (`onOpen`), which the server refuses to someone
 * whose claim an admin released. With JavaScript it is sent at once; without, the button sends it.
 */
function ClaimOnOpen() {
  const page = useLoaderData<typeof loader>();
  const fetcher = useFetcher({ key: CLAIM_FETCHER });
  const submit = useRef(fetcher.submit);
  submit.current = fetcher.submit;
  const wanted = page.claimOnOpen;
  const id = page.submission.id;
  useEffect(() => {
    if (wanted) submit.current({ intent: "claim", onOpen: "1" }, { method: "post" });
  }, [wanted, id]);
  if (!wanted) return null;
  return (
    <ClaimForm
      tone="plain"
      text="Claim this item to comment and decide; other reviewers will see that you have it."
      button="Start reviewing"
    />
  );
}
