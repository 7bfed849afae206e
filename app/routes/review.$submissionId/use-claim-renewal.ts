import { useFetcher } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { CLAIM_RENEW_MINUTES } from "~/lib/review";
import { RENEW_FETCHER } from "./claim-banner";

/**
 * Keeps the claim while the reviewer is working: every 5 minutes, if they touched the page (a
 * click, a key, the player running) since the last renewal. An idle tab lets the lease run out.
 * A refused renewal (the claim was released or ran out) reloads the page's data, and the claim
 * banner says why and who holds the item now.
 */
export function useClaimRenewal(mine: boolean) {
  const fetcher = useFetcher({ key: RENEW_FETCHER });
  const submit = useRef(fetcher.submit);
  submit.current = fetcher.submit;
  useEffect(() => {
    if (!mine) return;
    let active = false;
    const mark = () => {
      active = true;
    };
    const events = ["pointerdown", "keydown", "timeupdate"] as const;
    // Media events do not bubble; listening in the capture phase still sees the player's.
    for (const name of events) document.addEventListener(name, mark, true);
    const every = CLAIM_RENEW_MINUTES * 60_000;
    const timer = setInterval(() => {
      if (!active) return;
      active = false;
      submit.current({ intent: "renew" }, { method: "post" });
    }, every);
    return () => {
      clearInterval(timer);
      for (const name of events) document.removeEventListener(name, mark, true);
    };
  }, [mine]);
}
