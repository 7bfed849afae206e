import { forwardRef, useEffect, useId, useImperativeHandle, useRef, useState } from "react";
import {
  clampFrame,
  formatTimecode,
  frameAt,
  frameCount,
  lastFrameOf,
  secondsOfFrame,
  type FrameRate,
} from "~/lib/timecode";
import { AnnotationLayer } from "./annotation-layer";
import { shapesOnFrame } from "./frame-player";
import { NextFrameIcon, PauseIcon, PlayIcon, PreviousFrameIcon } from "./icons";
import { SPEEDS, isSpeed, speedLabel, type Speed } from "./shuttle";
import { controlClass } from "./styles";
import type { PlayerMarker } from "./types";
import { useFrameClock } from "./use-frame-clock";
import { useShortcuts } from "./use-shortcuts";

/** One of the two versions: its clip (own rate and length), name and comments. */
export type CompareSide = {
  src: string;
  poster?: string;
  /** "Version 1", shown above its picture and naming its video. */
  label: string;
  rate: FrameRate;
  durationSeconds: number;
  aspectRatio: number;
  markers: PlayerMarker[];
};

export type CompareMode = "side" | "wipe" | "overlay";

const MODES: { mode: CompareMode; label: string }[] = [
  { mode: "side", label: "Side by side" },
  { mode: "wipe", label: "Wipe" },
  { mode: "overlay", label: "Overlay" },
];

/** What a page can ask: show a moment (seconds into both clips), e.g. a comment's frame. */
export type CompareHandle = { seekToSeconds: (seconds: number) => void };

/**
 * Two versions played as one: the longer clip is the clock, the other follows it (re-seeked when
 * it drifts by more than a frame while playing, and to the exact frame on every pause and step).
 * Side by side, with each side's drawings on the frames they cover; a wipe (the earlier version
 * left of the line, the later right); or an overlay (the later over the earlier, at an opacity).
 * Each side shows its own timecode at its own frame rate.
 */
export const ComparePlayer = forwardRef<
  CompareHandle,
  { earlier: CompareSide; later: CompareSide; selectedMarkerId?: PlayerMarker["id"] | null }
