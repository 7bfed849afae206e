import { useLoaderData } from "@remix-run/react";
import { Card } from "~/components/ui/misc";
import type { loader } from "./route";

/** The submission's description, the note with the current version, and the clip's prompt. */
export function ArtistNotes() {
  const page = useLoaderData<typeof loader>();
  const current = page.versions.find((v) => v.number === page.current)!;
  return (
    <Card>
      <h2 className="text-lg font-semibold">What the artist says</h2>
      <p className="mt-2 whitespace-pre-wrap text-sm text-stone-800">
        {page.submission.description}
      </p>
      {current.note ? (
        <>
          <h3 className="mt-3 text-sm font-semibold">Note with version {current.number}</h3>
          <p className="mt-1 whitespace-pre-wrap text-sm text-stone-800">{current.note}</p>
        </>
      ) : null}
      <h3 className="mt-3 text-sm font-semibold">Prompt</h3>
      <p className="mt-1 text-sm text-stone-700">{current.prompt}</p>
    </Card>
  );
}
