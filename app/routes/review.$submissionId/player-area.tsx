import { useLoaderData } from "@remix-run/react";
import { TimecodedPlayer } from "~/components/review/timecoded-player";
import { Card, formatDateTime } from "~/components/ui/misc";
import { CommentForm } from "./comment-form";
import type { loader } from "./route";

/**
 * The current version's player with its comments (and the comment form while the reviewer holds
 * the claim), then the earlier versions, folded.
 */
export function PlayerArea() {
  const page = useLoaderData<typeof loader>();
  const { submission: s } = page;
  const current = page.versions.find((v) => v.number === page.current)!;
  const older = page.versions.filter((v) => v.number !== page.current).reverse();
  return (
    <div className="space-y-6">
      <TimecodedPlayer
        clipId={current.clipId}
        label={`Version ${current.number}: ${s.title}`}
        comments={current.comments}
      >
        {page.mine
          ? (video) => (
              <CommentForm video={video} version={current.number} commentKey={page.commentKey} />
            )
          : undefined}
      </TimecodedPlayer>
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
                <div className="mt-3">
                  <TimecodedPlayer
                    clipId={v.clipId}
                    label={`Version ${v.number}: ${s.title}`}
                    comments={v.comments}
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
