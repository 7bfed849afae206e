import type { ReactNode } from "react";

// The player's few glyphs, drawn inline so the player needs no icon package. Decorative only: the
// buttons that hold them carry the accessible names.

function Icon({ children, filled = false }: { children: ReactNode; filled?: boolean }) {
  return (
    <svg
      aria-hidden="true"
      viewBox="0 0 20 20"
      className="size-5 shrink-0"
      fill={filled ? "currentColor" : "none"}
      stroke={filled ? "none" : "currentColor"}
      strokeWidth={1.75}
      strokeLinecap="round"
      strokeLinejoin="round"
    >
      {children}
    </svg>
  );
}

export const PlayIcon = () => (
  <Icon filled>
    <path d="M6.5 4.2v11.6a.6.6 0 0 0 .9.5l9.2-5.8a.6.6 0 0 0 0-1L7.4 3.7a.6.6 0 0 0-.9.5Z" />
  </Icon>
);

export const PauseIcon = () => (
  <Icon filled>
    <rect x="5" y="4" width="3.5" height="12" rx="0.8" />
    <rect x="11.5" y="4" width="3.5" height="12" rx="0.8" />
  </Icon>
);

export const PreviousFrameIcon = () => (
  <Icon filled>
    <rect x="4" y="4" width="2.2" height="12" rx="0.6" />
    <path d="M15.5 4.8v10.4a.6.6 0 0 1-.95.5L7.9 10.5a.6.6 0 0 1 0-1l6.65-5.2a.6.6 0 0 1 .95.5Z" />
  </Icon>
);

export const NextFrameIcon = () => (
  <Icon filled>
    <rect x="13.8" y="4" width="2.2" height="12" rx="0.6" />
    <path d="M4.5 4.8v10.4a.6.6 0 0 0 .95.5l6.65-5.2a.6.6 0 0 0 0-1L5.45 4.3a.6.6 0 0 0-.95.5Z" />
  </Icon>
);

export const FullscreenIcon = () => (
  <Icon>
    <path d="M3.5 7.5v-4h4M16.5 7.5v-4h-4M3.5 12.5v4h4M16.5 12.5v4h-4" />
  </Icon>
);

export const ExitFullscreenIcon = () => (
  <Icon>
    <path d="M7.5 3.5v4h-4M12.5 3.5v4h4M7.5 16.5v-4h-4M12.5 16.5v-4h4" />
  </Icon>
);

export const PenIcon = () => (
  <Icon>
    <path d="M3.5 15.5c2.5-.5 3-3 5-5.5s4-5.5 6-6 2 1.5.5 3.5-5 5-6.5 7-1 3 .5 3" />
  </Icon>
);

export const ArrowIcon = () => (
  <Icon>
    <path d="M4 16 15.5 4.5M9 4.5h6.5V11" />
  </Icon>
);

export const RectangleIcon = () => (
  <Icon>
    <rect x="3.5" y="5" width="13" height="10" rx="1" />
  </Icon>
);

export const UndoIcon = () => (
  <Icon>
    <path d="M7 5 3.5 8.5 7 12M4 8.5h7.5a4.5 4.5 0 0 1 0 9H9" />
  </Icon>
);