>(function ComparePlayer({ earlier, later, selectedMarkerId = null }, handle) {
  const container = useRef<HTMLDivElement>(null);
  const earlierVideo = useRef<HTMLVideoElement>(null);
  const laterVideo = useRef<HTMLVideoElement>(null);
  // The clock is the longer clip, so every frame of both can be reached.
  const clockIsLater = later.durationSeconds >= earlier.durationSeconds;
  const clock = clockIsLater ? later : earlier;
  const clockVideo = clockIsLater ? laterVideo : earlierVideo;
  const followerVideo = clockIsLater ? earlierVideo : laterVideo;
  const follower = clockIsLater ? earlier : later;
  const lastFrame = lastFrameOf(clock.durationSeconds, clock.rate);
  const followerLast = lastFrameOf(follower.durationSeconds, follower.rate);

  const [mode, setMode] = useState<CompareMode>("side");
  const [wipe, setWipe] = useState(50);
  const [opacity, setOpacity] = useState(50);
  const [speed, setSpeed] = useState<Speed>(1);
  const [announcement, setAnnouncement] = useState("");
  const ids = useId();

  /** The follower's frame at the clock's frame: the one on screen at that moment. */
  const followerFrameAt = (clockFrame: number) =>
    clampFrame(frameAt(secondsOfFrame(clockFrame, clock.rate), follower.rate), followerLast);

  const seekFollower = (clockFrame: number) => {
    const element = followerVideo.current;
    if (!element) return;
    const seconds = secondsOfFrame(followerFrameAt(clockFrame), follower.rate);
    if (Math.abs(element.currentTime - seconds) > 1e-6) element.currentTime = seconds;
  };

  const { frame, frameRef, playing, showFrame } = useFrameClock(clockVideo, clock.rate, {
    lastFrame,
    onPlaybackFrame: (_shown, mediaTime) => {
      const element = followerVideo.current;
      if (!element || element.seeking) return;
      const target = Math.min(mediaTime, follower.durationSeconds);
      const drift =
        Math.abs(element.currentTime - target) * (follower.rate.num / follower.rate.den);
      if (drift > 1.5) element.currentTime = target;
      if (mediaTime >= follower.durationSeconds && !element.paused) element.pause();
    },
    onEnded: () => followerVideo.current?.pause(),
  });

  useEffect(() => {
    for (const v of [earlierVideo.current, laterVideo.current])
      if (v) v.playbackRate = v.defaultPlaybackRate = speed;
  }, [speed]);

  const announce = (text: string) =>
    setAnnouncement((previous) => (previous === text ? `${text}\u00a0` : text));

  const pause = () => {
    clockVideo.current?.pause();
    followerVideo.current?.pause();
  };

  const goTo = (target: number, speak = true) => {
    const landed = clampFrame(target, lastFrame);
    pause();
    showFrame(landed);
    seekFollower(landed);
    if (speak)
      announce(
        `${later.label} ${formatTimecode(sideFrame(later, landed), later.rate)}, ${earlier.label} ${formatTimecode(sideFrame(earlier, landed), earlier.rate)}`,
      );
  };

  const play = () => {
    const main = clockVideo.current;
    const other = followerVideo.current;
    if (!main) return;
    if (frameRef.current >= lastFrame) goTo(0, false);
    seekFollower(frameRef.current);
    void main.play().catch(() => undefined);
    if (other && frameRef.current <= followerLast) void other.play().catch(() => undefined);
  };

  const togglePlay = () => (clockVideo.current?.paused === false ? goTo(frameRef.current) : play());

  /** The frame of `side` at the clock's frame. */
  const sideFrame = (side: CompareSide, clockFrame: number) =>
    side === clock ? clockFrame : followerFrameAt(clockFrame);

  useImperativeHandle(handle, () => ({
    seekToSeconds: (seconds: number) => goTo(frameAt(seconds, clock.rate)),
  }));

  useShortcuts(container, {
    " ": togglePlay,
    ",": () => goTo(frameRef.current - 1),
    ".": () => goTo(frameRef.current + 1),
    Home: () => goTo(0),
    End: () => goTo(lastFrame),
  });

  const stacked = mode !== "side";
  const aspect = clock.aspectRatio > 0 ? clock.aspectRatio : 16 / 9;
  const sides = [
    { side: earlier, video: earlierVideo, key: "earlier" as const },
    { side: later, video: laterVideo, key: "later" as const },
  ];

  return (
    <div
      ref={container}
      role="region"
      aria-label={`Compare ${later.label} with ${earlier.label}`}
      tabIndex={-1}
      className="palette-fixed overflow-hidden rounded-lg bg-stone-900 text-stone-100 outline-none"
      data-testid="compare-player"
    >
      <div
        className={
          stacked ? "relative mx-auto w-full bg-black" : "grid gap-1 bg-black sm:grid-cols-2"
        }
        style={stacked ? { aspectRatio: aspect, maxHeight: "70vh" } : undefined}
      >
        {sides.map(({ side, video, key }) => {
          const onTop = key === "later";
          const here = sideFrame(side, frame);
          const style =
            mode === "wipe" && onTop
              ? { clipPath: `inset(0 0 0 ${wipe}%)` }
              : mode === "overlay" && onTop
                ? { opacity: opacity / 100 }
                : undefined;
          return (
            <div
              key={key}
              className={stacked ? "absolute inset-0 flex flex-col" : "relative flex flex-col"}
              style={style}
            >
              <p
                className={`z-10 bg-stone-900/75 px-2 py-0.5 text-xs font-semibold ${stacked ? `absolute top-2 rounded ${onTop ? "right-2" : "left-2"}` : ""}`}
              >
                {side.label}{" "}
                <span className="font-mono font-normal tabular-nums text-stone-300">
                  {formatTimecode(here, side.rate)}
                </span>
              </p>
              <div className="relative min-h-0 flex-1">
                {/* eslint-disable-next-line jsx-a11y/media-has-caption -- generated clips have no speech */}
                <video
                  ref={video}
                  src={side.src}
                  poster={side.poster}
                  preload="auto"
                  playsInline
                  muted={!onTop}
                  aria-label={side.label}
                  className="block h-full w-full object-contain"
                  style={stacked ? undefined : { aspectRatio: side.aspectRatio || 16 / 9 }}
                />
                {mode === "side" ? (
                  <AnnotationLayer
                    shapes={shapesOnFrame(side.markers, here, selectedMarkerId)}
                    aspect={side.aspectRatio}
                  />
                ) : null}
              </div>
            </div>
          );
        })}
        {mode === "wipe" ? (
          <div
            aria-hidden="true"
            className="pointer-events-none absolute inset-y-0 w-0.5 bg-white/80"
            style={{ left: `${wipe}%` }}
          />
        ) : null}
      </div>

      <div className="space-y-2 px-3 pb-3 pt-2">
        <input
          type="range"
          min={0}
          max={lastFrame}
          step={1}
          value={Math.min(frame, lastFrame)}
          onChange={(event) => goTo(Number(event.currentTarget.value), false)}
          aria-label="Position"
          aria-valuetext={formatTimecode(frame, clock.rate)}
          className="w-full accent-brand-600"
        />
        <div className="flex flex-wrap items-center gap-2">
          <div className="flex items-center gap-1">
            <button
              type="button"
              className={controlClass}
              onClick={togglePlay}
              aria-label={playing ? "Pause" : "Play"}
              title={playing ? "Pause (Space)" : "Play (Space)"}
            >
              {playing ? <PauseIcon /> : <PlayIcon />}
            </button>
            <button
              type="button"
              className={controlClass}
              onClick={() => goTo(frameRef.current - 1)}
              aria-label="Previous frame"
              title="Previous frame (,)"
            >
              <PreviousFrameIcon />
            </button>
            <button
              type="button"
              className={controlClass}
              onClick={() => goTo(frameRef.current + 1)}
              aria-label="Next frame"
              title="Next frame (.)"
            >
              <NextFrameIcon />
            </button>
          </div>
          <p className="font-mono text-sm tabular-nums" data-testid="compare-timecode">
            <span className="sr-only">Frame </span>
            {formatTimecode(frame, clock.rate)}
            <span className="text-stone-400">
              {" "}
              / {formatTimecode(frameCount(clock.durationSeconds, clock.rate), clock.rate)}
            </span>
          </p>
          <label className="ml-auto flex items-center">
            <span className="sr-only">Speed</span>
            <select
              value={speed}
              onChange={(event) => {
                const next = Number(event.currentTarget.value);
                if (isSpeed(next)) setSpeed(next);
              }}
              className="h-9 rounded-md border border-stone-600 bg-stone-800 px-2 text-sm text-stone-100"
            >
              {SPEEDS.map((s) => (
                <option key={s} value={s}>
                  {speedLabel(s)}
                </option>
              ))}
            </select>
          </label>
        </div>
        <div className="flex flex-wrap items-center gap-x-4 gap-y-2 text-sm">
          <fieldset className="flex flex-wrap items-center gap-1">
            <legend className="sr-only">View</legend>
            {MODES.map((m) => (
              <label
                key={m.mode}
                className="cursor-pointer rounded-md px-2 py-1 has-checked:bg-stone-600 has-focus-visible:outline-2 has-focus-visible:outline-brand-600"
              >
                <input
                  type="radio"
                  name={`${ids}-mode`}
                  value={m.mode}
                  checked={mode === m.mode}
                  onChange={() => setMode(m.mode)}
                  className="sr-only"
                />
                {m.label}
              </label>
            ))}
          </fieldset>
          {mode === "wipe" ? (
            <label className="flex items-center gap-2">
              <span>Wipe position</span>
              <input
                type="range"
                min={0}
                max={100}
                value={wipe}
                onChange={(event) => setWipe(Number(event.currentTarget.value))}
                aria-valuetext={`${wipe}% ${earlier.label}, ${100 - wipe}% ${later.label}`}
                className="accent-brand-600"
              />
            </label>
          ) : null}
          {mode === "overlay" ? (
            <label className="flex items-center gap-2">
              <span>Opacity of {later.label}</span>
              <input
                type="range"
                min={0}
                max={100}
                value={opacity}
                onChange={(event) => setOpacity(Number(event.currentTarget.value))}
                aria-valuetext={`${opacity}%`}
                className="accent-brand-600"
              />
            </label>
          ) : null}
        </div>
      </div>
      <p role="status" aria-live="polite" className="sr-only" data-testid="compare-announcement">
        {announcement}
      </p>
    </div>
  );
});
