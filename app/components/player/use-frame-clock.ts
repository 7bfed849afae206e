import { useCallback, useEffect, useRef, useState, type RefObject } from "react";
import { fps, frameAt, secondsOfFrame, type FrameRate } from "~/lib/timecode";

/** A seek still under way after this long is assumed stalled and issued again. */
const SEEK_STALL_MS = 400;

type ClockOptions = {
  /** Frames are clamped to this: at the very end currentTime equals the duration. */
  lastFrame: number;
  /**
   * Each frame presented while playing forward (for loop out-points): its media time, and when
   * (performance.now() time) the compositor shows it.
   */
  onPlaybackFrame?: (frame: number, mediaTime: number, displayedAt: number) => void;
  onEnded?: () => void;
};

/**
 * The frame on screen, kept in step with a <video>. While playing it follows the frames the
 * compositor actually presents (requestVideoFrameCallback gives each frame's own media time;
 * browsers without it fall back to polling currentTime once per animation frame); when paused it
 * reads the time after each seek. `showFrame` seeks to a frame and updates the display at once,
 * so quick repeated steps add up even before the browser has finished the previous seek.
 */
export function useFrameClock(
  video: RefObject<HTMLVideoElement>,
  rate: FrameRate,
  options: ClockOptions,
) {
  const [frame, setFrame] = useState(0);
  const [playing, setPlaying] = useState(false);
  const frameRef = useRef(0);
  const seekWatchdog = useRef<number | null>(null);
  // How long seeks take here (a moving average, ms): loops start their seek back this early.
  const seekLatency = useRef(10);
  const seekStartedAt = useRef<number | null>(null);
  const eventsRef = useRef(options);
  useEffect(() => {
    eventsRef.current = options;
  });

  const { num, den } = rate;
  useEffect(() => {
    const element = video.current;
    if (!element) return;
    const clipRate = { num, den };
    let videoFrameHandle: number | null = null;
    let animationHandle: number | null = null;
    const record = (seconds: number) => {
      const next = Math.min(frameAt(seconds, clipRate), eventsRef.current.lastFrame);
      frameRef.current = next;
      setFrame(next);
      return next;
    };
    const onVideoFrame = (_now: number, metadata: VideoFrameCallbackMetadata) => {
      const shown = record(metadata.mediaTime);
      if (!element.seeking)
        eventsRef.current.onPlaybackFrame?.(
          shown,
          metadata.mediaTime,
          metadata.expectedDisplayTime,
        );
      videoFrameHandle = element.requestVideoFrameCallback(onVideoFrame);
    };
    const poll = () => {
      const now = element.currentTime;
      const shown = record(now);
      if (!element.seeking) eventsRef.current.onPlaybackFrame?.(shown, now, performance.now());
      animationHandle = requestAnimationFrame(poll);
    };
    const stopFollowing = () => {
      if (videoFrameHandle !== null) element.cancelVideoFrameCallback(videoFrameHandle);
      if (animationHandle !== null) cancelAnimationFrame(animationHandle);
      videoFrameHandle = animationHandle = null;
    };
    const onPlay = () => {
      setPlaying(true);
      stopFollowing();
      if ("requestVideoFrameCallback" in element)
        videoFrameHandle = element.requestVideoFrameCallback(onVideoFrame);
      else animationHandle = requestAnimationFrame(poll);
    };
    const onPause = () => {
      setPlaying(false);
      stopFollowing();
      record(element.currentTime);
    };
    const onSeeked = () => {
      if (seekWatchdog.current !== null) window.clearTimeout(seekWatchdog.current);
      seekWatchdog.current = null;
      if (seekStartedAt.current !== null) {
        const took = Math.min(200, performance.now() - seekStartedAt.current);
        seekLatency.current = seekLatency.current * 0.7 + took * 0.3;
        seekStartedAt.current = null;
      }
      if (element.paused) record(element.currentTime);
    };
    const onEnded = () => eventsRef.current.onEnded?.();
    element.addEventListener("play", onPlay);
    element.addEventListener("pause", onPause);
    element.addEventListener("seeked", onSeeked);
    element.addEventListener("loadedmetadata", onSeeked);
    element.addEventListener("ended", onEnded);
    if (element.paused) record(element.currentTime);
    else onPlay();
    return () => {
      stopFollowing();
      if (seekWatchdog.current !== null) window.clearTimeout(seekWatchdog.current);
      element.removeEventListener("play", onPlay);
      element.removeEventListener("pause", onPause);
      element.removeEventListener("seeked", onSeeked);
      element.removeEventListener("loadedmetadata", onSeeked);
      element.removeEventListener("ended", onEnded);
    };
  }, [video, num, den]);

  /** Seek so that `target` is on screen (the middle of the frame: see secondsOfFrame). */
  const showFrame = useCallback(
    (target: number) => {
      const element = video.current;
      const seconds = secondsOfFrame(target, { num, den });
      frameRef.current = target;
      setFrame(target);
      // A seek to where the video already is (or is already going) is skipped: Chromium answers
      // a repeated seek to the middle of the last frame by jumping to the end.
      if (!element || Math.abs(element.currentTime - seconds) <= 1e-6) return;
      element.currentTime = seconds;
      seekStartedAt.current = performance.now();
      // Chromium occasionally never finishes one of a quick run of seeks (the video stays
      // "seeking" and shows the old frame); issuing the same seek again unsticks it.
      if (seekWatchdog.current !== null) window.clearTimeout(seekWatchdog.current);
      const retry = (attemptsLeft: number) => {
        seekWatchdog.current = window.setTimeout(() => {
          seekWatchdog.current = null;
          if (!element.seeking || frameRef.current !== target) return;
          element.currentTime = seconds;
          if (attemptsLeft > 1) retry(attemptsLeft - 1);
        }, SEEK_STALL_MS);
      };
      retry(3);
    },
    [video, num, den],
  );

  return { frame, frameRef, playing, showFrame, seekLatency };
}

/**
 * Reverse play, which no browser does natively: while `active`, step back on a timer at `speed`
 * times the clip's rate. Steps are owed by the clock rather than counted, so when seeks are slower
 * than a frame (long-GOP video decodes from the previous keyframe) frames are skipped and the
 * shuttle still moves at real speed instead of falling behind. `stepBack` returns false to stop.
 */
export function useReversePlayback({
  active,
  video,
  rate,
  speed,
  stepBack,
}: {
  active: boolean;
  video: RefObject<HTMLVideoElement>;
  rate: FrameRate;
  speed: number;
  stepBack: (frames: number) => boolean;
}) {
  const stepRef = useRef(stepBack);
  useEffect(() => {
    stepRef.current = stepBack;
  });
  const framesPerSecond = fps(rate) * speed;
  useEffect(() => {
    const element = video.current;
    if (!active || !element) return;
    element.pause();
    const frameMs = 1000 / framesPerSecond;
    let last = performance.now();
    let owed = 0;
    const timer = window.setInterval(
      () => {
        const now = performance.now();
        owed += (now - last) / frameMs;
        last = now;
        if (element.seeking || owed < 1) return;
        const frames = Math.floor(owed);
        owed -= frames;
        if (!stepRef.current(frames)) window.clearInterval(timer);
      },
      Math.max(8, frameMs / 2),
    );
    return () => window.clearInterval(timer);
  }, [active, video, framesPerSecond]);
}
