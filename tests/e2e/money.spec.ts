import { readFile } from "node:fs/promises";
import {
  expect,
  test,
  type Browser,
  type Download,
  type Locator,
  type Page,
} from "@playwright/test";
import { formatDay } from "../../app/lib/dates";
import { expectNoSeriousA11yViolations } from "./support/axe";
import { ADMIN, ARTIST2, DEMO_PASSWORD, escapeRegExp, signIn } from "./support/auth";

// Compensation end to end: an artist logs testing hours, sees them await approval, an admin
// approves them (and rejects another item through the confirm dialog, by keyboard), pays them in a
// batch, marks it sent then paid, and the artist's statement says paid; the admin downloads the
// batch and the ledger as CSV. Every money page is scanned with axe.
//
// Bea is the artist: the demo seed pays her, alone, in EUR, so the EUR batch this spec makes holds
// her balance and nobody else's. The seed has items of its own: this spec finds its items by the
// unique notes and hours it gives them, never by position. Two sign-ins in all (the suite shares
// a per-address login limit, support/auth.ts).

const stamp = `${Date.now()}-${Math.random().toString(36).slice(2, 7)}`;
const PAID_NOTES = `Checked camera presets on crowd scenes ${stamp}`;
// A quantity the seed never logs, so the statement line ("2.75 hours of testing on …") is ours.
const PAID_HOURS = "2.75";
const REJECTED_NOTES = `Looked at the colour grading menu ${stamp}`;
const REJECT_REASON = `Not a testing session: menus are out of scope ${stamp}`;

const BATCH_HEADER =
  "payout_id,batch_id,artist_id,artist_name,artist_email,currency,amount,amount_minor,state,idempotency_key,reference,created_at,sent_at,paid_at,failed_at,failure_reason";
const LEDGER_HEADER =
  "entry_id,occurred_on,recorded_at,artist_id,artist_name,artist_email,kind,description,currency,amount,amount_minor,contribution_id,grant_id,promotion_id,payout_id,stipend_month,reverses_entry_id";

async function signedIn(browser: Browser, who: { email: string; name: string }): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, who.email, DEMO_PASSWORD, who.name);
  return page;
}

function flash(page: Page, text: string | RegExp) {
  return page.getByRole("status").filter({ hasText: text });
}

async function waitForHydration(page: Page) {
  await page.waitForFunction(() =>
    Boolean((window as unknown as { __remixRouter?: unknown }).__remixRouter),
  );
}

/** "€1,234.50" → "1234.50", the way the CSV writes amounts. */
function decimalOf(shown: string) {
  const match = /([\d,]+\.\d{2})/.exec(shown);
  expect(match, `an amount in "${shown}"`).not.toBeNull();
  return match![1]!.replace(/,/g, "");
}

/** The CSV a download holds, as rows of cells (RFC 4180: quoted cells may hold commas). */
async function csvRows(download: Download) {
  const text = await readFile((await download.path())!, "utf8");
  expect(text.endsWith("\r\n"), "CSV lines end in CRLF").toBe(true);
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(cell);
      cell = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      i++;
    } else cell += c;
  }
  return rows;
}

const euros = (decimal: string) =>
  new Intl.NumberFormat("en-US", { style: "currency", currency: "EUR" }).format(Number(decimal));

async function download(page: Page, start: () => Promise<void>) {
  const [file] = await Promise.all([page.waitForEvent("download"), start()]);
  return file;
}

/** A row of the artist's "Your contributions" table, found by its notes. */
function contributionRow(page: Page, notes: string): Locator {
  return page
    .getByRole("table", { name: "Your contributions, newest first" })
    .getByRole("row")
    .filter({ hasText: notes });
}

async function logHours(page: Page, hours: string, notes: string) {
  const form = page
    .locator("form")
    .filter({ has: page.getByRole("button", { name: "Log hours" }) });
  await form.getByLabel("Hours", { exact: true }).fill(hours);
  await form.getByLabel("What you tested").fill(notes);
  await form.getByRole("button", { name: "Log hours" }).click();
}

