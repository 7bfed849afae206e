import { Link } from "@remix-run/react";
import { EmptyState } from "~/components/ui/misc";

type Output = {
  id: string;
  prompt: string;
  durationSeconds: number;
  width: number;
  height: number;
  createdAt: string | Date;
};

export function OutputGrid({ outputs }: { outputs: Output[] }) {
  if (outputs.length === 0) {
    return (
      <div className="mt-3">
        <EmptyState title="No clips yet">Finished clips appear here as posters.</EmptyState>
      </div>
    );
  }
  return (
    <ul className="mt-3 grid grid-cols-2 gap-4 sm:grid-cols-3 lg:grid-cols-4">
      {outputs.map((clip) => (
        <li key={clip.id}>
          <Link
            to={`/studio/clips/${clip.id}`}
            className="group block overflow-hidden rounded-lg border border-stone-200 bg-white shadow-sm focus-visible:outline-2"
          >
            <div className="flex aspect-video items-center justify-center bg-stone-900">
              <img
                src={`/media/clips/${clip.id}/poster`}
                alt=""
                loading="lazy"
                width={clip.width}
                height={clip.height}
                className="max-h-full max-w-full object-contain"
              />
            </div>
            <div className="p-2">
              <p className="truncate text-sm font-medium text-stone-900 group-hover:underline">
                {clip.prompt}
              </p>
              <p className="text-xs text-stone-600">
                {Math.round(clip.durationSeconds)} s · {clip.width}×{clip.height}
              </p>
            </div>
          </Link>
        </li>
      ))}
    </ul>
  );
}
