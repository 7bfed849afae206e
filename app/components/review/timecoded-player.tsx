import { useRef, type ReactNode, type RefObject } from "react";
import { formatDateTime } from "~/components/ui/misc";
import { formatTimecode } from "~/lib/review";

export type TimedComment = {
  id: number;
  atSeconds: number;
  body: string;
  author: string;
  createdAt: string | Date;
};

/**
 * A clip with its timecoded comments beside it: choosing a comment's time seeks the player there
 * and pauses, so reviewer and artist look at the same frame. `children` gets the player for a
 * comment form that reads its current time.
 */
export function TimecodedPlayer({
  clipId,
  label,
  comments,
  children,
}: {
  clipId: string;
  label: string;
  comments: TimedComment[];
  children?: (video: RefObject<HTMLVideoElement>) => ReactNode;
}) {
  const video = useRef<HTMLVideoElement>(null);
  const seek = (seconds: number) => {
    const player = video.current;
    if (!player) return;
    player.pause();
    player.currentTime = seconds;
    player.focus();
  };
  return (
    <div className="space-y-4">
      <div className="overflow-hidden rounded-lg bg-stone-900">
        {/* eslint-disable-next-line jsx-a11y/media-has-caption -- generated clips have no speech */}
        <video
          ref={video}
          controls
          preload="metadata"
          playsInline
          poster={`/media/clips/${clipId}/poster`}
          src={`/media/clips/${clipId}/video`}
          className="mx-auto max-h-[60vh] w-full"
          aria-label={label}
          data-testid="review-player"
        />
      </div>
      {children?.(video)}
      <section aria-label="Comments">
        <h3 className="text-base font-semibold">
          Comments <span className="font-normal text-stone-600">({comments.length})</span>
        </h3>
        {comments.length === 0 ? (
          <p className="mt-1 text-sm text-stone-600">No comments on this version.</p>
        ) : (
          <ol className="mt-2 divide-y divide-stone-200 rounded-md border border-stone-200 bg-white">
            {comments.map((c) => (
              <li key={c.id} id={`comment-${c.id}`} className="flex gap-3 p-3 text-sm">
                <button
                  type="button"
                  onClick={() => seek(c.atSeconds)}
                  className="h-fit shrink-0 rounded bg-stone-100 px-2 py-0.5 font-mono text-xs font-semibold text-brand-900 hover:bg-brand-100"
                  aria-label={`Play from ${formatTimecode(c.atSeconds)}`}
                >
                  {formatTimecode(c.atSeconds)}
                </button>
                <div className="min-w-0">
                  <p className="whitespace-pre-wrap break-words text-stone-900">{c.body}</p>
                  <p className="mt-1 text-xs text-stone-600">
                    {c.author} · {formatDateTime(c.createdAt)}
                  </p>
                </div>
              </li>
            ))}
          </ol>
        )}
      </section>
    </div>
  );
}
