import { expect, test, type Page } from "@playwright/test";
import { expectNoSeriousA11yViolations } from "./support/axe";
import { ADMIN, DEMO_PASSWORD, signIn } from "./support/auth";
import { open, PAGES, ROLES } from "./support/main-pages";

// Every main page as each role would open it, on a phone (390 × 844) and a small laptop
// (1366 × 768): the document never scrolls sideways (wide tables scroll inside their own box or
// become cards), the navigation collapses into a menu on the phone, the admin navigation fits one
// row on the laptop, and axe finds nothing serious in the light or the dark scheme.
// One sign-in per role (the suite shares a login budget per address).

async function expectNoSidewaysScroll(page: Page, where: string) {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  expect(scrollWidth, `${where} is ${scrollWidth} px wide in a ${innerWidth} px window`).toBe(
    innerWidth,
  );
}

for (const [role, who] of ROLES) {
  test(`every ${role} page fits a phone and a small laptop, light and dark`, async ({ page }) => {
    test.setTimeout(240_000);
    await signIn(page, who.email, DEMO_PASSWORD, who.name);
    for (const visit of PAGES[role]) {
      await page.setViewportSize({ width: 390, height: 844 });
      await page.emulateMedia({ colorScheme: "light" });
      const path = await open(page, visit);
      await expect(page.locator("h1").first()).toBeVisible();
      await expectNoSidewaysScroll(page, `${path} at 390 px`);
      await expectNoSeriousA11yViolations(page, `${path} at 390 px, light`);
      await page.emulateMedia({ colorScheme: "dark" });
      await expectNoSeriousA11yViolations(page, `${path} at 390 px, dark`);
      await page.emulateMedia({ colorScheme: "light" });
      await page.setViewportSize({ width: 1366, height: 768 });
      await expectNoSidewaysScroll(page, `${path} at 1366 px`);
    }
  });
}

test("the navigation collapses into a menu on a phone and fits one row on a laptop", async ({
  page,
}) => {
  await signIn(page, ADMIN.email, DEMO_PASSWORD, ADMIN.name);
  await page.setViewportSize({ width: 1366, height: 768 });
  const nav = page.getByRole("navigation", { name: "Main" });
  const links = nav.getByRole("link");
  await expect(nav.getByRole("link", { name: "Access" })).toHaveAttribute("href", "/admin/access");
  const tops = await links.evaluateAll((els) => els.map((el) => el.getBoundingClientRect().top));
  expect(new Set(tops).size, "admin navigation rows at 1366 px").toBe(1);

  await page.setViewportSize({ width: 390, height: 844 });
  await expect(nav).toBeHidden();
  const menu = page.getByRole("button", { name: "Menu" });
  await expect(menu).toHaveAttribute("aria-expanded", "false");
  const box = await menu.boundingBox();
  expect(box!.height).toBeGreaterThanOrEqual(44);
  await menu.click();
  await expect(menu).toHaveAttribute("aria-expanded", "true");
  await expect(nav).toBeVisible();
  await nav.getByRole("link", { name: "Audit log" }).click();
  await expect(page).toHaveURL("/admin/audit");
  // Following a link closes the menu.
  await expect(nav).toBeHidden();
  const targets = await page
    .locator("main button, main nav a, main summary, header a, header button, header summary")
    .evaluateAll((els) =>
      els
        .filter((el) => (el as HTMLElement).offsetParent !== null)
        .map((el) => ({
          text: (el.textContent ?? "").trim().slice(0, 30),
          height: el.getBoundingClientRect().height,
        }))
        .filter((t) => t.height > 0 && t.height < 44),
    );
  expect(targets, "touch targets under 44 px on /admin/audit at 390 px").toEqual([]);
});