test("an artist logs hours, an admin approves and pays them in a batch, the statement says paid, and finance gets the CSVs", async ({
  browser,
}) => {
  // Two people, a dozen pages, two downloads and a dozen axe scans.
  test.setTimeout(240_000);

  const bea = await signedIn(browser, ARTIST2);
  const today =
    await test.step("Bea logs hours on /earnings; a wrong amount is refused next to the field", async () => {
      await bea.goto("/earnings");
      await expect(bea.getByRole("heading", { level: 1, name: "Earnings" })).toBeVisible();
      await waitForHydration(bea);
      await expectNoSeriousA11yViolations(bea, "/earnings");
      const date = await bea.getByLabel("Date", { exact: true }).inputValue();
      expect(date).toMatch(/^\d{4}-\d{2}-\d{2}$/);

      await logHours(bea, "1.1", PAID_NOTES);
      const hours = bea.getByLabel("Hours", { exact: true });
      await expect(
        bea.getByText("Enter the hours in quarter hours, like 1.5 or 1:30."),
      ).toBeVisible();
      await expect(hours).toHaveAttribute("aria-invalid", "true");
      await expect(contributionRow(bea, PAID_NOTES)).toHaveCount(0);
      await expectNoSeriousA11yViolations(bea, "/earnings with an error");

      await logHours(bea, PAID_HOURS, PAID_NOTES);
      await expect(
        flash(bea, `Logged ${PAID_HOURS} hours. An admin will approve it.`),
      ).toBeVisible();
      const row = contributionRow(bea, PAID_NOTES);
      await expect(row).toContainText(`${PAID_HOURS} hours of testing`);
      await expect(row).toContainText("Awaiting approval");
      await expect(row.getByRole("cell").nth(0)).toHaveText(formatDay(date));

      await logHours(bea, "0.5", REJECTED_NOTES);
      await expect(flash(bea, "Logged 0.5 hours.")).toBeVisible();
      await expect(contributionRow(bea, REJECTED_NOTES)).toContainText("Awaiting approval");
      return date;
    });

  const admin = await signedIn(browser, ADMIN);
  let earns = "";
  await test.step("Ada approves the hours on /admin/money", async () => {
    await admin.goto("/admin/money");
    await expect(admin.getByRole("heading", { level: 1, name: "Money" })).toBeVisible();
    await waitForHydration(admin);
    await expectNoSeriousA11yViolations(admin, "/admin/money");
    const card = admin.getByRole("listitem").filter({ hasText: PAID_NOTES });
    await expect(card).toContainText(`${PAID_HOURS} hours of testing on ${formatDay(today)}`);
    await expect(card).toContainText("Bea Artist");
    const estimate = card.getByText(/^Earns /);
    await expect(estimate).toContainText("€");
    earns = decimalOf((await estimate.textContent()) ?? "");
    await card.getByRole("button", { name: "Approve" }).click();
    await expect(flash(admin, "Approved. The artist's balance has it.")).toBeVisible();
    await expect(admin.getByRole("listitem").filter({ hasText: PAID_NOTES })).toHaveCount(0);
  });

  await test.step("Ada rejects the other item with a reason, through the confirm dialog, by keyboard", async () => {
    const card = admin.getByRole("listitem").filter({ hasText: REJECTED_NOTES });
    const trigger = card.getByRole("button", { name: "Reject" });
    const dialog = admin.getByRole("dialog", { name: "Reject this contribution?" });
    await trigger.focus();
    await admin.keyboard.press("Enter");
    await expect(dialog).toBeVisible();
    const reason = dialog.getByLabel("Reason the artist will read");
    // The modal dialog takes focus to its first field; Escape closes it and changes nothing.
    await expect(reason).toBeFocused();
    await expectNoSeriousA11yViolations(admin, "/admin/money with the reject dialog open");
    await admin.keyboard.press("Escape");
    await expect(dialog).toBeHidden();
    await expect(trigger).toBeFocused();
    await expect(card).toBeVisible();

    await admin.keyboard.press("Enter");
    await expect(reason).toBeFocused();
    await admin.keyboard.type(REJECT_REASON);
    await admin.keyboard.press("Tab");
    await expect(dialog.getByRole("button", { name: "Keep it" })).toBeFocused();
    await admin.keyboard.press("Tab");
    await expect(dialog.getByRole("button", { name: "Reject" })).toBeFocused();
    await admin.keyboard.press("Enter");
    await expect(flash(admin, "Rejected. The artist has the reason.")).toBeVisible();
    await expect(admin.getByRole("listitem").filter({ hasText: REJECTED_NOTES })).toHaveCount(0);
  });

  let batchUrl = "";
  let payable = "";
  await test.step("Ada makes a EUR batch on /admin/money/payouts", async () => {
    await admin.goto("/admin/money/payouts");
    await expect(admin.getByRole("heading", { level: 1, name: "Payouts" })).toBeVisible();
    await expectNoSeriousA11yViolations(admin, "/admin/money/payouts");
    await admin
      .getByRole("navigation", { name: "Currency" })
      .getByRole("link", { name: "EUR", exact: true })
      .click();
    await expect(admin).toHaveURL(/\/admin\/money\/payouts\?currency=EUR$/);
    await waitForHydration(admin);
    const preview = admin.getByRole("table", { name: "Balances in EUR the batch would pay" });
    const row = preview.getByRole("row").filter({ hasText: ARTIST2.email });
    // Everyone owed is in the draft; "Leave out" would store an exclusion on it.
    await expect(row.getByRole("button", { name: "Leave out Bea Artist" })).toBeVisible();
    payable = decimalOf((await row.getByRole("cell").nth(1).textContent()) ?? "");
    // Her balance holds at least the hours just approved.
    expect(Number(payable)).toBeGreaterThanOrEqual(Number(earns));
    await expectNoSeriousA11yViolations(admin, "/admin/money/payouts?currency=EUR");
    await admin.getByLabel("Note (optional)").fill(`E2E payouts ${stamp}`);
    await admin.getByRole("button", { name: "Create batch" }).click();
    await expect(admin).toHaveURL(/\/admin\/money\/payouts\/[\w-]+$/);
    await expect(flash(admin, /^Batch created: \d+ payouts?, €/)).toBeVisible();
    batchUrl = new URL(admin.url()).pathname;
  });

  await test.step("on the batch page Ada marks all sent, then all paid", async () => {
    await waitForHydration(admin);
    const row = admin.getByRole("row").filter({ hasText: ARTIST2.email });
    await expect(row).toContainText("To send");
    await expect(row).toContainText(euros(payable));
    await expectNoSeriousA11yViolations(admin, "the payout batch page");
    await admin.getByRole("button", { name: /^Mark all \d+ sent$/ }).click();
    await expect(flash(admin, /^\d+ payouts? marked sent\./)).toBeVisible();
    await expect(row).toContainText("Sent");
    await expect(admin.getByRole("button", { name: /^Mark all \d+ sent$/ })).toHaveCount(0);
    await admin.getByRole("button", { name: /^Mark all \d+ paid$/ }).click();
    await expect(flash(admin, /^\d+ payouts? marked paid\./)).toBeVisible();
    await expect(row).toContainText("Paid");
    await expect(admin.getByRole("button", { name: /^Mark all \d+ paid$/ })).toHaveCount(0);
    await expectNoSeriousA11yViolations(admin, "the payout batch page, paid");
  });

  await test.step("Bea's statement shows the hours paid, and the rejected item with its reason", async () => {
    await bea.goto("/earnings");
    const statement = bea.getByRole("table", {
      name: "Statement items by date, newest first, with the balance after each",
    });
    const line = statement
      .getByRole("row")
      .filter({ hasText: `${PAID_HOURS} hours of testing on` });
    await expect(line).toHaveCount(1);
    await expect(line).toContainText("Paid");
    expect(decimalOf((await line.getByRole("cell").nth(2).textContent()) ?? "")).toBe(earns);
    const payout = statement.getByRole("row").filter({ hasText: "Payout" }).first();
    await expect(payout).toContainText(`-€`);
    await expect(payout).toContainText("Paid");
    await expect(contributionRow(bea, PAID_NOTES)).toContainText("Approved");
    const rejected = contributionRow(bea, REJECTED_NOTES);
    await expect(rejected).toContainText("Not approved");
    await expect(rejected).toContainText(`Reason: ${REJECT_REASON}`);
    await expectNoSeriousA11yViolations(bea, "/earnings, paid");
  });

  let beaId = "";
  await test.step("Ada downloads the batch as CSV", async () => {
    await admin.goto(batchUrl);
    const file = await download(admin, () =>
      admin.getByRole("link", { name: "Download CSV" }).click(),
    );
    expect(file.suggestedFilename()).toMatch(/^greenroom-payouts-\d{4}-\d{2}-\d{2}-[\w-]{8}\.csv$/);
    const rows = await csvRows(file);
    expect(rows[0]!.join(",")).toBe(BATCH_HEADER);
    const mine = rows.filter((r) => r[4] === ARTIST2.email);
    expect(mine).toHaveLength(1);
    const [row] = mine;
    beaId = row![2]!;
    expect(row![1]).toBe(batchUrl.split("/").at(-1));
    expect(row![3]).toBe("Bea Artist");
    expect(row![5]).toBe("EUR");
    expect(row![6]).toBe(payable);
    expect(row![7]).toBe(String(Math.round(Number(payable) * 100)));
    expect(row![8]).toBe("paid");
    expect(row![12], "sent_at").not.toBe("");
    expect(row![13], "paid_at").not.toBe("");
  });

  await test.step("Ada downloads this month's ledger as CSV", async () => {
    await admin.goto("/admin/money/payouts");
    await expect(admin.getByLabel("To", { exact: true })).toHaveValue(today);
    const file = await download(admin, () =>
      admin.getByRole("button", { name: "Download ledger CSV" }).click(),
    );
    expect(file.suggestedFilename()).toMatch(
      new RegExp(`^greenroom-ledger-\\d{4}-\\d{2}-01-to-${escapeRegExp(today)}\\.csv$`),
    );
    const rows = await csvRows(file);
    expect(rows[0]!.join(",")).toBe(LEDGER_HEADER);
    const beas = rows.filter((r) => r[5] === ARTIST2.email);
    const earning = beas.filter(
      (r) => r[6] === "earning" && r[7]!.startsWith(`${PAID_HOURS} hours of testing on`),
    );
    expect(earning).toHaveLength(1);
    expect(earning[0]![1]).toBe(today);
    expect(earning[0]![8]).toBe("EUR");
    expect(earning[0]![9]).toBe(earns);
    const payout = beas.filter((r) => r[6] === "payout" && r[1] === today);
    expect(payout).toHaveLength(1);
    expect(payout[0]![10]).toBe(String(-Math.round(Number(payable) * 100)));
    // The amount column is a number a spreadsheet can add up.
    expect.soft(payout[0]![9]).toBe(`-${payable}`);
  });

  await test.step("the other money pages have no serious accessibility problems", async () => {
    const pages: [string, string][] = [
      ["/admin/money/rates", "Rate card"],
      ["/admin/money/grants", "Grants"],
      ["/admin/money/promotions", "Promotional use"],
      [`/admin/money/artists/${beaId}`, "Bea Artist"],
    ];
    for (const [path, heading] of pages) {
      await admin.goto(path);
      await expect(admin.getByRole("heading", { level: 1, name: heading })).toBeVisible();
      await expectNoSeriousA11yViolations(admin, path);
    }
    // Her statement, as the admin sees it, has the paid hours too.
    await expect(
      admin.getByRole("row").filter({ hasText: `${PAID_HOURS} hours of testing on` }),
    ).toContainText("Paid");
  });

  await test.step("a rate card from a past day is published only after 'Publish anyway'", async () => {
    // CAD: nobody in the seed is paid in it, so this card prices nothing the spec checks.
    const past = new Date(Date.now() - 7 * 86_400_000).toISOString().slice(0, 10);
    await admin.goto("/admin/money/rates");
    await waitForHydration(admin);
    await admin.getByLabel("Currency").selectOption("CAD");
    await admin.getByLabel("In force from").fill(past);
    await expect(admin.getByText(`Chosen: ${formatDay(past)}.`)).toBeVisible();
    for (const [label, value] of [
      [/^Testing session/, "41.00"],
      [/^Feedback report/, "26.00"],
      [/^Clip used in program promotion/, "151.00"],
      [/^Stipend/, "201.00"],
    ] as const)
      await admin.getByLabel(label).fill(value);
    await admin.getByRole("button", { name: "Publish", exact: true }).click();
    await expect(
      admin.getByText(`This card starts on ${formatDay(past)}, before today.`),
    ).toBeVisible();
    await expect(admin.getByLabel(/^Testing session/)).toHaveValue("41.00");
    await expectNoSeriousA11yViolations(admin, "/admin/money/rates asking to confirm");
    await admin.getByRole("button", { name: "Publish anyway" }).click();
    await expect(
      flash(admin, `Published the CAD rate card in force from ${formatDay(past)}.`),
    ).toBeVisible();
  });
});
