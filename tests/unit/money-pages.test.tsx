import { createElement, type ReactNode } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type * as RemixReact from "@remix-run/react";

// The money pages' feedback, rendered on the server with Remix's hooks stubbed: what an admin or
// artist sees while a form is on its way (busy buttons, keyed on the item) and after it failed
// (the message next to the field, inside the dialog that is still open, or on the item).

const ui = vi.hoisted(() => ({
  loaderData: undefined as unknown,
  actionData: undefined as unknown,
  navigation: { state: "idle", formData: undefined as FormData | undefined },
}));

vi.mock("@remix-run/react", async (importOriginal) => {
  const actual = await importOriginal<typeof RemixReact>();
  type Props = Record<string, unknown> & { children?: ReactNode };
  const withoutRouterProps = ({
    reloadDocument: _r,
    prefetch: _p,
    end: _e,
    to,
    ...props
  }: Props) => ({ ...props, ...(to !== undefined ? { href: to } : {}) });
  return {
    ...actual,
    useLoaderData: () => ui.loaderData,
    useActionData: () => ui.actionData,
    useNavigation: () => ui.navigation,
    useSearchParams: () => [new URLSearchParams(), () => undefined],
    Form: (props: Props) => createElement("form", withoutRouterProps(props)),
    Link: (props: Props) => createElement("a", withoutRouterProps(props)),
    NavLink: ({ className, ...props }: Props) =>
      createElement("a", {
        ...withoutRouterProps(props),
        className:
          typeof className === "function"
            ? (className as (s: { isActive: boolean }) => string)({ isActive: false })
            : className,
      }),
  };
});

const { ConfirmFormDialog } = await import("~/components/ui/confirm-dialog");
const { default: PayoutBatch } = await import("~/routes/admin.money.payouts.$batchId/route");
const { default: GrantsPage } = await import("~/routes/admin.money.grants/route");
const { default: MoneyOverview } = await import("~/routes/admin.money._index/route");
const { default: ArtistStatement } = await import("~/routes/admin.money.artists.$userId/route");
const { default: Earnings } = await import("~/routes/earnings._index/route");
const { default: PayoutsPage } = await import("~/routes/admin.money.payouts._index/route");
const { default: RatesPage } = await import("~/routes/admin.money.rates/route");

function submitting(fields: Record<string, string>) {
  const formData = new FormData();
  for (const [name, value] of Object.entries(fields)) formData.append(name, value);
  ui.navigation = { state: "submitting", formData };
}

const render = (node: ReactNode) => renderToStaticMarkup(node);

/** Each <button> with its text and whether it is busy. */
function buttons(html: string) {
  return [...html.matchAll(/<button([^>]*)>([\s\S]*?)<\/button>/g)].map((m) => ({
    text: m[2]!.replace(/<[^>]+>/g, "").trim(),
    busy: /aria-busy="true"/.test(m[1]!),
  }));
}

const dialogs = (html: string) => [...html.matchAll(/<dialog[\s\S]*?<\/dialog>/g)].map((m) => m[0]);
const dialogWith = (html: string, text: string) => dialogs(html).find((d) => d.includes(text));

beforeEach(() => {
  ui.loaderData = undefined;
  ui.actionData = undefined;
  ui.navigation = { state: "idle", formData: undefined };
});

describe("ConfirmFormDialog", () => {
  const dialog = (id: string) =>
    createElement(ConfirmFormDialog, {
      key: id,
      trigger: "Mark failed",
      title: `Mark ${id} failed?`,
      fields: { intent: "mark", to: "failed", id },
      confirmLabel: `Confirm ${id}`,
    });

  it("is busy while its own form is submitting, and only its own", () => {
    submitting({ intent: "mark", to: "failed", id: "p1", reason: "Bank closed" });
    const html = render(createElement("div", null, dialog("p1"), dialog("p2")));
    expect(buttons(html).filter((b) => b.text.startsWith("Confirm"))).toEqual([
      { text: "Confirm p1", busy: true },
      { text: "Confirm p2", busy: false },
    ]);
    ui.navigation = { state: "idle", formData: undefined };
    expect(buttons(render(dialog("p1"))).some((b) => b.busy)).toBe(false);
  });
});

