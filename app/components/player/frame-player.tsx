import {
  forwardRef,
  useCallback,
  useEffect,
  useImperativeHandle,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from "react";
import {
  DEFAULT_WIDTH,
  serializeAnnotation,
  type AnnotationColor,
  type Shape,
} from "~/lib/annotations";
import {
  clampFrame,
  formatTimecode,
  fps,
  frameCount,
  lastFrameOf,
  startOfFrame,
  type FrameRate,
} from "~/lib/timecode";
import { useHydrated } from "~/components/use-hydrated";
import { AnnotationEditor, AnnotationLayer, type DrawingTool } from "./annotation-layer";
import { ControlBar, LoopLine } from "./control-bar";
import { DrawingStatus, DrawingToolbar } from "./drawing-toolbar";
import { ScrubBar } from "./scrub-bar";
import { ShortcutSheet } from "./shortcut-sheet";
import { shuttle, speedLabel, type Direction, type Speed } from "./shuttle";
import type { FrameRange, PlayerMarker } from "./types";
import { useFrameClock, useReversePlayback } from "./use-frame-clock";
import { useShortcuts } from "./use-shortcuts";

export type { FrameRange, PlayerMarker };

/** What a comment form reads from the player (the `children` render prop gets it). */
export type PlayerSnapshot = {
  /** The frame on screen now. */
  currentFrame: number;
  /**
   * The frame the comment is about: the loop's in-point when a loop is marked, else the frame the
   * person drew on, else the frame on screen.
   */
  frame: number;
  /** The loop's in/out frames, which make the comment about a range; null for a single frame. */
  range: FrameRange | null;
  /** "HH:MM:SS:FF" of `frame` (or "in – out" for a range), for the form's label. */
  timecode: string;
  /** The draft drawing as JSON for the `annotation` field; "" when nothing is drawn. */
  annotation: string;
  /** Hidden inputs `frame`, `endFrame` (ranges only) and `annotation`: put them in the form. */
  fields: ReactNode;
  /** Call once the comment is saved: drops the drawing and the loop. */
  reset: () => void;
  /** Pause on a frame (e.g. when a comment in a list is chosen). */
  seekToFrame: (frame: number) => void;
};

export type FramePlayerProps = {
  src: string;
  poster?: string;
  /** What the clip is, e.g. "Trailer v3": names the player and the video for assistive tech. */
  label: string;
  /** The clip's own frame rate (from ffprobe's r_frame_rate); timecodes count its frames. */
  rate: FrameRate;
  /** The clip's duration; frame numbers run 0 .. frameCount(durationSeconds, rate) − 1. */
  durationSeconds: number;
  /** Width / height until the video's metadata says otherwise; avoids a layout jump. */
  aspectRatio?: number;
  /** Comments to show on the timeline; their drawings show on the frames they cover. */
  markers?: PlayerMarker[];
  selectedMarkerId?: PlayerMarker["id"] | null;
  /** A marker was chosen on the timeline (the player has already paused on its frame). */
  onMarkerSelect?: (marker: PlayerMarker) => void;
  /** A loop to start with, e.g. the range of a comment being replied to. */
  initialLoop?: FrameRange | null;
  /** Show the drawing tools (for people who may comment). */
  annotate?: boolean;
  /**
   * C (and "Comment on this frame" in the shortcut sheet): the player pauses and calls this, e.g.
   * to put the cursor in the comment form. Without it, C does nothing.
   */
  onComment?: () => void;
  /** The comment form, rendered inside the player so shortcuts and fullscreen include it. */
  children?: (snapshot: PlayerSnapshot) => ReactNode;
};

/** What a page can ask of the player from outside it (a comment list beside it). */
export type PlayerHandle = {
  /** Pause on `frame` (clamped to the clip) and announce where. */
  seekToFrame: (frame: number) => void;
  /** Move focus into the player so its shortcuts work. */
  focus: () => void;
};

type Draft = { frame: number; shapes: Shape[] };

/**
 * The review room's frame-accurate player, for reviewers and artists alike: frame stepping,
 * J/K/L shuttle, loop in/out, speeds, a timeline with comment markers, drawings over the picture
 * and keyboard shortcuts (while focus is in the player and not in a text field).
 */
export const FramePlayer = forwardRef<PlayerHandle, FramePlayerProps>(function FramePlayer(
  {
    src,
    poster,
    label,
    rate,
    durationSeconds,
    aspectRatio = 16 / 9,
    markers = [],
    selectedMarkerId = null,
    onMarkerSelect,
    initialLoop = null,
    annotate = false,
    onComment,
    children,
  },
  handle,
) {
  const container = useRef<HTMLDivElement>(null);
  const video = useRef<HTMLVideoElement>(null);
  const sheet = useRef<HTMLDialogElement>(null);

  // The page's duration (from ffprobe) is known before the video loads; the element's is a fallback.
  const [mediaDuration, setMediaDuration] = useState(0);
  const duration = durationSeconds > 0 ? durationSeconds : mediaDuration;
  const lastFrame = lastFrameOf(duration, rate);
  const [aspect, setAspect] = useState(aspectRatio);
  const [speed, setSpeed] = useState<Speed>(1);
  const [reversing, setReversingState] = useState(false);
  const reversingRef = useRef(false);
  const setReversing = (on: boolean) => {
    reversingRef.current = on;
    setReversingState(on);
  };
  const [loop, setLoop] = useState<FrameRange | null>(initialLoop);
  const [announcement, setAnnouncement] = useState("");
  const [fullscreen, setFullscreen] = useState(false);
  const [canFullscreen, setCanFullscreen] = useState(true);
  const [tool, setTool] = useState<DrawingTool | null>(null);
  const [color, setColor] = useState<AnnotationColor>("red");
  const [draft, setDraft] = useState<Draft | null>(null);
  const [drawingNotice, setDrawingNotice] = useState("");
  // Until the page's JavaScript runs, the browser's own controls are the only ones that work.
  const hydrated = useHydrated();

  // Whether the person asked for forward play: "ended" also fires after a seek to the very end.
  const wantsPlay = useRef(false);
  const loopTimer = useRef<number | null>(null);
  const cancelLoopTimer = () => {
    if (loopTimer.current !== null) window.clearTimeout(loopTimer.current);
    loopTimer.current = null;
  };
  const { frame, frameRef, playing, showFrame, seekLatency } = useFrameClock(video, rate, {
    lastFrame,
    onPlaybackFrame: (shown, mediaTime, displayedAt) => {
      if (!loop) return;
      if (shown > loop.out || shown < loop.in) {
        cancelLoopTimer();
        return showFrame(loop.in);
      }
      if (loopTimer.current !== null) return;
      // Start the seek back so that it lands as the out frame ends (seeks take a few ms, and the
      // video plays on meanwhile), never later than that, so the frame after the loop does not
      // flash. The timer is armed from any frame within two of the end because a busy
      // compositor skips frames.
      const speedNow = video.current?.playbackRate || 1;
      const outEndsAt =
        displayedAt + ((startOfFrame(loop.out + 1, rate) - mediaTime) / speedNow) * 1000;
      const left = outEndsAt - performance.now();
      if (left > 2000 / fps(rate) / speedNow) return;
      const backTo = loop.in;
      loopTimer.current = window.setTimeout(
        () => {
          loopTimer.current = null;
          if (wantsPlay.current) showFrame(backTo);
        },
        Math.max(0, left - Math.min(seekLatency.current + 4, 750 / fps(rate) / speedNow)),
      );
    },
    onEnded: () => {
      if (!loop || !wantsPlay.current) return;
      showFrame(loop.in);
      void video.current?.play().catch(() => undefined);
    },
  });
  const direction: Direction = reversing ? "reverse" : playing ? "forward" : "paused";
  // Keys can arrive before the video's "play" event has re-rendered us; video.paused and the ref
  // change synchronously, so a quick second L or J still counts as "again".
  const liveDirection = (): Direction =>
    reversingRef.current ? "reverse" : video.current?.paused === false ? "forward" : "paused";
  const timecode = (f: number) => formatTimecode(f, rate);

  useReversePlayback({
    active: reversing,
    video,
    rate,
    speed,
    stepBack: (frames) => {
      const target = frameRef.current - frames;
      const start = loop ? loop.in : 0;
      if (target >= start) showFrame(loop ? Math.min(target, loop.out) : target);
      else if (loop) showFrame(loop.out);
      else {
        showFrame(0);
        setReversing(false);
        return false;
      }
      return true;
    },
  });

  useEffect(() => {
    const element = video.current;
    if (element) element.playbackRate = element.defaultPlaybackRate = speed;
  }, [speed]);

  useEffect(() => cancelLoopTimer, []);

  useEffect(() => {
    setCanFullscreen(Boolean(document.fullscreenEnabled));
    const onChange = () => setFullscreen(document.fullscreenElement === container.current);
    document.addEventListener("fullscreenchange", onChange);
    return () => document.removeEventListener("fullscreenchange", onChange);
  }, []);

  // Screen readers hear where a step or jump landed, never the frames of playback. The trailing
  // no-break space alternates so the same timecode twice is still a change they announce.
  const announce = useCallback((text: string) => {
    setAnnouncement((previous) => (previous === text ? `${text}\u00a0` : text));
  }, []);

  const pause = () => {
    wantsPlay.current = false;
    cancelLoopTimer();
    setReversing(false);
    video.current?.pause();
  };

  /** Pause on `target` (clamped to the clip) and say where. */
  const goTo = (target: number, { speak = true } = {}) => {
    const landed = clampFrame(target, lastFrame);
    pause();
    showFrame(landed);
    if (speak) announce(timecode(landed));
  };

  const play = (at: Speed = speed) => {
    const element = video.current;
    if (!element) return;
    setReversing(false);
    const now = frameRef.current;
    if (loop && (now < loop.in || now >= loop.out)) showFrame(loop.in);
    else if (now >= lastFrame) showFrame(0);
    element.playbackRate = at;
    wantsPlay.current = true;
    void element.play().catch(() => undefined);
  };

  const reverse = () => {
    wantsPlay.current = false;
    video.current?.pause();
    if (loop && frameRef.current > loop.out) showFrame(loop.out);
    setReversing(true);
  };

  const shuttleKey = (key: "j" | "k" | "l") => {
    const next = shuttle({ direction: liveDirection(), speed }, key);
    setSpeed(next.speed);
    if (next.direction === "forward") play(next.speed);
    else if (next.direction === "reverse") reverse();
    else pause();
  };

  const togglePlay = () => (liveDirection() === "paused" ? play() : pause());

  const markIn = () => {
    const at = frameRef.current;
    const next = { in: at, out: loop && loop.out >= at ? loop.out : lastFrame };
    setLoop(next);
    announce(`Loop ${timecode(next.in)} to ${timecode(next.out)}`);
  };
  const markOut = () => {
    const at = frameRef.current;
    const next = { in: loop && loop.in <= at ? loop.in : 0, out: at };
    setLoop(next);
    announce(`Loop ${timecode(next.in)} to ${timecode(next.out)}`);
  };
  const clearLoop = () => {
    cancelLoopTimer();
    setLoop(null);
    announce("Loop cleared");
  };

  const toggleFullscreen = () => {
    if (document.fullscreenElement) void document.exitFullscreen().catch(() => undefined);
    else void container.current?.requestFullscreen().catch(() => undefined);
  };

  const openShortcuts = () => {
    if (!sheet.current?.open) sheet.current?.showModal();
  };

  const selectMarker = (marker: PlayerMarker) => {
    goTo(marker.frame);
    onMarkerSelect?.(marker);
  };

  useImperativeHandle(handle, () => ({
    seekToFrame: (target: number) => goTo(target),
    focus: () => container.current?.focus(),
  }));

  const shortcuts: Record<string, () => void> = {
    " ": togglePlay,
    ",": () => goTo(frameRef.current - 1),
    ".": () => goTo(frameRef.current + 1),
    j: () => shuttleKey("j"),
    k: () => shuttleKey("k"),
    l: () => shuttleKey("l"),
    Home: () => goTo(0),
    End: () => goTo(lastFrame),
    i: markIn,
    o: markOut,
    x: clearLoop,
    f: toggleFullscreen,
    "?": openShortcuts,
    ...(onComment
      ? {
          c: () => {
            pause();
            onComment();
          },
        }
      : {}),
  };
  useShortcuts(container, shortcuts);

  const sortedMarkers = useMemo(() => [...markers].sort((a, b) => a.frame - b.frame), [markers]);
  const shownShapes = shapesOnFrame(sortedMarkers, frame, selectedMarkerId);

  const paused = direction === "paused";
  const draftHere = draft !== null && draft.frame === frame;
  const drawing = annotate && paused && tool !== null && (draft === null || draftHere);
  const commentFrame = loop ? loop.in : draft ? draft.frame : frame;
  const annotation = draft ? serializeAnnotation({ v: 1, shapes: draft.shapes }) : "";

  const changeDraft = (shapes: Shape[]) => {
    setDrawingNotice("");
    setDraft(shapes.length ? { frame: draft?.frame ?? frameRef.current, shapes } : null);
  };

  const snapshot: PlayerSnapshot = {
    currentFrame: frame,
    frame: commentFrame,
    range: loop,
    timecode: loop ? `${timecode(loop.in)} – ${timecode(loop.out)}` : timecode(commentFrame),
    annotation,
    fields: (
      <>
        <input type="hidden" name="frame" value={commentFrame} />
        {loop ? <input type="hidden" name="endFrame" value={loop.out} /> : null}
        <input type="hidden" name="annotation" value={annotation} />
      </>
    ),
    reset: () => {
      setDraft(null);
      setTool(null);
      setLoop(null);
    },
    seekToFrame: (target) => goTo(target),
  };

  return (
    <div
      ref={container}
      role="region"
      aria-label={`Player: ${label}`}
      tabIndex={-1}
      className={`palette-fixed overflow-hidden rounded-lg bg-stone-900 text-stone-100 outline-none ${fullscreen ? "flex h-full flex-col overflow-y-auto rounded-none" : ""}`}
      data-testid="frame-player"
    >
      <div className={`relative bg-black ${fullscreen ? "min-h-0 flex-1" : ""}`}>
        {/* eslint-disable-next-line jsx-a11y/media-has-caption -- generated clips have no speech */}
        <video
          ref={video}
          src={src}
          poster={poster}
          preload="auto"
          playsInline
          controls={!hydrated}
          aria-label={label}
          onLoadedMetadata={(event) => {
            const { videoWidth, videoHeight } = event.currentTarget;
            if (videoWidth > 0 && videoHeight > 0) setAspect(videoWidth / videoHeight);
            setMediaDuration(event.currentTarget.duration);
          }}
          className={`block w-full object-contain ${fullscreen ? "h-full" : "max-h-[70vh]"}`}
          style={fullscreen ? undefined : { aspectRatio: aspect }}
        />
        <AnnotationLayer shapes={shownShapes} aspect={aspect} />
        {drawing ? (
          <AnnotationEditor
            shapes={draft?.shapes ?? []}
            onChange={changeDraft}
            onRefuse={setDrawingNotice}
            tool={tool}
            color={color}
            width={DEFAULT_WIDTH}
            aspect={aspect}
          />
        ) : draftHere && paused ? (
          <AnnotationLayer shapes={draft.shapes} aspect={aspect} />
        ) : null}
        {direction !== "paused" && (reversing || speed !== 1) ? (
          <p
            aria-hidden="true"
            className="absolute left-2 top-2 rounded bg-stone-900/75 px-2 py-0.5 font-mono text-xs font-semibold"
          >
            {reversing ? "◀ " : ""}
            {speedLabel(speed)}
          </p>
        ) : null}
      </div>

      <div className="space-y-2 px-3 pb-3 pt-1">
        <ScrubBar
          frame={frame}
          lastFrame={lastFrame}
          rate={rate}
          loop={loop}
          markers={sortedMarkers}
          selectedMarkerId={selectedMarkerId}
          onScrub={(target) => goTo(target, { speak: false })}
          onMarker={selectMarker}
        />

        <ControlBar
          paused={paused}
          onTogglePlay={togglePlay}
          onStep={(delta) => goTo(frameRef.current + delta)}
          timecode={timecode(frame)}
          durationTimecode={timecode(frameCount(duration, rate))}
          onMarkIn={markIn}
          onMarkOut={markOut}
          speed={speed}
          onSpeed={setSpeed}
          onShortcuts={openShortcuts}
          fullscreen={canFullscreen ? fullscreen : null}
          onFullscreen={toggleFullscreen}
        />
        {loop ? (
          <LoopLine
            inTimecode={timecode(loop.in)}
            outTimecode={timecode(loop.out)}
            onClear={clearLoop}
          />
        ) : null}

        {annotate ? (
          <div className="space-y-2 border-t border-stone-700 pt-2">
            <DrawingToolbar
              enabled={paused && (draft === null || draftHere)}
              tool={tool}
              onTool={setTool}
              color={color}
              onColor={setColor}
              canUndo={Boolean(draft?.shapes.length)}
              onUndo={() => changeDraft(draft?.shapes.slice(0, -1) ?? [])}
              onClear={() => changeDraft([])}
            />
            <DrawingStatus
              paused={paused}
              draft={draft}
              here={draftHere}
              timecode={timecode}
              notice={drawingNotice}
              onReturn={() => draft && goTo(draft.frame)}
            />
          </div>
        ) : null}
      </div>

      {children ? (
        <div className="surface-dark bg-white p-3 sm:p-4">{children(snapshot)}</div>
      ) : null}

      <p role="status" aria-live="polite" className="sr-only" data-testid="player-announcement">
        {announcement}
      </p>
      <ShortcutSheet
        ref={sheet}
        extra={onComment ? [{ keys: ["C"], action: "Comment on this frame" }] : []}
      />
    </div>
  );
});

/**
 * The drawings to show on `frame`: those of the comments whose frame or range covers it, or
 * only the selected comment's when it is one of them, so overlapping notes do not pile up.
 */
export function shapesOnFrame(
  markers: PlayerMarker[],
  frame: number,
  selectedId: PlayerMarker["id"] | null,
): Shape[] {
  const covering = markers.filter(
    (m) => m.annotation && frame >= m.frame && frame <= Math.max(m.frame, m.endFrame ?? m.frame),
  );
  const selected = covering.filter((m) => m.id === selectedId);
  return (selected.length ? selected : covering).flatMap((m) => m.annotation?.shapes ?? []);
}
