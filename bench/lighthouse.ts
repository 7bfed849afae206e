// Lighthouse's performance and accessibility scores for a few pages, in Debian's Chromium
// (CHROME_PATH, /usr/bin/chromium by default). Lighthouse's default profile: a mid-range phone on
// a simulated slow 4G connection, so the scores compare with anyone else's Lighthouse runs.
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";

export type LighthouseScores = {
  name: string;
  performance: number;
  accessibility: number;
  firstContentfulPaintMs: number;
  largestContentfulPaintMs: number;
  totalBlockingTimeMs: number;
  cumulativeLayoutShift: number;
};

export async function runLighthouse(
  baseUrl: string,
  pages: { name: string; path: string; headers: Record<string, string> }[],
): Promise<LighthouseScores[]> {
  const chrome = await chromeLauncher.launch({
    chromePath: process.env.CHROME_PATH || "/usr/bin/chromium",
    chromeFlags: [
      "--headless=new",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      // This machine has no internet: without these Chromium keeps trying to reach Google.
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
  try {
    const scores: LighthouseScores[] = [];
    for (const page of pages) {
      scores.push(await withRetry(() => audit(chrome.port, baseUrl, page)));
    }
    return scores;
  } finally {
    chrome.kill();
  }
}

/** Lighthouse itself asks to be run again when a trace comes out incomplete: once more, then fail. */
async function withRetry<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    console.log(`Lighthouse: ${(error as Error).message} Trying once more.`);
    return run();
  }
}

async function audit(
  port: number,
  baseUrl: string,
  page: { name: string; path: string; headers: Record<string, string> },
): Promise<LighthouseScores> {
  const result = await lighthouse(baseUrl + page.path, {
    port,
    output: "json",
    logLevel: "error",
    onlyCategories: ["performance", "accessibility"],
    // A signed-in page: the session cookie on every request Lighthouse's browser makes.
    extraHeaders: page.headers,
  });
  if (!result) throw new Error(`Lighthouse returned nothing for ${page.path}.`);
  const { lhr } = result;
  if (lhr.runtimeError)
    throw new Error(`Lighthouse failed on ${page.path}: ${lhr.runtimeError.message}`);
  if (lhr.finalDisplayedUrl !== baseUrl + page.path)
    throw new Error(`Lighthouse on ${page.path} ended at ${lhr.finalDisplayedUrl}.`);
  const metric = (id: string) => lhr.audits[id]?.numericValue ?? NaN;
  return {
    name: page.name,
    performance: Math.round((lhr.categories.performance?.score ?? 0) * 100),
    accessibility: Math.round((lhr.categories.accessibility?.score ?? 0) * 100),
    firstContentfulPaintMs: metric("first-contentful-paint"),
    largestContentfulPaintMs: metric("largest-contentful-paint"),
    totalBlockingTimeMs: metric("total-blocking-time"),
    cumulativeLayoutShift: metric("cumulative-layout-shift"),
  };
}
