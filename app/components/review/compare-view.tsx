import { Form, Link } from "@remix-run/react";
import { useMemo, useRef, useState } from "react";
import { ComparePlayer, type CompareHandle, type CompareSide } from "~/components/player";
import { Button } from "~/components/ui/button";
import { EmptyState, PageHeader } from "~/components/ui/misc";
import { clipRate } from "~/lib/review";
import { startOfFrame, type FrameRate } from "~/lib/timecode";
import { CommentThread, type ThreadComment } from "./comment-thread";
import type { VersionClip } from "./review-player";
import { ReviewRoom } from "./review-room";

export type CompareVersion = VersionClip & { number: number; comments: ThreadComment[] };

/**
 * Two versions of a submission against each other (the compare pages of reviewers and artists):
 * which ones, the synced player, and each version's comments beside it. Choosing a comment shows
 * its frame in both.
 */
export function CompareView({
  title,
  backTo,
  backLabel,
  choices,
  earlier,
  later,
}: {
  title: string;
  backTo: string;
  backLabel: string;
  choices: number[];
  earlier: CompareVersion | null;
  later: CompareVersion;
}) {
  const player = useRef<CompareHandle>(null);
  const [selected, setSelected] = useState<number | null>(null);
  const sideOf = (v: CompareVersion): CompareSide => ({
    src: `/media/clips/${v.clipId}/video`,
    poster: `/media/clips/${v.clipId}/poster`,
    label: `Version ${v.number}`,
    rate: clipRate(v.frameRate),
    durationSeconds: v.durationSeconds,
    aspectRatio: v.width > 0 && v.height > 0 ? v.width / v.height : 16 / 9,
    markers: v.comments.map((c) => ({
      id: c.id,
      frame: c.frame,
      endFrame: c.endFrame ?? undefined,
      label: c.body,
      annotation: c.annotation,
    })),
  });
  const sides = useMemo(
    () => (earlier ? { earlier: sideOf(earlier), later: sideOf(later) } : null),
    [earlier, later],
  );
  return (
    <ReviewRoom>
      <p className="mb-2 text-sm">
        <Link to={backTo} className="text-brand-800 underline">
          ← {backLabel}
        </Link>
      </p>
      <PageHeader
        title={`Compare versions · ${title}`}
        description="Both versions play and step together. Choose a comment to see its frame in both."
      />
      {!earlier || !sides ? (
        <EmptyState title="There is one version so far">
          Once the artist resubmits, you can compare the versions here.
        </EmptyState>
      ) : (
        <div className="space-y-6">
          <Form method="get" className="flex flex-wrap items-end gap-3 text-sm">
            <label className="space-y-1">
              <span className="block font-medium text-stone-800">Version</span>
              <select
                name="b"
                defaultValue={later.number}
                className="block rounded-md border border-stone-300 bg-white px-3 py-2"
              >
                {choices.slice(1).map((n) => (
                  <option key={n} value={n}>
                    Version {n}
                  </option>
                ))}
              </select>
            </label>
            <label className="space-y-1">
              <span className="block font-medium text-stone-800">Against</span>
              <select
                name="a"
                defaultValue={earlier.number}
                className="block rounded-md border border-stone-300 bg-white px-3 py-2"
              >
                {choices.slice(0, -1).map((n) => (
                  <option key={n} value={n}>
                    Version {n}
                  </option>
                ))}
              </select>
            </label>
            <Button type="submit" variant="secondary">
              Compare
            </Button>
          </Form>
          {earlier.clipDeleted || later.clipDeleted ? (
            <EmptyState title="A clip of these versions was deleted">
              The artist deleted the clip of version{" "}
              {earlier.clipDeleted ? earlier.number : later.number}; its comments stay below.
            </EmptyState>
          ) : (
            <ComparePlayer
              ref={player}
              key={`${earlier.number}-${later.number}`}
              earlier={sides.earlier}
              later={sides.later}
              selectedMarkerId={selected}
            />
          )}
          <div className="grid gap-6 md:grid-cols-2">
            {[earlier, later].map((v) => (
              <VersionComments
                key={v.number}
                version={v}
                rate={clipRate(v.frameRate)}
                selected={selected}
                onSelect={(comment, rate) => {
                  setSelected(comment.id);
                  player.current?.seekToSeconds(startOfFrame(comment.frame, rate));
                }}
              />
            ))}
          </div>
        </div>
      )}
    </ReviewRoom>
  );
}

function VersionComments({
  version,
  rate,
  selected,
  onSelect,
}: {
  version: CompareVersion;
  rate: FrameRate;
  selected: number | null;
  onSelect: (comment: ThreadComment, rate: FrameRate) => void;
}) {
  const open = version.comments.filter((c) => c.resolvedAt === null).length;
  return (
    <section aria-labelledby={`comments-v${version.number}`}>
      <h2 id={`comments-v${version.number}`} className="text-base font-semibold">
        Comments on version {version.number}{" "}
        <span className="font-normal text-stone-600">
          ({version.comments.length}
          {version.comments.length > 0 ? ` · ${open} unresolved` : ""})
        </span>
      </h2>
      {version.comments.length === 0 ? (
        <p className="mt-1 text-sm text-stone-600">No comments on this version.</p>
      ) : (
        <ol className="mt-2 divide-y divide-stone-200 rounded-md border border-stone-200 bg-white">
          {version.comments.map((c) => (
            <CommentThread
              key={c.id}
              comment={c}
              rate={rate}
              selected={c.id === selected}
              onSelect={() => onSelect(c, rate)}
              abilities={null}
            />
          ))}
        </ol>
      )}
    </section>
  );
}
