import { Link } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { EmptyState } from "~/components/ui/misc";

type Output = {
  id: string;
  prompt: string;
  durationSeconds: number;
  width: number;
  height: number;
  createdAt: string | Date;
};

export function OutputGrid({ outputs }: { outputs: Output[] }) {
  if (outputs.length === 0) {
    return (
      <div className="mt-3">
        <EmptyState title="No clips yet">Finished clips appear here as posters.</EmptyState>
      </div>
    );
  }
  return (
    <ul className="mt-3 grid grid-cols-2 gap-4 sm:grid-cols-3 lg:grid-cols-4">
      {outputs.map((clip) => (
        <li key={clip.id}>
          <ClipCard clip={clip} />
        </li>
      ))}
    </ul>
  );
}

function prefersReducedMotion() {
  return window.matchMedia("(prefers-reduced-motion: reduce)").matches;
}

/**
 * A finished clip as its poster. Under a mouse pointer or keyboard focus the clip itself plays,
 * muted and looping, over the poster: the video element exists only while previewing (nothing is
 * fetched until then) and stops when the pointer or focus leaves. With reduced motion asked for,
 * the poster stays still. Touch opens the clip as before.
 */
function ClipCard({ clip }: { clip: Output }) {
  const [previewing, setPreviewing] = useState(false);
  const video = useRef<HTMLVideoElement>(null);
  const start = () => {
    if (!prefersReducedMotion()) setPreviewing(true);
  };
  const stop = () => setPreviewing(false);

  useEffect(() => {
    const el = video.current;
    if (!previewing || !el) return;
    el.muted = true;
    // A refused play (a browser's autoplay policy) leaves the poster: nothing to report.
    el.play().catch(() => {});
    return () => el.pause();
  }, [previewing]);

  const poster = `/media/clips/${clip.id}/poster`;
  return (
    <Link
      to={`/studio/clips/${clip.id}`}
      onPointerEnter={(event) => {
        if (event.pointerType !== "touch") start();
      }}
      onPointerLeave={stop}
      onFocus={start}
      onBlur={stop}
      data-testid="clip-card"
      data-previewing={previewing || undefined}
      className="group block overflow-hidden rounded-xl border border-stone-200 bg-white shadow-sm transition-shadow hover:border-stone-300 hover:shadow-md focus-visible:outline-2"
    >
      <div className="palette-fixed relative flex aspect-video items-center justify-center bg-stone-900">
        <img
          src={poster}
          alt=""
          loading="lazy"
          width={clip.width}
          height={clip.height}
          className="max-h-full max-w-full object-contain"
        />
        {previewing ? (
          <video
            ref={video}
            src={`/media/clips/${clip.id}/video`}
            poster={poster}
            preload="none"
            muted
            loop
            playsInline
            aria-hidden="true"
            data-testid="clip-preview"
            className="absolute inset-0 h-full w-full object-contain"
          />
        ) : null}
        <span className="absolute bottom-1.5 right-1.5 rounded bg-stone-900/80 px-1.5 py-0.5 text-xs font-semibold tabular-nums text-stone-100">
          {Math.round(clip.durationSeconds)} s
        </span>
      </div>
      <div className="space-y-0.5 px-3 py-2.5">
        <p className="truncate text-sm font-medium text-stone-900 group-hover:underline">
          {clip.prompt}
        </p>
        <p className="text-xs text-stone-600">
          {clip.width}×{clip.height}
        </p>
      </div>
    </Link>
  );
}