const batch = { id: "b1", currency: "USD", note: null, createdAt: "2026-06-20T10:00:00Z" };
const payoutRow = (id: string, state: string, name: string) => ({
  payout: {
    id,
    batchId: "b1",
    userId: `u-${id}`,
    currency: "USD",
    amountMinor: 8000,
    state,
    reference: null,
    failureReason: null,
  },
  name,
  email: `${name.split(" ")[0]!.toLowerCase()}@example.test`,
});

describe("/admin/money/payouts/<id>", () => {
  beforeEach(() => {
    ui.loaderData = {
      batch,
      payouts: [payoutRow("p1", "created", "Ines Okafor"), payoutRow("p2", "sent", "Jun Park")],
      next: null,
      // The whole batch's figures, kept by the database (the page shows a page of its payouts).
      totals: { count: 2, totalMinor: 13_000, toSend: 1, sent: 1 },
    };
  });

  it("a too-short reason shows inside the open dialog, next to its field", () => {
    ui.actionData = { ok: false, id: "p1", errors: { reason: "Say why the payout failed." } };
    const html = render(createElement(PayoutBatch));
    const failed = dialogWith(html, "Mark the payout to Ines Okafor failed?")!;
    expect(failed).toContain("Say why the payout failed.");
    expect(failed).toMatch(/aria-invalid="true"/);
    // Not in Jun's dialog.
    expect(dialogWith(html, "Mark the payout to Jun Park failed?")).not.toContain(
      "Say why the payout failed.",
    );
  });

  it("a reference error shows in the 'Mark sent' dialog, and an error on 'to' on the row", () => {
    ui.actionData = { ok: false, id: "p1", errors: { reference: "Use at most 120 characters." } };
    expect(dialogWith(render(createElement(PayoutBatch)), "sent?")).toContain(
      "Use at most 120 characters.",
    );
    ui.actionData = { ok: false, id: "p2", errors: { to: "Choose one of the options." } };
    expect(render(createElement(PayoutBatch))).toContain("Choose one of the options.");
  });

  it("a failure about a payout not on this page shows above the table", () => {
    ui.actionData = { ok: false, id: "elsewhere", errors: { form: "That payout does not exist." } };
    expect(render(createElement(PayoutBatch))).toContain("That payout does not exist.");
  });

  it("'Mark paid' is busy for the payout being marked", () => {
    submitting({ intent: "mark", to: "paid", id: "p2" });
    expect(buttons(render(createElement(PayoutBatch))).filter((b) => b.busy)).toEqual([
      { text: "Mark paid", busy: true },
    ]);
  });
});

const grantRow = (id: string, state: string, awardedBy: string) => ({
  grant: {
    id,
    userId: `u-${id}`,
    amountMinor: 75000,
    currency: "USD",
    purpose: `Residency ${id}`,
    state,
    needsSecondApproval: true,
    awardedBy,
    createdAt: "2026-06-20T10:00:00Z",
  },
  artist: `Artist ${id}`,
  awardedByName: "Morgan Finance",
});

describe("/admin/money/grants", () => {
  beforeEach(() => {
    ui.loaderData = {
      grants: [grantRow("g1", "awarded", "other"), grantRow("g2", "awarded", "other")],
      artists: [],
      me: "me",
      threshold: 50000,
      awardKey: "k",
    };
  });

  it("'Approve' is busy on the grant being approved only", () => {
    submitting({ intent: "approve", id: "g2" });
    const approve = buttons(render(createElement(GrantsPage))).filter((b) => b.text === "Approve");
    expect(approve).toEqual([
      { text: "Approve", busy: false },
      { text: "Approve", busy: true },
    ]);
  });

  it("a too-short cancel reason shows inside that grant's dialog", () => {
    ui.actionData = {
      ok: false,
      id: "g1",
      errors: { reason: "Give a reason of at least 3 characters." },
    };
    const inDialogs = dialogs(render(createElement(GrantsPage))).filter((d) =>
      d.includes("Give a reason of at least 3 characters."),
    );
    expect(inDialogs).toHaveLength(1);
    expect(inDialogs[0]).toContain('value="g1"');
  });
});

