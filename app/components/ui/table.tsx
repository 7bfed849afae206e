import type { ReactNode } from "react";

/** The bordered, scrollable table used by every list page. `columns` are the header labels. */
export function DataTable({
  caption,
  columns,
  children,
}: {
  caption: string;
  columns: readonly ReactNode[];
  children: ReactNode;
}) {
  return (
    // A table wider than the window scrolls inside this box, which keyboards can reach and scroll.
    <div
      role="region"
      aria-label={caption}
      // eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex
      tabIndex={0}
      className="relative overflow-x-auto rounded-lg border border-stone-200 bg-white"
    >
      {/* A floor on its width: on a phone the columns keep readable widths and the box scrolls,
          rather than squeezing every word to a letter per line. */}
      <table className="w-full min-w-[40rem] text-left text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="border-b border-stone-200 bg-stone-50 text-xs uppercase tracking-wide text-stone-600">
          <tr>
            {columns.map((column, i) => (
              <th key={i} scope="col" className="px-4 py-3">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

export const rowClass = "border-b border-stone-100 align-top last:border-0";
export const cellClass = "px-4 py-3";
