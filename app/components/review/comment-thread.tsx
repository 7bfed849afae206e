import { useActionData, useFetcher } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { Button } from "~/components/ui/button";
import { FormError } from "~/components/ui/field";
import { Badge, formatDateTime } from "~/components/ui/misc";
import type { Annotation } from "~/lib/annotations";
import { describeShapes } from "~/lib/annotations";
import { errorsFor } from "~/lib/intents";
import { commentTimecode } from "~/lib/review";
import type { FrameRate } from "~/lib/timecode";

/** A comment with its thread, as the review and submission pages load it. */
export type ThreadComment = {
  id: number;
  frame: number;
  endFrame: number | null;
  annotation: Annotation | null;
  body: string;
  author: string;
  createdAt: string | Date;
  resolvedAt: string | Date | null;
  resolvedBy: string | null;
  replies: {
    id: number;
    body: string;
    author: string;
    byArtist: boolean;
    createdAt: string | Date;
  }[];
};

/** What the viewer may do in threads: answer (with a fresh key per page load) and resolve. */
export type ThreadAbilities = { replyKey: string; canResolve: boolean } | null;

/** Where a refusal of a thread's forms shows: that thread (`at` in the routes' intent tables). */
export const threadScope = (commentId: number | string) => ({ id: `thread-${commentId}` });

/**
 * One comment and its thread: the frame or range (choosing it shows that frame), the drawing in
 * words, the replies, a reply form and resolve / reopen for those who may.
 */
export function CommentThread({
  comment,
  rate,
  selected,
  onSelect,
  abilities,
}: {
  comment: ThreadComment;
  rate: FrameRate;
  selected: boolean;
  onSelect: () => void;
  abilities: ThreadAbilities;
}) {
  const at = commentTimecode(comment, rate);
  const resolved = comment.resolvedAt !== null;
  const drawing = comment.annotation?.shapes.length
    ? describeShapes(comment.annotation.shapes)
    : "";
  return (
    <li
      id={`comment-${comment.id}`}
      aria-current={selected ? "true" : undefined}
      className={`scroll-mt-4 p-3 text-sm ${selected ? "bg-brand-50 ring-2 ring-inset ring-brand-600" : ""} ${resolved ? "opacity-80" : ""}`}
    >
      <div className="flex flex-wrap items-center gap-2">
        <button
          type="button"
          onClick={onSelect}
          className="rounded bg-stone-100 px-2 py-0.5 font-mono text-xs font-semibold text-brand-900 tabular-nums hover:bg-brand-100"
          aria-label={`Show ${comment.endFrame === null ? "frame" : "range"} ${at}`}
        >
          {at}
        </button>
        {drawing ? (
          <Badge tone="blue">
            <span aria-hidden="true">✎&nbsp;</span>Drawing
            <span className="sr-only">: {drawing}</span>
          </Badge>
        ) : null}
        {resolved ? <Badge tone="green">Resolved</Badge> : null}
      </div>
      <p className="mt-1.5 whitespace-pre-wrap break-words text-stone-900">{comment.body}</p>
      <p className="mt-1 text-xs text-stone-600">
        {comment.author} · {formatDateTime(comment.createdAt)}
        {resolved && comment.resolvedBy ? ` · resolved by ${comment.resolvedBy}` : ""}
      </p>
      {comment.replies.length > 0 ? (
        <ol
          aria-label={`Replies to ${comment.author} at ${at}`}
          className="mt-2 space-y-2 border-l-2 border-stone-200 pl-3"
        >
          {comment.replies.map((reply) => (
            <li key={reply.id} id={`reply-${reply.id}`}>
              <p className="whitespace-pre-wrap break-words text-stone-900">{reply.body}</p>
              <p className="mt-0.5 text-xs text-stone-600">
                {reply.author}
                {reply.byArtist ? " (artist)" : ""} · {formatDateTime(reply.createdAt)}
              </p>
            </li>
          ))}
        </ol>
      ) : null}
      {abilities ? <ThreadActions comment={comment} at={at} abilities={abilities} /> : null}
    </li>
  );
}

function ThreadActions({
  comment,
  at,
  abilities,
}: {
  comment: ThreadComment;
  at: string;
  abilities: NonNullable<ThreadAbilities>;
}) {
  const reply = useFetcher<{ ok: boolean }>({ key: `reply-${comment.id}` });
  const resolve = useFetcher({ key: `resolve-${comment.id}` });
  const actionData = useActionData();
  const scope = threadScope(comment.id);
  // A fetcher's own answer with JavaScript; the page's answer to the same form without it.
  const errors = {
    ...errorsFor(actionData, scope),
    ...errorsFor(reply.data),
    ...errorsFor(resolve.data),
  };
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (reply.state === "idle" && reply.data?.ok) form.current?.reset();
  }, [reply.state, reply.data]);
  const resolved = comment.resolvedAt !== null;
  const fieldId = `reply-body-${comment.id}`;
  return (
    <div className="mt-2 space-y-2">
      {/* Two forms in one row: "contents" lets their fields and buttons share the wrapper's flow. */}
      <div className="flex flex-wrap items-center gap-2">
        <reply.Form ref={form} method="post" className="contents">
          <input type="hidden" name="intent" value="reply" />
          <input type="hidden" name="commentId" value={comment.id} />
          <input type="hidden" name="clientKey" value={abilities.replyKey} />
          <label htmlFor={fieldId} className="sr-only">
            Reply to {comment.author} at {at}
          </label>
          <textarea
            id={fieldId}
            name="body"
            rows={2}
            required
            maxLength={2000}
            placeholder="Reply…"
            aria-invalid={errors.body ? true : undefined}
            aria-describedby={errors.body ? `${fieldId}-error` : undefined}
            className="block w-full basis-full rounded-md border border-stone-300 bg-white px-3 py-2 text-sm shadow-sm placeholder:text-stone-500 focus:border-brand-700 aria-[invalid=true]:border-red-600"
          />
          {errors.body ? (
            <p id={`${fieldId}-error`} className="basis-full text-sm text-red-700" role="alert">
              {errors.body}
            </p>
          ) : null}
          <Button type="submit" variant="secondary" busy={reply.state !== "idle"}>
            Reply
            <span className="sr-only">
              {" "}
              to {comment.author} at {at}
            </span>
          </Button>
        </reply.Form>
        {abilities.canResolve ? (
          <resolve.Form method="post" className="contents">
            <input type="hidden" name="intent" value={resolved ? "reopen" : "resolve"} />
            <input type="hidden" name="commentId" value={comment.id} />
            <Button type="submit" variant="ghost" busy={resolve.state !== "idle"}>
              {resolved ? "Reopen" : "Resolve"}
              <span className="sr-only"> the thread at {at}</span>
            </Button>
          </resolve.Form>
        ) : null}
      </div>
      <FormError message={errors.form ?? errors.commentId} />
    </div>
  );
}
