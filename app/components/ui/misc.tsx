import { Link, useSearchParams } from "@remix-run/react";
import type { ReactNode } from "react";

export function PageHeader({
  title,
  description,
  actions,
}: {
  title: string;
  description?: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <div className="mb-6 flex flex-wrap items-end justify-between gap-4">
      <div>
        <h1 className="text-2xl font-bold tracking-tight text-stone-900">{title}</h1>
        {description ? (
          <p className="mt-1 max-w-2xl text-sm text-stone-600">{description}</p>
        ) : null}
      </div>
      {actions}
    </div>
  );
}

const badgeTones = {
  green: "bg-green-100 text-green-900",
  amber: "bg-amber-100 text-amber-900",
  red: "bg-red-100 text-red-900",
  stone: "bg-stone-200 text-stone-800",
  blue: "bg-sky-100 text-sky-900",
  violet: "bg-violet-100 text-violet-900",
} as const;

export function Badge({
  tone = "stone",
  children,
}: {
  tone?: keyof typeof badgeTones;
  children: ReactNode;
}) {
  return (
    <span
      className={`inline-flex rounded-full px-2 py-0.5 text-xs font-semibold ${badgeTones[tone]}`}
    >
      {children}
    </span>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="rounded-lg border border-dashed border-stone-300 bg-white px-6 py-10 text-center">
      <p className="font-semibold text-stone-800">{title}</p>
      {children ? <div className="mt-1 text-sm text-stone-600">{children}</div> : null}
    </div>
  );
}

export function Card({ children, className = "" }: { children: ReactNode; className?: string }) {
  return (
    <section className={`rounded-lg border border-stone-200 bg-white p-5 shadow-sm ${className}`}>
      {children}
    </section>
  );
}

/** Numbered pages, keeping the other search parameters. */
export function Pagination({
  page,
  pageSize,
  total,
  label,
}: {
  page: number;
  pageSize: number;
  total: number;
  label: string;
}) {
  const [params] = useSearchParams();
  const pages = Math.max(1, Math.ceil(total / pageSize));
  if (pages <= 1) return null;
  const hrefFor = (n: number) => {
    const next = new URLSearchParams(params);
    next.set("page", String(n));
    return `?${next.toString()}`;
  };
  return (
    <nav aria-label={`${label} pages`} className="mt-4 flex items-center justify-between text-sm">
      <span className="text-stone-600">
        Page {page} of {pages} · {total} in all
      </span>
      <div className="flex gap-2">
        {page > 1 ? (
          <Link
            className="rounded-md border border-stone-300 bg-white px-3 py-1.5 hover:bg-stone-100"
            to={hrefFor(page - 1)}
            rel="prev"
          >
            Previous
          </Link>
        ) : null}
        {page < pages ? (
          <Link
            className="rounded-md border border-stone-300 bg-white px-3 py-1.5 hover:bg-stone-100"
            to={hrefFor(page + 1)}
            rel="next"
          >
            Next
          </Link>
        ) : null}
      </div>
    </nav>
  );
}

// Times are formatted in the viewer's time zone (app/lib/time-zone.ts); kept exported here, where
// every page already imports them from.
export { formatDateTime, formatTimeOfDay } from "~/lib/time-zone";
