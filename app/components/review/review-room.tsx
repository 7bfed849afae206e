import type { ReactNode } from "react";

/**
 * The review room: a dark surface in both colour schemes, so a clip is judged against the same
 * calm background whatever the viewer's system preference (the tokens in app/styles.css). Full
 * bleed on a phone, a rounded panel from 640 px.
 */
export function ReviewRoom({ children }: { children: ReactNode }) {
  return (
    <div
      data-testid="review-room"
      className="surface-dark -mx-4 -mt-6 bg-stone-50 px-4 pb-8 pt-6 sm:mx-0 sm:mt-0 sm:rounded-xl sm:px-6"
    >
      {children}
    </div>
  );
}
