import { useFetcher } from "@remix-run/react";
import { useEffect, useRef, useState, type RefObject } from "react";
import { Button } from "~/components/ui/button";
import { FormError, TextAreaField } from "~/components/ui/field";
import { errorsFor } from "~/lib/intents";
import { formatTimecode } from "~/lib/review";

/**
 * A comment at a moment of the clip, sent without leaving the page: the moment is typed, taken
 * from the player by the button, or by pressing C anywhere outside a text field.
 */
export function CommentForm({
  video,
  version,
  commentKey,
}: {
  video: RefObject<HTMLVideoElement>;
  version: number;
  commentKey: string;
}) {
  const fetcher = useFetcher<{ ok: boolean }>();
  // Kept as typed, so the field can be cleared and retyped; the server parses and checks it.
  const [at, setAt] = useState("0");
  const seconds = Number(at) >= 0 ? Number(at) : 0;
  const form = useRef<HTMLFormElement>(null);
  const errors = errorsFor(fetcher.data);
  const capture = () => {
    const player = video.current;
    if (!player) return;
    player.pause();
    setAt(String(Math.round(player.currentTime * 10) / 10));
  };
  // "C" anywhere outside a text field: comment at the current moment.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== "c" && event.key !== "C") return;
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      const target = event.target as HTMLElement | null;
      if (target?.closest("input, textarea, select, [contenteditable=true]")) return;
      event.preventDefault();
      capture();
      document.getElementById("comment-body")?.focus();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  });
  useEffect(() => {
    if (fetcher.state === "idle" && fetcher.data?.ok) form.current?.reset();
  }, [fetcher.state, fetcher.data]);
  return (
    <fetcher.Form
      ref={form}
      method="post"
      className="space-y-3 rounded-lg border border-stone-200 bg-white p-4"
      aria-label="Comment at a moment in the clip"
    >
      <input type="hidden" name="intent" value="comment" />
      <input type="hidden" name="version" value={version} />
      <input type="hidden" name="clientKey" value={commentKey} />
      <div className="flex flex-wrap items-end gap-3">
        <div>
          <label htmlFor="comment-at" className="block text-sm font-medium text-stone-800">
            At (seconds)
          </label>
          <input
            id="comment-at"
            name="atSeconds"
            type="number"
            min={0}
            step={0.1}
            value={at}
            onChange={(e) => setAt(e.target.value)}
            aria-invalid={errors.atSeconds ? true : undefined}
            aria-describedby={
              errors.atSeconds ? "comment-at-hint comment-at-error" : "comment-at-hint"
            }
            className="mt-1 block w-28 rounded-md border border-stone-300 px-3 py-2 text-sm"
          />
        </div>
        <Button type="button" variant="secondary" onClick={capture}>
          Use the player&apos;s moment
        </Button>
      </div>
      <p id="comment-at-hint" className="text-xs text-stone-600">
        Press <kbd className="rounded border border-stone-300 px-1">C</kbd> outside a text field to
        pause and comment at the current moment.
      </p>
      {errors.atSeconds ? (
        <p id="comment-at-error" className="text-sm text-red-700" role="alert">
          {errors.atSeconds}
        </p>
      ) : null}
      <TextAreaField
        id="comment-body"
        name="body"
        label={`Comment at ${formatTimecode(seconds)}`}
        rows={3}
        required
        maxLength={2000}
        error={errors.body}
      />
      <FormError message={errors.form} />
      <Button type="submit" busy={fetcher.state !== "idle"}>
        Add comment
      </Button>
    </fetcher.Form>
  );
}
