// Browser weight: the gzipped JavaScript a page makes the browser download on a first visit,
// read from the production build's own manifest (the `assets` the server build exports, which is
// what Remix puts into the page's modulepreload links). Lazy route discovery means a page loads the
// entry, the root route and its own route chain, nothing else.
import { readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";

type ManifestRoute = {
  id: string;
  parentId?: string;
  module: string;
  imports?: string[];
  hasDefaultExport?: boolean;
};
type AssetsManifest = {
  entry: { module: string; imports: string[] };
  routes: Record<string, ManifestRoute>;
};

export type PageWeight = {
  name: string;
  routeId: string;
  files: number;
  rawBytes: number;
  gzipBytes: number;
};

/** The pages a person lands on, by the route that renders each. */
export const MAIN_PAGES: { name: string; routeId: string }[] = [
  { name: "/login", routeId: "routes/login" },
  { name: "/", routeId: "routes/_index" },
  { name: "/studio", routeId: "routes/studio._index" },
  { name: "/studio/<clip>", routeId: "routes/studio.clips.$clipId" },
  { name: "/submissions", routeId: "routes/submissions._index" },
  { name: "/submissions/<id>", routeId: "routes/submissions.$submissionId" },
  { name: "/rights", routeId: "routes/rights._index" },
  { name: "/earnings", routeId: "routes/earnings._index" },
  { name: "/review", routeId: "routes/review._index" },
  { name: "/review/<id>", routeId: "routes/review.$submissionId" },
  { name: "/admin", routeId: "routes/admin._index" },
  { name: "/admin/money", routeId: "routes/admin.money._index" },
  { name: "/admin/people", routeId: "routes/admin.people._index" },
  { name: "/verify/<code>", routeId: "routes/verify.$code" },
];

export async function readAssetsManifest(buildDir = "build") {
  const serverBuild = (await import(
    pathToFileURL(path.resolve(buildDir, "server/index.js")).href
  )) as { assets: AssetsManifest };
  return serverBuild.assets;
}

/** Every script a first visit to `routeId` loads: entry, root, the route's parents and itself. */
export function scriptsFor(manifest: AssetsManifest, routeId: string) {
  const chain: ManifestRoute[] = [];
  for (let id: string | undefined = routeId; id; id = manifest.routes[id]?.parentId) {
    const route = manifest.routes[id];
    if (!route) throw new Error(`The build has no route ${id}.`);
    chain.push(route);
  }
  const files = new Set<string>([manifest.entry.module, ...manifest.entry.imports]);
  for (const route of chain) {
    files.add(route.module);
    for (const file of route.imports ?? []) files.add(file);
  }
  return [...files];
}

export function measureWeights(
  manifest: AssetsManifest,
  pages = MAIN_PAGES,
  clientDir = "build/client",
): PageWeight[] {
  const gzipped = new Map<string, { raw: number; gzip: number }>();
  const sizeOf = (file: string) => {
    let size = gzipped.get(file);
    if (!size) {
      const bytes = readFileSync(path.join(clientDir, file));
      // Level 6 is what the server's compression middleware sends.
      size = { raw: bytes.length, gzip: gzipSync(bytes, { level: 6 }).length };
      gzipped.set(file, size);
    }
    return size;
  };
  return pages.map(({ name, routeId }) => {
    const files = scriptsFor(manifest, routeId);
    let rawBytes = 0;
    let gzipBytes = 0;
    for (const file of files) {
      const size = sizeOf(file);
      rawBytes += size.raw;
      gzipBytes += size.gzip;
    }
    return { name, routeId, files: files.length, rawBytes, gzipBytes };
  });
}
