import { expect, test, type Browser, type Page } from "@playwright/test";
import { expectNoSeriousA11yViolations } from "./support/axe";
import { ADMIN, DEMO_PASSWORD, escapeRegExp, signIn } from "./support/auth";

// Publishing rights end to end: an artist requests rights on an approved submission, an admin
// grants them, anyone signed out sees the license is valid, the admin revokes it, and the public
// page says so. The seed already holds licenses: this spec finds its own by the code it is given.

const ARTIST = { email: "artist@greenroom.test", name: "Ari Artist" };
// From db/seed-review.ts: Ari's approved portfolio submission.
const APPROVED = "Lighthouse spirals";
const stamp = `${Date.now()}-${Math.random().toString(36).slice(2, 7)}`;
const CREDIT = `Ari Artist for Greenroom ${stamp}`;

async function signedIn(browser: Browser, who: { email: string; name: string }): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, who.email, DEMO_PASSWORD, who.name);
  return page;
}

function flash(page: Page, text: string | RegExp) {
  return page.getByRole("status").filter({ hasText: text });
}

test("an artist requests rights, an admin grants them, the public page says valid, then revoked", async ({
  browser,
}) => {
  // Three people, two sign-ins and five accessibility scans.
  test.setTimeout(120_000);
  const ari = await signedIn(browser, ARTIST);
  await test.step("Ari requests rights on an approved submission", async () => {
    await ari.goto("/rights");
    await expect(ari.getByRole("heading", { level: 1, name: "Publishing rights" })).toBeVisible();
    await expectNoSeriousA11yViolations(ari, "/rights");
    await ari.getByLabel("Approved submission").selectOption({ label: `${APPROVED} (Portfolio)` });
    // Nothing chosen: the error is next to the platforms, and nothing is sent.
    await ari.getByLabel("Credit line").fill(CREDIT);
    await ari.getByRole("button", { name: "Send request" }).click();
    await expect(ari.getByText("Choose at least one platform.")).toBeVisible();
    await expectNoSeriousA11yViolations(ari, "/rights with an error");
    await ari.getByRole("checkbox", { name: "Instagram" }).check();
    await ari.getByRole("checkbox", { name: "YouTube" }).check();
    await ari.getByLabel("Credit line").fill(CREDIT);
    await ari.getByRole("button", { name: "Send request" }).click();
    await expect(flash(ari, "Request sent.")).toBeVisible();
    await expect(ari.getByText(/Waiting for an answer/).first()).toBeVisible();
  });

  const admin = await signedIn(browser, ADMIN);
  let code = "";
  await test.step("the admin grants it, narrowed to Instagram", async () => {
    await admin.goto("/admin/rights");
    const card = admin.locator("li").filter({ hasText: CREDIT });
    await expect(card).toBeVisible();
    await expectNoSeriousA11yViolations(admin, "/admin/rights");
    await card.getByText("Grant, with these terms or narrower").click();
    await card.getByRole("checkbox", { name: "YouTube" }).uncheck();
    await card.getByRole("button", { name: "Grant and issue a license" }).click();
    const granted = flash(admin, /Granted: license GR-/);
    await expect(granted).toBeVisible();
    code = /GR-[0-9A-Z]{4}-[0-9A-Z]{4}/.exec((await granted.textContent()) ?? "")![0];
  });

  const visitor = await (await browser.newContext()).newPage();
  await test.step("signed out, the verification page says valid", async () => {
    await visitor.goto(`/verify/${code}`);
    await expect(visitor.getByRole("heading", { level: 1, name: APPROVED })).toBeVisible();
    await expect(visitor.getByText("This license is valid")).toBeVisible();
    await expect(visitor.getByText("Instagram", { exact: true })).toBeVisible();
    await expect(visitor.getByText("YouTube")).toHaveCount(0);
    await expect(visitor.getByLabel(`Watermarked preview of ${APPROVED}`)).toBeVisible();
    await expectNoSeriousA11yViolations(visitor, "/verify/<code>");
    const json = await visitor.request.get(`/verify/${code}.json`);
    expect(json.status()).toBe(200);
    expect(await json.json()).toMatchObject({ code, status: "valid", platforms: ["Instagram"] });
    const unknown = await visitor.request.get("/verify/GR-0000-0000");
    expect(unknown.status()).toBe(404);
  });

  await test.step("Ari sees the license with its code", async () => {
    await ari.goto("/rights");
    await expect(ari.getByText(code)).toBeVisible();
  });

  await test.step("the admin revokes it with a reason", async () => {
    await admin.goto("/admin/rights?state=granted");
    const card = admin.locator("li").filter({ hasText: code });
    await card.getByRole("button", { name: "Revoke…" }).click();
    const dialog = admin.getByRole("dialog", { name: `Revoke ${code}?` });
    await dialog.getByLabel("Reason (the artist reads it)").fill("Published beyond the terms.");
    await dialog.getByRole("button", { name: "Revoke" }).click();
    await expect(flash(admin, `License ${code} revoked.`)).toBeVisible();
  });

  await test.step("the public page now says revoked, and shows no preview", async () => {
    await visitor.reload();
    await expect(visitor.getByText("This license was revoked")).toBeVisible();
    await expect(visitor.getByLabel(`Watermarked preview of ${APPROVED}`)).toHaveCount(0);
    await expect(
      visitor.getByRole("img", { name: new RegExp(escapeRegExp(APPROVED)) }),
    ).toBeVisible();
    await expectNoSeriousA11yViolations(visitor, "/verify/<code> revoked");
  });
});

