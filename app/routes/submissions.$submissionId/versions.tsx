import { Link, useLoaderData } from "@remix-run/react";
import { ExportComments } from "~/components/review/export-comments";
import { ReviewPlayer } from "~/components/review/review-player";
import { buttonClass } from "~/components/ui/button";
import { formatDateTime } from "~/components/ui/misc";
import { ResubmitForm } from "./resubmit-form";
import type { loader } from "./route";

/**
 * The current version in the player with the reviewers' comments, their drawings and the threads
 * (below the resubmit form once changes are requested), then the earlier versions, folded. The
 * artist answers and resolves threads until the submission is withdrawn.
 */
export function Versions() {
  const page = useLoaderData<typeof loader>();
  const s = page.submission;
  const current = page.versions.find((v) => v.number === s.currentVersion)!;
  const older = page.versions.filter((v) => v.number !== s.currentVersion).reverse();
  const abilities = s.state === "withdrawn" ? null : { replyKey: page.replyKey, canResolve: true };
  return (
    <div className="space-y-6">
      {s.state === "changes_requested" ? <ResubmitForm clipId={current.clipId} /> : null}
      <section aria-labelledby="current-version" className="space-y-3">
        <div className="flex flex-wrap items-center justify-between gap-2">
          <h2 id="current-version" className="text-lg font-semibold">
            Version {current.number}
          </h2>
          <div className="flex flex-wrap items-center gap-2">
            {older.length > 0 ? (
              <Link
                to={`/submissions/${s.id}/compare?b=${current.number}&a=${older[0]!.number}`}
                className={buttonClass("secondary")}
              >
                Compare versions
              </Link>
            ) : null}
            <ExportComments action={`/submissions/${s.id}/export`} version={current.number} />
          </div>
        </div>
        <ReviewPlayer
          clip={current}
          label={`Version ${current.number}: ${s.title}`}
          comments={current.comments}
          abilities={abilities}
        />
      </section>
      {older.map((v) => (
        <details key={v.number} className="rounded-lg border border-stone-200 bg-white p-4">
          <summary className="cursor-pointer text-sm font-medium">
            Version {v.number} · {formatDateTime(v.createdAt)} · {v.comments.length} comment
            {v.comments.length === 1 ? "" : "s"}
          </summary>
          <div className="mt-3 space-y-3">
            <ExportComments action={`/submissions/${s.id}/export`} version={v.number} />
            <ReviewPlayer
              clip={v}
              label={`Version ${v.number}: ${s.title}`}
              comments={v.comments}
              abilities={abilities}
            />
          </div>
        </details>
      ))}
    </div>
  );
}
