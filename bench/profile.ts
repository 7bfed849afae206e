// Reads a V8 CPU profile (`node --cpu-prof`, written by `npm run bench -- --profile`) and says
// where the server's time went: self time grouped by what ran it (React's render, the pg driver,
// Remix, Node's streams and sockets, our own code…) and the functions that took the most.
//
//   node --import tsx bench/profile.ts bench/profiles/<file>.cpuprofile [--top 25]
import { readFileSync } from "node:fs";
import { numberArg } from "./args";

type CallFrame = { functionName: string; url: string; lineNumber: number };
type ProfileNode = { id: number; callFrame: CallFrame; children?: number[] };
type CpuProfile = {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
};

/** What ran a frame, from its script's address: a package, Node itself, our build, or V8. */
function categoryOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (!url) {
    if (functionName === "(idle)") return "idle (waiting for I/O)";
    if (functionName === "(garbage collector)") return "garbage collection";
    if (functionName === "(program)") return "V8 and native code";
    return "native";
  }
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (pkg) {
    if (pkg === "react-dom" || pkg === "react") return "React server render";
    if (pkg === "pg" || pkg === "pg-protocol" || pkg === "pg-pool" || pkg === "pg-types")
      return "pg driver";
    if (pkg.startsWith("@remix-run/")) return "Remix";
    if (pkg === "express" || pkg === "compression" || pkg === "router" || pkg === "body-parser")
      return "Express and compression";
    return pkg;
  }
  if (url.startsWith("node:")) {
    if (/zlib/.test(url)) return "Node zlib (gzip)";
    if (/stream/.test(url)) return "Node streams";
    if (/net|tcp|http|_http/.test(url)) return "Node http and sockets";
    return "Node internals";
  }
  if (url.includes("/build/server/")) return "app (server build)";
  if (url.includes("/server/")) return "server/ (Express setup)";
  return url.replace(/^file:\/\/.*?\/(?=[^/]+\/[^/]+$)/, "");
}

function frameName({ functionName, url, lineNumber }: CallFrame) {
  const where = url ? `${url.split("/").slice(-2).join("/")}:${lineNumber + 1}` : "";
  return `${functionName || "(anonymous)"} ${where}`.trim();
}

function summarise(profile: CpuProfile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfMs = new Map<number, number>();
  for (const [i, id] of profile.samples.entries()) {
    // timeDeltas[i] is the time before sample i; it belongs to the sample that ran then.
    selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  }
  const categories = new Map<string, number>();
  const functions = new Map<string, { ms: number; category: string }>();
  let total = 0;
  for (const [id, ms] of selfMs) {
    const node = byId.get(id);
    if (!node) continue;
    total += ms;
    const category = categoryOf(node.callFrame);
    categories.set(category, (categories.get(category) ?? 0) + ms);
    const key = frameName(node.callFrame);
    const entry = functions.get(key) ?? { ms: 0, category };
    entry.ms += ms;
    functions.set(key, entry);
  }
  const busy = total - (categories.get("idle (waiting for I/O)") ?? 0);
  // Inclusive time: a function's own samples and those of everything it called (synchronously:
  // an await ends the stack). Counted once per function even when it recurses.
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parentOf.set(child, node.id);
  const inclusive = new Map<string, { ms: number; category: string }>();
  for (const [id, ms] of selfMs) {
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
      const node = byId.get(at);
      if (!node) break;
      const key = frameName(node.callFrame);
      if (seen.has(key)) continue;
      seen.add(key);
      const entry = inclusive.get(key) ?? { ms: 0, category: categoryOf(node.callFrame) };
      entry.ms += ms;
      inclusive.set(key, entry);
    }
  }
  return {
    totalMs: total,
    busyMs: busy,
    categories: [...categories].map(([name, ms]) => ({ name, ms })).sort((a, b) => b.ms - a.ms),
    functions: [...functions].map(([name, f]) => ({ name, ...f })).sort((a, b) => b.ms - a.ms),
    inclusive: [...inclusive].map(([name, f]) => ({ name, ...f })).sort((a, b) => b.ms - a.ms),
  };
}

function main() {
  const file = process.argv[2];
  if (!file) {
    console.error("Usage: node --import tsx bench/profile.ts <file.cpuprofile> [--top 25]");
    process.exit(2);
  }
  const top = numberArg("top", 25);
  const summary = summarise(JSON.parse(readFileSync(file, "utf8")) as CpuProfile);
  const pct = (ms: number) => `${((ms / summary.busyMs) * 100).toFixed(1).padStart(5)} %`;
  console.log(
    `${file}: ${(summary.totalMs / 1000).toFixed(1)} s profiled, ` +
      `${(summary.busyMs / 1000).toFixed(1)} s busy (shares below are of the busy time).\n`,
  );
  console.log("Self time by what ran it:");
  for (const c of summary.categories) {
    if (c.name.startsWith("idle")) continue;
    console.log(`  ${pct(c.ms)}  ${(c.ms / 1000).toFixed(2).padStart(7)} s  ${c.name}`);
  }
  console.log(`\nThe ${top} functions with the most self time:`);
  for (const f of summary.functions.filter((f) => !f.category.startsWith("idle")).slice(0, top))
    console.log(`  ${pct(f.ms)}  ${f.name}  [${f.category}]`);
  // Our own code and the renderer, with what they call: where a page's own work goes.
  const ours = summary.inclusive.filter(
    (f) => f.category === "app (server build)" || f.name.startsWith("renderTo"),
  );
  console.log(
    `\nThe ${top} functions of our build (and React's entry) with the most inclusive time:`,
  );
  for (const f of ours.slice(0, top)) console.log(`  ${pct(f.ms)}  ${f.name}`);
}

main();