describe("/admin/money", () => {
  beforeEach(() => {
    ui.loaderData = {
      totals: [],
      pendingContributions: [],
      pendingCount: 0,
      pendingNext: null,
      awaitingGrants: [grantRow("g1", "awarded", "other"), grantRow("g2", "awarded", "other")],
      askedPromotions: [],
      balances: { rows: [], next: null },
      batches: [],
      feedbackByModel: [],
      feedbackByModelAt: "2026-11-20T10:15:00.000Z",
      me: "me",
    };
  });

  it("shows feedback reports per model and category", () => {
    ui.loaderData = {
      ...(ui.loaderData as object),
      feedbackByModel: [
        {
          modelId: "m1",
          model: "Sora gateway",
          total: 3,
          pending: 2,
          quality: 0,
          safety: 2,
          bug: 1,
          idea: 0,
        },
      ],
    };
    const html = render(createElement(MoneyOverview));
    expect(html).toContain("Feedback reports by model");
    const row = html.slice(html.indexOf("Sora gateway"));
    const cells = [...row.matchAll(/<td[^>]*>(\d+)<\/td>/g)].slice(0, 6).map((m) => m[1]);
    expect(cells).toEqual(["0", "2", "1", "0", "3", "2"]);
    // Shared counts say when they were made (the viewer's zone is UTC here).
    expect(html.replace(/<!-- -->/g, "")).toContain("Counted at 10:15");
  });

  it("'Approve grant' is busy on the grant being approved; a cancel reason error is in its dialog", () => {
    submitting({ intent: "approve-grant", id: "g1" });
    expect(
      buttons(render(createElement(MoneyOverview))).filter((b) => b.text === "Approve grant"),
    ).toEqual([
      { text: "Approve grant", busy: true },
      { text: "Approve grant", busy: false },
    ]);
    ui.navigation = { state: "idle", formData: undefined };
    ui.actionData = {
      ok: false,
      id: "g2",
      errors: { reason: "Give a reason of at least 3 characters." },
    };
    const inDialogs = dialogs(render(createElement(MoneyOverview))).filter((d) =>
      d.includes("Give a reason of at least 3 characters."),
    );
    expect(inDialogs).toHaveLength(1);
    expect(inDialogs[0]).toContain('value="g2"');
  });
});

describe("/admin/money/artists/<id>", () => {
  const item = (id: number, kind: string, status: string | null) => ({
    id,
    kind,
    currency: "USD",
    occurredOn: "2026-06-10",
    description: `Entry ${id}`,
    amountMinor: kind === "payout" ? -4000 : 4000,
    status,
  });

  it("a too-short reversal reason shows in that entry's dialog; another artist's entry above the statement", () => {
    ui.loaderData = {
      artist: { id: "u1", name: "Ines Okafor", email: "ines@example.test", role: "artist" },
      totals: [],
      statement: { items: [item(2, "earning", "payable"), item(1, "earning", "payable")] },
      currency: "USD",
    };
    ui.actionData = {
      ok: false,
      id: "2",
      errors: { reason: "Give a reason of at least 3 characters." },
    };
    const html = render(createElement(ArtistStatement));
    const inDialogs = dialogs(html).filter((d) =>
      d.includes("Give a reason of at least 3 characters."),
    );
    expect(inDialogs).toHaveLength(1);
    expect(inDialogs[0]).toContain("Entry 2");
    ui.actionData = { ok: false, id: "99", errors: { form: "That ledger entry does not exist." } };
    expect(render(createElement(ArtistStatement))).toContain("That ledger entry does not exist.");
  });
});

describe("/earnings", () => {
  const promotion = (id: string) => ({
    promotion: {
      id,
      purpose: `Trailer ${id}`,
      channels: ["YouTube"],
      feeMinor: 15000,
      currency: "USD",
      state: "asked",
    },
    title: `Clip ${id}`,
  });
  beforeEach(() => {
    ui.loaderData = {
      currency: "USD",
      rateCards: [],
      totals: [],
      statement: { items: [], nextBefore: null },
      contributions: [],
      contributionsNext: null,
      grants: [],
      promotions: [promotion("pr1"), promotion("pr2")],
      generations: [],
      today: "2026-06-20",
      hoursKey: "h",
      reportKey: "r",
    };
  });

  it("a failed answer to a promotion request shows on that request", () => {
    ui.actionData = {
      ok: false,
      id: "pr2",
      errors: { form: "This request was already withdrawn; nothing was changed." },
    };
    const html = render(createElement(Earnings));
    const cards = [...html.matchAll(/<li>[\s\S]*?<\/li>/g)].map((m) => m[0]);
    const withMessage = cards.filter((c) =>
      c.includes("This request was already withdrawn; nothing was changed."),
    );
    expect(withMessage).toHaveLength(1);
    expect(withMessage[0]).toContain("Clip pr2");
  });

  it("an unknown action is said on the page", () => {
    ui.actionData = { ok: false, form: "page", errors: { form: "Unknown action." } };
    expect(render(createElement(Earnings))).toContain("Unknown action.");
  });

  it("'Decline' is busy for the request being declined", () => {
    submitting({ intent: "decline-promotion", id: "pr1", reason: "" });
    expect(buttons(render(createElement(Earnings))).filter((b) => b.busy)).toEqual([
      { text: "Decline", busy: true },
    ]);
  });
});

