import { expect, test } from "@playwright/test";
import { expectNoSeriousA11yViolations } from "./support/axe";

// The accessibility checks in the other specs only mean something if the helper can fail: here it
// must reject a page with known critical problems and name them in its message.
test("the axe helper fails on serious violations and lists them", async ({ page }) => {
  await page.setContent(
    `<html><head><title>Broken on purpose</title></head><body><main>
       <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
       <button></button>
     </main></body></html>`,
  );
  const failure = await expectNoSeriousA11yViolations(page, "a broken page").then(
    () => null,
    (error: unknown) => (error instanceof Error ? error.message : String(error)),
  );
  expect(failure, "the helper should have failed").not.toBeNull();
  expect(failure).toContain("a broken page");
  expect(failure).toContain("image-alt");
  expect(failure).toContain("button-name");
  expect(failure).toContain("html-has-lang");
});

test("the axe helper passes a clean page", async ({ page }) => {
  await page.setContent(
    `<html lang="en"><head><title>Fine</title></head><body><main><h1>Fine</h1><button>Go</button></main></body></html>`,
  );
  await expectNoSeriousA11yViolations(page, "a clean page");
});
