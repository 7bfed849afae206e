import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";

type AxeResults = Awaited<ReturnType<AxeBuilder["analyze"]>>;
type Violation = AxeResults["violations"][number];

const BLOCKING_IMPACTS = new Set(["serious", "critical"]);

function describe(violations: Violation[]) {
  return violations
    .map((v) => {
      const nodes = v.nodes
        .slice(0, 5)
        .map(
          (n) =>
            `      - ${n.target.join(" ")}\n        ${(n.failureSummary ?? "").replace(/\n/g, "\n        ")}`,
        )
        .join("\n");
      const more = v.nodes.length > 5 ? `\n      … and ${v.nodes.length - 5} more` : "";
      return `  [${v.impact}] ${v.id}: ${v.help}\n    ${v.helpUrl}\n${nodes}${more}`;
    })
    .join("\n");
}

/**
 * Runs axe on the page as it is now and fails on any serious or critical violation, listing each
 * one (rule, elements, what to fix) in the failure message.
 */
export async function expectNoSeriousA11yViolations(page: Page, where: string) {
  await page.waitForLoadState("domcontentloaded");
  // A colour scheme switched on an open page (page.emulateMedia) eases colours in over a CSS
  // transition: jump running transitions to their end, so contrast is measured on the final
  // colours. (Only transitions: a spinner's animation is left alone.)
  await page.evaluate(() => {
    for (const a of document.getAnimations()) if (a instanceof CSSTransition) a.finish();
  });
  const results = await new AxeBuilder({ page }).analyze();
  const blocking = results.violations.filter((v) => v.impact && BLOCKING_IMPACTS.has(v.impact));
  expect(
    blocking.length,
    `axe found ${blocking.length} serious/critical violation(s) on ${where} (${page.url()}):\n${describe(blocking)}`,
  ).toBe(0);
}