test("an artist finds Japan by typing, picks it from the list and the request names it", async ({
  browser,
}) => {
  const ari = await signedIn(browser, ARTIST);
  const credit = `Ari in Japan ${stamp}`;
  await ari.goto("/rights");
  await ari.getByLabel("Approved submission").selectOption({ label: `${APPROVED} (Portfolio)` });
  await ari.getByRole("checkbox", { name: "Instagram" }).check();
  await ari.getByRole("radio", { name: "These countries" }).check();
  const picker = ari.getByRole("combobox", { name: "Countries" });
  await expect(picker).toHaveAttribute("aria-expanded", "false");
  await picker.fill("Jap");
  const list = ari.getByRole("listbox", { name: "Countries" });
  await expect(list).toBeVisible();
  await expect(list.getByRole("option")).toHaveText(["Japan"]);
  await expect(picker).toHaveAttribute(
    "aria-activedescendant",
    (await list.getByRole("option", { name: "Japan" }).getAttribute("id"))!,
  );
  const option = await list.getByRole("option", { name: "Japan" }).boundingBox();
  expect(option!.height).toBeGreaterThanOrEqual(44);
  await picker.press("Enter");
  const remove = ari.getByRole("button", { name: "Remove Japan" });
  await expect(remove).toBeVisible();
  const chip = await remove.boundingBox();
  expect(chip!.height).toBeGreaterThanOrEqual(44);
  expect(chip!.width).toBeGreaterThanOrEqual(44);
  await expect(picker).toHaveValue("");
  // A second country by mouse, then taken back off: only Japan is asked for.
  await picker.fill("fra");
  await list.getByRole("option", { name: "France" }).click();
  await ari.getByRole("button", { name: "Remove France" }).click();
  await picker.press("Escape");
  await expect(list).toBeHidden();
  await expectNoSeriousA11yViolations(ari, "/rights with the country picker");
  await ari.getByLabel("Credit line").fill(credit);
  await ari.getByRole("button", { name: "Send request" }).click();
  await expect(flash(ari, "Request sent.")).toBeVisible();
  // The credit line is not on the card: the terms are, with the one country asked for.
  await expect(
    ari.getByText(/Asked for: Instagram · non-commercial · Japan · from/).first(),
  ).toBeVisible();
});
