import type { MetaFunction } from "@remix-run/node";
import { routeHeaders } from "~/.server/http";

export const headers = routeHeaders;

// The page benchmark's yardstick (bench/pages.ts): a document served through the same server,
// middleware, Remix and root layout as every other page, with static text and no database work.
// Each page's figures are reported as ratios to this one, so what they measure is the cost of the
// page's own data and markup. No loader on purpose: the root loader reads no database for a
// visitor who is not signed in, and nothing here may either.
export const meta: MetaFunction = () => [
  { title: "Baseline · Greenroom" },
  { name: "robots", content: "noindex" },
];

export default function BenchBaseline() {
  return (
    <div className="mx-auto max-w-2xl px-4 py-12">
      <h1 className="text-2xl font-bold tracking-tight text-stone-900">Greenroom is up</h1>
      <p className="mt-2 text-sm text-stone-600">
        A static page that the performance benchmark compares every other page with.
      </p>
    </div>
  );
}
