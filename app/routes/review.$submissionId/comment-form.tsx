import { useActionData, useFetcher } from "@remix-run/react";
import { useEffect, useRef } from "react";
import type { PlayerSnapshot } from "~/components/player";
import { Button } from "~/components/ui/button";
import { FormError, TextAreaField, TextField } from "~/components/ui/field";
import { useHydrated } from "~/components/use-hydrated";
import { errorsFor } from "~/lib/intents";
import { COMMENT_FETCHER } from "./claim-banner";

/** The comment's text field: C in the player puts the cursor here. */
export const COMMENT_FIELD_ID = "comment-body";

/**
 * A comment on the frame the player shows, or on the loop's range (I and O), with the drawing
 * made on the paused frame: the player hands over the frame, range and drawing as hidden fields.
 * Sent without leaving the page; once saved, the form, the drawing and the loop are cleared.
 * Without JavaScript the player cannot say where it is, so the frames are typed.
 */
export function CommentForm({
  snapshot,
  version,
  commentKey,
}: {
  snapshot: PlayerSnapshot;
  version: number;
  commentKey: string;
}) {
  const fetcher = useFetcher<{ ok: boolean }>({ key: COMMENT_FETCHER });
  const hydrated = useHydrated();
  const actionData = useActionData();
  // The fetcher's answer with JavaScript; the page's answer to this form without it.
  const errors = { ...errorsFor(actionData, { form: "comment" }), ...errorsFor(fetcher.data) };
  const form = useRef<HTMLFormElement>(null);
  const reset = useRef(snapshot.reset);
  reset.current = snapshot.reset;
  useEffect(() => {
    if (fetcher.state !== "idle" || !fetcher.data?.ok) return;
    form.current?.reset();
    reset.current();
  }, [fetcher.state, fetcher.data]);
  const where = errors.frame ?? errors.endFrame;
  return (
    <fetcher.Form
      ref={form}
      method="post"
      className="space-y-3"
      aria-label="Comment on a frame of the clip"
    >
      <input type="hidden" name="intent" value="comment" />
      <input type="hidden" name="version" value={version} />
      <input type="hidden" name="clientKey" value={commentKey} />
      {hydrated ? (
        <>
          {snapshot.fields}
          <p className="text-sm text-stone-800" data-testid="comment-target">
            {snapshot.range ? "Range " : "Frame "}
            <strong className="font-mono tabular-nums">{snapshot.timecode}</strong>
            {snapshot.annotation ? " · with your drawing" : ""}
          </p>
          <p className="text-xs text-stone-600">
            Step with <kbd>,</kbd> and <kbd>.</kbd>, mark a range with <kbd>I</kbd> and <kbd>O</kbd>
            , and draw on the paused frame with the tools above. <kbd>C</kbd> in the player brings
            you here.
          </p>
          {where ? (
            <p className="text-sm text-red-700" role="alert">
              {where}
            </p>
          ) : null}
        </>
      ) : (
        <div className="grid gap-3 sm:grid-cols-2">
          <TextField
            name="frame"
            label="At frame (0 is the first)"
            type="number"
            min={0}
            step={1}
            defaultValue="0"
            error={errors.frame}
          />
          <TextField
            name="endFrame"
            label="To frame (for a range)"
            type="number"
            min={0}
            step={1}
            error={errors.endFrame}
          />
        </div>
      )}
      <TextAreaField
        id={COMMENT_FIELD_ID}
        name="body"
        label={hydrated ? `Comment at ${snapshot.timecode}` : "Comment"}
        rows={3}
        required
        maxLength={2000}
        error={errors.body}
      />
      <FormError message={errors.annotation ?? errors.form} />
      <Button type="submit" busy={fetcher.state !== "idle"}>
        Add comment
      </Button>
    </fetcher.Form>
  );
}
