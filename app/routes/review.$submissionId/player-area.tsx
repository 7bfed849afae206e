import { Link, useLoaderData } from "@remix-run/react";
import { ExportComments } from "~/components/review/export-comments";
import { ReviewPlayer } from "~/components/review/review-player";
import { buttonClass } from "~/components/ui/button";
import { Card, formatDateTime } from "~/components/ui/misc";
import { COMMENT_FIELD_ID, CommentForm } from "./comment-form";
import type { loader } from "./route";

/**
 * The current version in the player with its threads (and the comment form while the reviewer
 * holds the claim), a way to compare it with earlier versions and to export its comments, then
 * the earlier versions, folded.
 */
export function PlayerArea() {
  const page = useLoaderData<typeof loader>();
  const { submission: s } = page;
  const current = page.versions.find((v) => v.number === page.current)!;
  const older = page.versions.filter((v) => v.number !== page.current).reverse();
  const abilities = { replyKey: page.replyKey, canResolve: true };
  return (
    <div className="space-y-6">
      <section aria-labelledby="current-version" className="space-y-3">
        <div className="flex flex-wrap items-center justify-between gap-2">
          <h2 id="current-version" className="text-lg font-semibold">
            Version {current.number}
          </h2>
          <div className="flex flex-wrap items-center gap-2">
            {older.length > 0 ? (
              <Link
                to={`/review/${s.id}/compare?b=${current.number}&a=${older[0]!.number}`}
                className={buttonClass("secondary")}
              >
                Compare versions
              </Link>
            ) : null}
            <ExportComments action={`/review/${s.id}/export`} version={current.number} />
          </div>
        </div>
        <ReviewPlayer
          clip={current}
          label={`Version ${current.number}: ${s.title}`}
          comments={current.comments}
          abilities={abilities}
          commentFieldId={page.mine ? COMMENT_FIELD_ID : undefined}
          commentForm={
            page.mine
              ? (snapshot) => (
                  <CommentForm
                    snapshot={snapshot}
                    version={current.number}
                    commentKey={page.commentKey}
                  />
                )
              : undefined
          }
        />
      </section>
      {older.length > 0 ? (
        <Card>
          <h2 className="text-lg font-semibold">Earlier versions</h2>
          <div className="mt-3 space-y-3">
            {older.map((v) => (
              <details key={v.number} className="rounded-md border border-stone-200 p-3">
                <summary className="cursor-pointer text-sm font-medium">
                  Version {v.number} · {formatDateTime(v.createdAt)} · {v.comments.length} comment
                  {v.comments.length === 1 ? "" : "s"}
                </summary>
                <div className="mt-3 space-y-3">
                  {v.note ? (
                    <p className="whitespace-pre-wrap text-sm text-stone-800">
                      <span className="font-semibold">Note with version {v.number}:</span> {v.note}
                    </p>
                  ) : null}
                  <ExportComments action={`/review/${s.id}/export`} version={v.number} />
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
        </Card>
      ) : null}
    </div>
  );
}
