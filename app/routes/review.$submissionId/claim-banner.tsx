import { Form, useFetcher, useLoaderData } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { Button } from "~/components/ui/button";
import { FormError } from "~/components/ui/field";
import { formatDateTime } from "~/components/ui/misc";
import { errorsFor } from "~/lib/intents";
import type { loader } from "./route";

/**
 * Who holds the item: the viewer (with a way to stop), someone else (an admin may release their
 * claim), nobody yet (the viewer claims it), or the viewer already approved this version.
 */
export function ClaimBanner() {
  const page = useLoaderData<typeof loader>();
  const fetcher = useFetcher();
  const s = page.submission;
  if (page.mine)
    return (
      <div className="flex flex-wrap items-center justify-between gap-3 rounded-md border border-sky-200 bg-sky-50 px-4 py-3 text-sm text-sky-950">
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
      <p className="rounded-md border border-green-200 bg-green-50 px-4 py-3 text-sm text-green-950">
        You approved this version. Commercial use needs a second approval from another reviewer.
      </p>
    );
  if (s.claimHolder && s.claimExpiresAt && (s.state === "pending" || s.state === "in_review"))
    return (
      <div
        role="status"
        className="flex flex-wrap items-center justify-between gap-3 rounded-md border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-950"
      >
        <p>
          <strong>{s.claimHolder}</strong> is reviewing this until{" "}
          {formatDateTime(s.claimExpiresAt)}. You can read it; deciding is theirs until the claim
          ends.
        </p>
        {page.canRelease ? (
          <fetcher.Form method="post">
            <input type="hidden" name="intent" value="release" />
            <Button type="submit" variant="secondary" busy={fetcher.state !== "idle"}>
              Release their claim
            </Button>
          </fetcher.Form>
        ) : null}
      </div>
    );
  return <ClaimOnOpen />;
}

/**
 * Opening the page claims the item for its viewer when the loader says so: posted, never a side
 * effect of the GET. With JavaScript it is sent at once; without, the button sends it.
 */
function ClaimOnOpen() {
  const page = useLoaderData<typeof loader>();
  const fetcher = useFetcher();
  const submit = useRef(fetcher.submit);
  submit.current = fetcher.submit;
  const wanted = page.claimOnOpen;
  const id = page.submission.id;
  useEffect(() => {
    if (wanted) submit.current({ intent: "claim" }, { method: "post" });
  }, [wanted, id]);
  // Only this fetcher's answer: a refusal of another form on the page is not about the claim.
  const refused = errorsFor(fetcher.data).form;
  if (refused) return <FormError message={refused} />;
  if (!wanted) return null;
  return (
    <fetcher.Form
      method="post"
      className="flex flex-wrap items-center justify-between gap-3 rounded-md border border-stone-200 bg-white px-4 py-3 text-sm"
    >
      <p>Claim this item to comment and decide; other reviewers will see that you have it.</p>
      <input type="hidden" name="intent" value="claim" />
      <Button type="submit" busy={fetcher.state !== "idle"}>
        {fetcher.state !== "idle" ? "Claiming…" : "Start reviewing"}
      </Button>
    </fetcher.Form>
  );
}
