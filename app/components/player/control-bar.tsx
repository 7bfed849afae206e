import {
  ExitFullscreenIcon,
  FullscreenIcon,
  NextFrameIcon,
  PauseIcon,
  PlayIcon,
  PreviousFrameIcon,
} from "./icons";
import { SPEEDS, isSpeed, speedLabel, type Speed } from "./shuttle";
import { controlClass, linkClass } from "./styles";

/**
 * The row under the timeline: play and frame steps with the timecode on the left; loop marks,
 * speed, shortcuts and fullscreen on the right (on a phone, a second row of their own). Titles
 * name each button's key; the accessible names are exactly what the buttons do.
 */
export function ControlBar({
  paused,
  onTogglePlay,
  onStep,
  timecode,
  durationTimecode,
  onMarkIn,
  onMarkOut,
  speed,
  onSpeed,
  onShortcuts,
  fullscreen,
  onFullscreen,
}: {
  paused: boolean;
  onTogglePlay: () => void;
  onStep: (delta: -1 | 1) => void;
  timecode: string;
  durationTimecode: string;
  onMarkIn: () => void;
  onMarkOut: () => void;
  speed: Speed;
  onSpeed: (speed: Speed) => void;
  onShortcuts: () => void;
  /** null where the Fullscreen API is missing (iPhone Safari): no button then. */
  fullscreen: boolean | null;
  onFullscreen: () => void;
}) {
  return (
    <div className="flex flex-wrap items-center gap-2">
      <div className="flex items-center gap-1">
        <button
          type="button"
          className={controlClass}
          onClick={onTogglePlay}
          aria-label={paused ? "Play" : "Pause"}
          title={paused ? "Play (Space or L)" : "Pause (Space or K)"}
        >
          {paused ? <PlayIcon /> : <PauseIcon />}
        </button>
        <button
          type="button"
          className={controlClass}
          onClick={() => onStep(-1)}
          aria-label="Previous frame"
          title="Previous frame (,)"
        >
          <PreviousFrameIcon />
        </button>
        <button
          type="button"
          className={controlClass}
          onClick={() => onStep(1)}
          aria-label="Next frame"
          title="Next frame (.)"
        >
          <NextFrameIcon />
        </button>
      </div>
      <p className="font-mono text-sm tabular-nums" data-testid="timecode">
        <span className="sr-only">Frame </span>
        <span className="text-white">{timecode}</span>
        <span className="text-stone-400"> / {durationTimecode}</span>
      </p>

      <div className="ml-auto flex flex-wrap items-center gap-1 max-sm:w-full max-sm:justify-between">
        <button
          type="button"
          className={controlClass}
          onClick={onMarkIn}
          aria-label="Mark loop in"
          title="Mark loop in (I)"
        >
          In
        </button>
        <button
          type="button"
          className={controlClass}
          onClick={onMarkOut}
          aria-label="Mark loop out"
          title="Mark loop out (O)"
        >
          Out
        </button>
        <label className="flex items-center">
          <span className="sr-only">Speed</span>
          <select
            value={speed}
            onChange={(event) => {
              const next = Number(event.currentTarget.value);
              if (isSpeed(next)) onSpeed(next);
            }}
            className="h-9 rounded-md border border-stone-600 bg-stone-800 px-2 text-sm text-stone-100 focus-visible:outline-brand-600"
          >
            {SPEEDS.map((s) => (
              <option key={s} value={s}>
                {speedLabel(s)}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          className={controlClass}
          onClick={onShortcuts}
          aria-label="Keyboard shortcuts"
          title="Keyboard shortcuts (?)"
        >
          <span aria-hidden="true" className="text-base font-semibold">
            ?
          </span>
        </button>
        {fullscreen !== null ? (
          <button
            type="button"
            className={controlClass}
            onClick={onFullscreen}
            aria-label={fullscreen ? "Exit fullscreen" : "Fullscreen"}
            title={fullscreen ? "Exit fullscreen (F)" : "Fullscreen (F)"}
          >
            {fullscreen ? <ExitFullscreenIcon /> : <FullscreenIcon />}
          </button>
        ) : null}
      </div>
    </div>
  );
}

/** The marked loop in words, with the way to clear it. */
export function LoopLine({
  inTimecode,
  outTimecode,
  onClear,
}: {
  inTimecode: string;
  outTimecode: string;
  onClear: () => void;
}) {
  return (
    <p className="flex flex-wrap items-center gap-x-2 text-xs text-stone-300">
      <span>
        Loop <span className="font-mono tabular-nums">{inTimecode}</span> –{" "}
        <span className="font-mono tabular-nums">{outTimecode}</span>
      </span>
      <button type="button" onClick={onClear} className={linkClass}>
        Clear loop
      </button>
    </p>
  );
}
