import { Form, useLoaderData } from "@remix-run/react";
import { useState, type ChangeEvent } from "react";
import { Button } from "~/components/ui/button";
import { Card } from "~/components/ui/misc";
import { useIntentErrors } from "~/components/use-intent-errors";
import type { loader } from "./route";

/** The file form, and what the check looks at. */
export function UploadCard({ busy }: { busy: boolean }) {
  const { maxBytes, maxLabel } = useLoaderData<typeof loader>();
  const errors = useIntentErrors();
  const [tooBig, setTooBig] = useState<string | null>(null);
  const serverError = errors.file ?? errors.form ?? null;
  const fileError = tooBig ?? (busy ? null : serverError);

  // Said before the upload starts, so nobody waits minutes to hear the file is too large.
  function onFileChange(event: ChangeEvent<HTMLInputElement>) {
    const file = event.currentTarget.files?.[0];
    const message =
      file && file.size > maxBytes
        ? `The file is larger than ${maxLabel}, the most this page accepts.`
        : "";
    event.currentTarget.setCustomValidity(message);
    setTooBig(message || null);
  }

  return (
    <Card>
      <h2 className="text-lg font-semibold">Upload a video</h2>
      <Form
        method="post"
        encType="multipart/form-data"
        className="mt-3 space-y-4"
        aria-busy={busy || undefined}
      >
        <div className="space-y-1">
          <label htmlFor="provenance-file" className="block text-sm font-medium text-stone-800">
            MP4 file
          </label>
          <input
            id="provenance-file"
            name="file"
            type="file"
            accept="video/mp4,.mp4"
            required
            onChange={onFileChange}
            aria-invalid={fileError ? true : undefined}
            aria-describedby={`provenance-file-hint${fileError ? " provenance-file-error" : ""}`}
            className="block w-full rounded-md border border-stone-300 bg-white px-3 py-2 text-sm file:mr-3 file:rounded file:border-0 file:bg-stone-200 file:px-3 file:py-1 file:text-sm file:font-semibold focus:border-brand-700"
          />
          <p id="provenance-file-hint" className="text-xs text-stone-600">
            MP4 only, up to {maxLabel}. The file is checked and deleted straight away: we keep
            nothing of it.
          </p>
          {fileError ? (
            <p id="provenance-file-error" className="text-sm text-red-700" role="alert">
              {fileError}
            </p>
          ) : null}
        </div>
        <Button type="submit" busy={busy}>
          {busy ? "Uploading and checking…" : "Check this file"}
        </Button>
        <p role="status" className="sr-only">
          {busy ? "Uploading and checking the file." : ""}
        </p>
      </Form>
      <h3 className="mt-6 text-sm font-semibold text-stone-800">What is checked</h3>
      <ul className="mt-1 list-disc space-y-1 pl-5 text-sm text-stone-700">
        <li>That the file really is an MP4 video we can read (by its content, not its name).</li>
        <li>
          Its C2PA Content Credentials, read by the Content Authenticity Initiative&apos;s own
          implementation: whether Greenroom signed them, and whether the file&apos;s bytes are still
          the ones signed. One changed byte shows.
        </li>
        <li>
          Greenroom&apos;s own record, bound to the coded picture: copied onto another video, it no
          longer matches.
        </li>
        <li>
          For a clip of ours: when and how it was made, whether it was approved, and the licenses it
          was published under.
        </li>
      </ul>
    </Card>
  );
}
