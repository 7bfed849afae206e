import { rememberTimeZone, timeZoneInput } from "~/.server/access/time-zone";
import { intentAction, OTHER_INTENT } from "~/.server/http";

// Posted by the root (app/root.tsx) when the browser's time zone differs from the one stored on
// the account; answers data, not a page, so the fetcher's revalidation re-renders times in it.
export const action = intentAction("home:view", (intent) => {
  const save = intent({
    input: timeZoneInput,
    run: ({ timeZone }, { db, actor }) => rememberTimeZone(db, actor, timeZone),
    then: ({ timeZone }) => ({ ok: true as const, timeZone }),
  });
  return { save, [OTHER_INTENT]: save };
});
