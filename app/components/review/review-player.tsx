import { useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import {
  FramePlayer,
  type PlayerHandle,
  type PlayerMarker,
  type PlayerSnapshot,
} from "~/components/player";
import { clipRate } from "~/lib/review";
import { CommentThread, type ThreadAbilities, type ThreadComment } from "./comment-thread";

/** A version's clip as the pages load it. */
export type VersionClip = {
  clipId: string;
  /** The artist deleted the clip: its comments stay, the picture is gone. */
  clipDeleted: boolean;
  frameRate: string;
  durationSeconds: number;
  width: number;
  height: number;
};

const firstWords = (text: string) => (text.length > 60 ? `${text.slice(0, 59)}…` : text);

/**
 * One version in the review room, the same for reviewers and artists: the frame-accurate player
 * with every comment on its timeline (drawings show on their frames, and whenever a comment is
 * chosen), then the threads. `commentForm` (the reviewer holding the claim) sits inside the
 * player, so its shortcuts and fullscreen include it; C puts the cursor in it.
 */
export function ReviewPlayer({
  clip,
  label,
  comments,
  abilities,
  commentForm,
  commentFieldId,
}: {
  clip: VersionClip;
  label: string;
  comments: ThreadComment[];
  abilities: ThreadAbilities;
  commentForm?: (snapshot: PlayerSnapshot) => ReactNode;
  /** The comment form's text field, focused by C. */
  commentFieldId?: string;
}) {
  const rate = useMemo(() => clipRate(clip.frameRate), [clip.frameRate]);
  const player = useRef<PlayerHandle>(null);
  const [selected, setSelected] = useState<number | null>(null);
  const markers: PlayerMarker[] = useMemo(
    () =>
      comments.map((c) => ({
        id: c.id,
        frame: c.frame,
        endFrame: c.endFrame ?? undefined,
        label: `${c.author}: ${firstWords(c.body)}${c.resolvedAt ? " (resolved)" : ""}`,
        annotation: c.annotation,
      })),
    [comments],
  );
  const open = comments.filter((c) => c.resolvedAt === null).length;

  const choose = (comment: ThreadComment) => {
    setSelected(comment.id);
    player.current?.seekToFrame(comment.frame);
  };

  // Arriving from a notification (…#comment-12): show that comment's frame and thread.
  useEffect(() => {
    const id = Number(/^#comment-(\d+)$/.exec(window.location.hash)?.[1]);
    const target = comments.find((c) => c.id === id);
    if (!target) return;
    setSelected(target.id);
    player.current?.seekToFrame(target.frame);
    document.getElementById(`comment-${target.id}`)?.scrollIntoView({ block: "center" });
    // Only on arrival: later changes to the list must not pull the view back.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  return (
    <div className="space-y-4">
      {clip.clipDeleted ? (
        <p className="rounded-lg border border-dashed border-stone-300 bg-white px-4 py-6 text-center text-sm text-stone-600">
          The artist deleted this clip. Its comments stay below.
        </p>
      ) : (
        <FramePlayer
          ref={player}
          src={`/media/clips/${clip.clipId}/video`}
          poster={`/media/clips/${clip.clipId}/poster`}
          label={label}
          rate={rate}
          durationSeconds={clip.durationSeconds}
          aspectRatio={clip.width > 0 && clip.height > 0 ? clip.width / clip.height : 16 / 9}
          markers={markers}
          selectedMarkerId={selected}
          onMarkerSelect={(marker) => {
            setSelected(Number(marker.id));
            document
              .getElementById(`comment-${marker.id}`)
              ?.scrollIntoView({ block: "nearest", behavior: "smooth" });
          }}
          annotate={commentForm !== undefined}
          onComment={
            commentForm && commentFieldId
              ? () => document.getElementById(commentFieldId)?.focus()
              : undefined
          }
        >
          {commentForm}
        </FramePlayer>
      )}
      <section aria-label={`Comments on ${label}`}>
        <h3 className="text-base font-semibold">
          Comments{" "}
          <span className="font-normal text-stone-600">
            ({comments.length}
            {comments.length > 0 ? ` · ${open} unresolved` : ""})
          </span>
        </h3>
        {comments.length === 0 ? (
          <p className="mt-1 text-sm text-stone-600">No comments on this version.</p>
        ) : (
          <ol className="mt-2 divide-y divide-stone-200 rounded-md border border-stone-200 bg-white">
            {comments.map((c) => (
              <CommentThread
                key={c.id}
                comment={c}
                rate={rate}
                selected={c.id === selected}
                onSelect={() => choose(c)}
                abilities={abilities}
              />
            ))}
          </ol>
        )}
      </section>
    </div>
  );
}
