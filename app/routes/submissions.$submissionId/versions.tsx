import { useLoaderData } from "@remix-run/react";
import { TimecodedPlayer } from "~/components/review/timecoded-player";
import { formatDateTime } from "~/components/ui/misc";
import { ResubmitForm } from "./resubmit-form";
import type { loader } from "./route";

/**
 * The current version's player with the reviewers' comments (below the resubmit form once changes
 * are requested), then the earlier versions, folded.
 */
export function Versions() {
  const page = useLoaderData<typeof loader>();
  const s = page.submission;
  const current = page.versions.find((v) => v.number === s.currentVersion)!;
  const older = page.versions.filter((v) => v.number !== s.currentVersion).reverse();
  return (
    <div className="space-y-6">
      {s.state === "changes_requested" ? <ResubmitForm clipId={current.clipId} /> : null}
      <section aria-labelledby="current-version">
        <h2 id="current-version" className="mb-2 text-lg font-semibold">
          Version {current.number}
        </h2>
        {current.clipDeleted ? (
          <p className="text-sm text-stone-600">You deleted this clip.</p>
        ) : (
          <TimecodedPlayer
            clipId={current.clipId}
            label={`Version ${current.number}: ${s.title}`}
            comments={current.comments}
          />
        )}
      </section>
      {older.map((v) => (
        <details key={v.number} className="rounded-lg border border-stone-200 bg-white p-4">
          <summary className="cursor-pointer text-sm font-medium">
            Version {v.number} · {formatDateTime(v.createdAt)} · {v.comments.length} comment
            {v.comments.length === 1 ? "" : "s"}
          </summary>
          <div className="mt-3">
            {v.clipDeleted ? (
              <p className="text-sm text-stone-600">You deleted this clip.</p>
            ) : (
              <TimecodedPlayer
                clipId={v.clipId}
                label={`Version ${v.number}: ${s.title}`}
                comments={v.comments}
              />
            )}
          </div>
        </details>
      ))}
    </div>
  );
}