describe("/admin/money/payouts", () => {
  beforeEach(() => {
    ui.loaderData = {
      preview: {
        currency: "USD",
        payees: 1,
        totalMinor: 4000,
        excludedCount: 0,
        through: 7,
        next: null,
        rows: [
          {
            userId: "u1",
            name: "Ines Okafor",
            email: "ines@example.test",
            balanceMinor: 4000,
            excluded: false,
          },
        ],
      },
      batches: [],
      nextBatches: null,
      batchKey: "k",
      today: "2026-11-03",
      monthStart: "2026-11-01",
    };
  });

  it("shows the preview's rows and the batch form while nothing was refused", () => {
    const html = render(createElement(PayoutsPage));
    expect(html).toContain("Ines Okafor");
    expect(buttons(html).map((b) => b.text)).toContain("Create batch");
  });

  it("a refused batch hides the stale rows, says why inside the page and offers a fresh preview", () => {
    ui.actionData = {
      ok: false,
      form: "batch",
      errors: { form: "The preview showed 1 artist and $40.00; it is now 1 and $80.00." },
    };
    const html = render(createElement(PayoutsPage));
    expect(html).not.toContain("Ines Okafor");
    expect(html).not.toContain("Create batch");
    expect(html).toContain("The batch was not created; nothing was paid.");
    expect(html).toContain("it is now 1 and $80.00.");
    expect(html).toMatch(
      /<a[^>]*href="\/admin\/money\/payouts\?currency=USD"[^>]*>Refresh the preview<\/a>/,
    );
  });

  it("a note too long stays beside the note, with the rows", () => {
    ui.actionData = { ok: false, form: "batch", errors: { note: "Use at most 500 characters." } };
    const html = render(createElement(PayoutsPage));
    expect(html).toContain("Ines Okafor");
    expect(html).toContain("Use at most 500 characters.");
    expect(html).not.toContain("Refresh the preview");
  });

  it("the ledger export's dates say the format the pages use", () => {
    const html = render(createElement(PayoutsPage));
    expect(html).toContain("Chosen: 1 Nov 2026. First day of the period.");
    expect(html).toContain("today is 3 Nov 2026.");
  });
});

describe("/admin/money/rates", () => {
  beforeEach(() => {
    ui.loaderData = { series: [], today: "2026-11-03", month: "2026-11", monthsBack: 12 };
  });

  it("asks before publishing a card from a past day, keeping what was typed", () => {
    expect(buttons(render(createElement(RatesPage))).map((b) => b.text)).not.toContain(
      "Publish anyway",
    );
    ui.actionData = {
      ok: false,
      form: "publish",
      errors: { effectiveFrom: "1 Oct 2026 is before today (3 Nov 2026)." },
      backdated: {
        from: "2026-10-01",
        today: "2026-11-03",
        values: { currency: "EUR", effectiveFrom: "2026-10-01", hourlyMinor: "41.00" },
      },
    };
    const html = render(createElement(RatesPage));
    expect(html).toContain("This card starts on 1 Oct 2026, before today.");
    expect(html).toMatch(
      /<button[^>]*name="confirmPast"[^>]*value="on"[^>]*>[\s\S]*?Publish anyway/,
    );
    expect(html).toMatch(
      /name="effectiveFrom"[^>]*value="2026-10-01"|value="2026-10-01"[^>]*name="effectiveFrom"/,
    );
    expect(html).toMatch(/value="41.00"/);
    expect(html).toContain("Today is 3 Nov 2026.");
  });
});
