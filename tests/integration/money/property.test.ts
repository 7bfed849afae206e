import { and, asc, desc, eq, gt, sql } from "drizzle-orm";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ActingUser } from "~/.server/auth/guards";
import { selectRows } from "~/.server/db";
import { UserError } from "~/.server/errors";
import { approveContribution, logHours, rejectContribution } from "~/.server/money/contributions";
import { approveGrant, awardGrant, cancelGrant } from "~/.server/money/grants";
import { reverseEntry } from "~/.server/money/ledger";
import { createBatch, markBatch, markPayout, payoutKey } from "~/.server/money/payouts";
import { setPayoutCurrency } from "~/.server/money/rates";
import { statementItems, statementTotals, type StatementItem } from "~/.server/money/statement";
import { recordStipends } from "~/.server/money/stipends";
import { PAYOUT_MOVES, type Currency, type PayoutState } from "~/lib/money";
import {
  contributions,
  grants,
  ledgerBalances,
  payoutBatchTotals,
  ledgerEntries,
  payoutBatches,
  payouts,
  type LedgerEntry,
  type User,
} from "~db/schema";
import { useTestDatabase } from "../../support/db";
import { acting, createUser } from "../../support/factories";
import {
  balanceMismatches,
  emptyDatabase,
  hoursForm,
  joinedOn,
  LOG_NOW,
  moneyFingerprint,
  MONEY_OPTIONS,
  publishCard,
} from "../../support/money";

// Random sequences of what admins and artists do with money, over two or three artists and two
// currencies, with batch keys drawn from a small pool so that keys repeat. Each move is checked
// against what it should do (succeed, or be refused with a 4xx that changes nothing), and after
// each sequence the statement must agree with the ledger, the ledger with the stored balances,
// and every payout, grant and contribution with its ledger entries.

const t = useTestDatabase();

const MONEY_CURRENCIES = ["USD", "EUR"] as const satisfies readonly Currency[];
const GRANT_OPTIONS = { ...MONEY_OPTIONS, approvalThresholdMinor: 30_000 };
const MONTHS = ["2026-05", "2026-06"] as const;

type Op =
  | {
      kind: "hours";
      artist: number;
      quarters: number;
      day: number;
      decision: "approve" | "reject" | "leave";
    }
  | { kind: "award"; artist: number; currency: number; amountMinor: number; admin: number }
  | { kind: "approveGrant"; pick: number; admin: number }
  | { kind: "cancelGrant"; pick: number }
  | { kind: "batch"; currency: number; key: number }
  | { kind: "mark"; pick: number; to: "sent" | "paid" | "failed" }
  | { kind: "markBatch"; pick: number; to: "sent" | "paid" }
  | { kind: "reverse"; pick: number }
  | { kind: "stipends"; month: number };

const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("hours" as const),
      artist: fc.nat(2),
      quarters: fc.integer({ min: 1, max: 48 }),
      day: fc.nat(2),
      decision: fc.constantFrom(
        "approve" as const,
        "approve" as const,
        "reject" as const,
        "leave" as const,
      ),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("award" as const),
      artist: fc.nat(2),
      currency: fc.nat(1),
      // Below and above the 300.00 threshold.
      amountMinor: fc.oneof(
        fc.integer({ min: 1, max: 30_000 }),
        fc.integer({ min: 30_001, max: 90_000 }),
      ),
      admin: fc.nat(1),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("approveGrant" as const),
      pick: fc.nat(),
      admin: fc.nat(1),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant("cancelGrant" as const), pick: fc.nat() }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("batch" as const),
      currency: fc.nat(1),
      key: fc.nat(2),
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant("mark" as const),
      pick: fc.nat(),
      to: fc.constantFrom("sent" as const, "paid" as const, "failed" as const),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("markBatch" as const),
      pick: fc.nat(),
      to: fc.constantFrom("sent" as const, "paid" as const),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("reverse" as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("stipends" as const), month: fc.nat(1) }) },
);

/**
 * Money to work with before the random moves: approved sessions and grants paid at once (in the
 * artist's own currency: `currency: -1`).
 */
const creditArbitrary: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant("hours" as const),
    artist: fc.nat(2),
    quarters: fc.integer({ min: 1, max: 24 }),
    day: fc.nat(2),
    decision: fc.constant("approve" as const),
  }),
  fc.record({
    kind: fc.constant("award" as const),
    artist: fc.nat(2),
    currency: fc.constant(-1),
    amountMinor: fc.integer({ min: 1, max: 30_000 }),
    admin: fc.nat(1),
  }),
);

const scenarioArbitrary = fc.record({
  artistCount: fc.integer({ min: 2, max: 3 }),
  // Hourly rates in minor units; zero approves without a ledger entry.
  usdHourly: fc.constantFrom(0, 2500, 3333, 4000),
  eurHourly: fc.constantFrom(0, 1999, 3500),
  stipend: fc.constantFrom("0", "150.00"),
  ops: fc
    .tuple(
      fc.array(creditArbitrary, { minLength: 2, maxLength: 4 }),
      fc.array(opArbitrary, { minLength: 3, maxLength: 12 }),
    )
    .map(([credits, moves]) => [...credits, ...moves]),
});

/**
 * What each credit's status should be, kept by the test from the moves as they succeed (not from
 * the ledger's ids): a new credit is open; a new payout carries its artist's open credits in its
 * currency; a failed payout gives back what it carried, less what was reversed; a reversed credit
 * leaves the open list for good.
 */
type Model = {
  seen: number;
  open: Map<string, number[]>;
  carried: Map<string, number[]>;
  reversed: Set<number>;
};

type World = {
  admins: ActingUser[];
  artists: User[];
  batchKeys: string[];
  model: Model;
};

const openKey = (userId: string, currency: string) => `${userId}/${currency}`;

function openList(model: Model, userId: string, currency: string) {
  const key = openKey(userId, currency);
  if (!model.open.has(key)) model.open.set(key, []);
  return model.open.get(key)!;
}

function modelReverses(model: Model, entry: LedgerEntry) {
  model.reversed.add(entry.id);
  const list = openList(model, entry.userId, entry.currency);
  if (list.includes(entry.id)) list.splice(list.indexOf(entry.id), 1);
}

/** The model's status of a credit. */
function modelStatus(model: Model, entryId: number, payoutRows: { id: string; state: string }[]) {
  if (model.reversed.has(entryId)) return "reversed";
  const owner = [...model.carried.entries()].find(([, ids]) => ids.includes(entryId))?.[0];
  const state = owner ? payoutRows.find((p) => p.id === owner)?.state : undefined;
  return state === "created"
    ? "in_payout"
    : state === "sent" || state === "paid"
      ? state
      : "payable";
}

const decimal = (minor: number) => (minor / 100).toFixed(2);

type Scenario = typeof scenarioArbitrary extends fc.Arbitrary<infer T> ? T : never;

async function setUp(scenario: Scenario): Promise<World> {
  await emptyDatabase(t.db);
  const adminUsers = [
    await createUser(t.db, { role: "admin", displayName: "Morgan Finance" }),
    await createUser(t.db, { role: "admin", displayName: "Priya Shah" }),
  ];
  const names = ["Ines Okafor", "Léa Martin", "Jun Park"];
  const artists: User[] = [];
  for (let i = 0; i < scenario.artistCount; i++)
    artists.push(await createUser(t.db, { displayName: names[i]! }));
  await publishCard(t.db, adminUsers[0]!, {
    hourlyMinor: decimal(scenario.usdHourly),
    stipendMonthlyMinor: scenario.stipend,
  });
  await publishCard(t.db, adminUsers[0]!, {
    currency: "EUR",
    hourlyMinor: decimal(scenario.eurHourly),
    stipendMonthlyMinor: scenario.stipend,
  });
  // The second artist is paid in EUR; the others in USD.
  await setPayoutCurrency(t.db, acting(adminUsers[0]!), artists[1]!.id, "EUR");
  // They joined before the months whose stipends the moves credit.
  await joinedOn(t.db, artists);
  return {
    admins: adminUsers.map(acting),
    artists,
    batchKeys: [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()],
    model: { seen: 0, open: new Map(), carried: new Map(), reversed: new Set() },
  };
}

const pickFrom = <T>(list: T[], pick: number) => (list.length ? list[pick % list.length]! : null);

async function balanceOf(userId: string, currency: string) {
  const [row] = await t.db
    .select({ balance: ledgerBalances.balanceMinor })
    .from(ledgerBalances)
    .where(and(eq(ledgerBalances.userId, userId), eq(ledgerBalances.currency, currency)));
  return row?.balance ?? 0;
}

async function isReversed(entryId: number) {
  const rows = await t.db
    .select({ id: ledgerEntries.id })
    .from(ledgerEntries)
    .where(eq(ledgerEntries.reversesEntryId, entryId));
  return rows.length > 0;
}

/** What a move should do: succeed, be refused (with this status), or either (not a 500, though). */
type Expectation = {
  outcome: "ok" | "refused" | "either";
  status?: number;
  then?: () => Promise<void>;
};

/** Plans a move against the current state: the call to make and what it must do. */
async function plan(
  world: World,
  op: Op,
): Promise<{ run: () => Promise<unknown>; expect: Expectation } | null> {
  const { admins, artists } = world;
  const admin = admins[0]!;
  switch (op.kind) {
    case "hours": {
      const artist = artists[op.artist % artists.length]!;
      const day = `2026-06-0${op.day + 1}`;
      const minutes = op.quarters * 15;
      const [logged] = await t.db
        .select({ minutes: sql<number>`coalesce(sum(${contributions.minutes}), 0)::int` })
        .from(contributions)
        .where(
          and(
            eq(contributions.userId, artist.id),
            eq(contributions.occurredOn, day),
            sql`${contributions.state} <> 'rejected'`,
          ),
        );
      const fits = logged!.minutes + minutes <= 24 * 60;
      const hours = `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, "0")}`;
      return {
        run: async () => {
          const item = await logHours(t.db, acting(artist), hoursForm(hours, day), LOG_NOW);
          if (op.decision === "approve")
            await approveContribution(t.db, admin, item.id, MONEY_OPTIONS);
          else if (op.decision === "reject")
            await rejectContribution(t.db, admin, item.id, "Not a testing session", MONEY_OPTIONS);
        },
        expect: fits ? { outcome: "ok" } : { outcome: "refused", status: 422 },
      };
    }
    case "award": {
      const artistIndex = op.artist % artists.length;
      const artist = artists[artistIndex]!;
      const paidIn = artistIndex === 1 ? "EUR" : "USD";
      const currency = op.currency < 0 ? paidIn : MONEY_CURRENCIES[op.currency]!;
      const before = await balanceOf(artist.id, currency);
      // A grant is awarded in the currency the artist is paid in, or not at all.
      if (currency !== paidIn)
        return {
          run: () =>
            awardGrant(
              t.db,
              admins[op.admin]!,
              {
                userId: artist.id,
                amountMinor: op.amountMinor,
                currency,
                purpose: "Equipment for the residency",
              },
              GRANT_OPTIONS,
            ),
          expect: { outcome: "refused", status: 422 },
        };
      return {
        run: () =>
          awardGrant(
            t.db,
            admins[op.admin]!,
            {
              userId: artist.id,
              amountMinor: op.amountMinor,
              currency,
              purpose: "Equipment for the residency",
            },
            GRANT_OPTIONS,
          ),
        expect: {
          outcome: "ok",
          // At or below the threshold it is payable at once; above it, nothing moves yet.
          then: async () =>
            expect(await balanceOf(artist.id, currency)).toBe(
              before +
                (op.amountMinor <= GRANT_OPTIONS.approvalThresholdMinor ? op.amountMinor : 0),
            ),
        },
      };
    }
    case "approveGrant": {
      const all = await t.db.select().from(grants).orderBy(asc(grants.createdAt), asc(grants.id));
      const grant = pickFrom(all, op.pick);
      if (!grant) return null;
      const approver = admins[op.admin]!;
      const expectation: Expectation =
        grant.state !== "awarded"
          ? { outcome: "refused", status: 409 }
          : grant.awardedBy === approver.id
            ? { outcome: "refused", status: 403 }
            : { outcome: "ok" };
      return {
        run: () => approveGrant(t.db, approver, grant.id, MONEY_OPTIONS),
        expect: expectation,
      };
    }
    case "cancelGrant": {
      const all = await t.db.select().from(grants).orderBy(asc(grants.createdAt), asc(grants.id));
      const grant = pickFrom(all, op.pick);
      if (!grant) return null;
      let expectation: Expectation;
      if (grant.state === "paid" || grant.state === "cancelled")
        expectation = { outcome: "refused", status: 409 };
      else if (grant.state === "awarded") expectation = { outcome: "ok" };
      else {
        const [credit] = await t.db
          .select()
          .from(ledgerEntries)
          .where(and(eq(ledgerEntries.grantId, grant.id), eq(ledgerEntries.kind, "grant")));
        if (await isReversed(credit!.id))
          // Its credit was already reversed by hand: cancelling may go either way, but not a 500.
          expectation = { outcome: "either" };
        else if ((await balanceOf(grant.userId, grant.currency)) >= grant.amountMinor)
          expectation = { outcome: "ok", then: async () => modelReverses(world.model, credit!) };
        else expectation = { outcome: "refused", status: 409 };
      }
      return {
        run: () => cancelGrant(t.db, admin, grant.id, "Awarded by mistake"),
        expect: expectation,
      };
    }
    case "batch": {
      const currency = MONEY_CURRENCIES[op.currency]!;
      const batchKey = world.batchKeys[op.key]!;
      const [existing] = await t.db
        .select()
        .from(payoutBatches)
        .where(eq(payoutBatches.batchKey, batchKey));
      const owed = await t.db
        .select()
        .from(ledgerBalances)
        .where(and(eq(ledgerBalances.currency, currency), gt(ledgerBalances.balanceMinor, 0)));
      let result: Awaited<ReturnType<typeof createBatch>> | undefined;
      const run = async () => {
        result = await createBatch(t.db, admin, { currency, batchKey });
      };
      if (existing)
        return {
          run,
          expect: {
            outcome: "ok",
            then: async () => {
              expect(result!.created).toBe(false);
              expect(result!.batch.id).toBe(existing.id);
            },
          },
        };
      if (owed.length === 0) return { run, expect: { outcome: "refused", status: 409 } };
      return {
        run,
        expect: {
          outcome: "ok",
          then: async () => {
            expect(result!.created).toBe(true);
            // Each payout carries every credit its artist had open in this currency.
            for (const p of result!.payouts) {
              const list = openList(world.model, p.userId, p.currency);
              world.model.carried.set(p.id, list.splice(0, list.length));
            }
            // It pays exactly the positive balances, each in full, and leaves them at zero.
            expect(result!.payouts.map((p) => [p.userId, p.amountMinor]).sort()).toEqual(
              owed.map((b) => [b.userId, b.balanceMinor]).sort(),
            );
            for (const b of owed) expect(await balanceOf(b.userId, currency)).toBe(0);
          },
        },
      };
    }
    case "mark": {
      const all = await t.db
        .select()
        .from(payouts)
        .orderBy(asc(payouts.createdAt), asc(payouts.id));
      const payout = pickFrom(all, op.pick);
      if (!payout) return null;
      const allowed = PAYOUT_MOVES.check(payout.state, op.to).ok;
      const before = await balanceOf(payout.userId, payout.currency);
      const input =
        op.to === "failed"
          ? { to: op.to, reason: "The bank returned the transfer" }
          : { to: op.to };
      return {
        run: () => markPayout(t.db, admin, payout, input, MONEY_OPTIONS),
        expect: allowed
          ? {
              outcome: "ok",
              then: async () => {
                expect(await balanceOf(payout.userId, payout.currency)).toBe(
                  before + (op.to === "failed" ? payout.amountMinor : 0),
                );
                if (op.to !== "failed") return;
                // A failed payout gives back what it carried, except what was reversed since.
                const list = openList(world.model, payout.userId, payout.currency);
                const back = world.model.carried.get(payout.id) ?? [];
                list.push(...back.filter((id) => !world.model.reversed.has(id)));
                world.model.carried.set(payout.id, []);
              },
            }
          : { outcome: "refused", status: 409 },
      };
    }
    case "markBatch": {
      const all = await t.db
        .select()
        .from(payoutBatches)
        .orderBy(asc(payoutBatches.createdAt), asc(payoutBatches.id));
      const batch = pickFrom(all, op.pick);
      if (!batch) return null;
      const from: PayoutState = op.to === "sent" ? "created" : "sent";
      const movable = await t.db
        .select()
        .from(payouts)
        .where(and(eq(payouts.batchId, batch.id), eq(payouts.state, from)));
      return {
        run: () => markBatch(t.db, admin, batch.id, op.to, MONEY_OPTIONS),
        expect: movable.length ? { outcome: "ok" } : { outcome: "refused", status: 409 },
      };
    }
    case "reverse": {
      const credits = await t.db
        .select()
        .from(ledgerEntries)
        .where(sql`${ledgerEntries.kind} in ('earning', 'grant')`)
        .orderBy(asc(ledgerEntries.id));
      const entry = pickFrom(credits, op.pick);
      if (!entry) return null;
      const balance = await balanceOf(entry.userId, entry.currency);
      const expectation: Expectation =
        (await isReversed(entry.id)) || balance < entry.amountMinor
          ? { outcome: "refused", status: 409 }
          : {
              outcome: "ok",
              then: async () => {
                expect(await balanceOf(entry.userId, entry.currency)).toBe(
                  balance - entry.amountMinor,
                );
                modelReverses(world.model, entry);
              },
            };
      return {
        run: () => reverseEntry(t.db, admin, entry, "Entered by mistake"),
        expect: expectation,
      };
    }
    case "stipends": {
      const month = MONTHS[op.month]!;
      return { run: () => recordStipends(t.db, admin, month, LOG_NOW), expect: { outcome: "ok" } };
    }
  }
}

async function step(world: World, op: Op) {
  const planned = await plan(world, op);
  if (!planned) return;
  const before = await moneyFingerprint(t.db);
  let error: unknown;
  try {
    await planned.run();
  } catch (caught) {
    error = caught;
  }
  const what = JSON.stringify(op);
  if (error !== undefined) {
    // A refusal is the person's situation, said plainly, and leaves everything as it was.
    if (!(error instanceof UserError))
      throw new Error(`${what} failed with a non-user error: ${String(error)}`, { cause: error });
    expect(error.status, what).toBeGreaterThanOrEqual(400);
    expect(error.status, what).toBeLessThan(500);
    expect(planned.expect.outcome, `${what} was refused: ${error.message}`).not.toBe("ok");
    if (planned.expect.status)
      expect(error.status, `${what}: ${error.message}`).toBe(planned.expect.status);
    expect(await moneyFingerprint(t.db), `${what} was refused but changed something`).toEqual(
      before,
    );
  } else {
    expect(planned.expect.outcome, `${what} should have been refused`).not.toBe("refused");
    // The credits this move made are open (a move makes credits or moves payouts, never both).
    const fresh = await t.db
      .select()
      .from(ledgerEntries)
      .where(
        and(
          gt(ledgerEntries.id, world.model.seen),
          sql`${ledgerEntries.kind} in ('earning', 'grant')`,
        ),
      )
      .orderBy(asc(ledgerEntries.id));
    for (const e of fresh) openList(world.model, e.userId, e.currency).push(e.id);
    await planned.expect.then?.();
  }
  const [last] = await t.db
    .select({ id: ledgerEntries.id })
    .from(ledgerEntries)
    .orderBy(desc(ledgerEntries.id))
    .limit(1);
  world.model.seen = last?.id ?? 0;
  expect(await balanceMismatches(t.db), what).toEqual([]);
}

/** Every page of an artist's statement, in the small pages a long statement is read in. */
async function allItems(viewer: ActingUser, userId: string) {
  const items: StatementItem[] = [];
  let before: string | undefined;
  for (let page = 0; page < 100; page++) {
    const result = await statementItems(t.db, viewer, userId, { before, limit: 4 });
    items.push(...result.items);
    if (result.nextBefore === null) return items;
    before = result.nextBefore;
  }
  throw new Error("The statement never ended");
}

async function checkInvariants(world: World) {
  const admin = world.admins[0]!;
  const entries = await t.db.select().from(ledgerEntries).orderBy(asc(ledgerEntries.id));
  const byId = new Map<number, LedgerEntry>(entries.map((e) => [e.id, e]));
  const reversalOf = new Map<number, LedgerEntry[]>();
  for (const e of entries)
    if (e.reversesEntryId !== null)
      reversalOf.set(e.reversesEntryId, [...(reversalOf.get(e.reversesEntryId) ?? []), e]);
  const allPayouts = await t.db.select().from(payouts);
  // The trigger-kept totals per batch and state are the payouts' own count and sum.
  const expectedTotals = new Map<string, { payouts: number; amountMinor: number }>();
  for (const p of allPayouts) {
    const key = `${p.batchId} ${p.state}`;
    const total = expectedTotals.get(key) ?? { payouts: 0, amountMinor: 0 };
    expectedTotals.set(key, {
      payouts: total.payouts + 1,
      amountMinor: total.amountMinor + p.amountMinor,
    });
  }
  const storedTotals = await t.db.select().from(payoutBatchTotals);
  expect(
    Object.fromEntries(
      storedTotals
        .filter((row) => row.payouts > 0)
        .map((row) => [
          `${row.batchId} ${row.state}`,
          { payouts: row.payouts, amountMinor: row.amountMinor },
        ]),
    ),
    "payout_batch_totals",
  ).toEqual(Object.fromEntries(expectedTotals));
  const allBatches = await t.db.select().from(payoutBatches);

  for (const artist of world.artists) {
    const asAdmin = await statementTotals(t.db, admin, artist.id);
    // The artist reads exactly what the admin reads.
    expect(await statementTotals(t.db, acting(artist), artist.id)).toEqual(asAdmin);
    const items = await allItems(acting(artist), artist.id);
    const mine = entries.filter((e) => e.userId === artist.id);
    // Every entry once, in date order with the newest first (ties: the later entry first), across
    // all pages; each with its currency's balance after it, carried from page to page.
    const byDate = [...mine].sort((a, b) =>
      a.occurredOn === b.occurredOn ? b.id - a.id : a.occurredOn < b.occurredOn ? 1 : -1,
    );
    expect(items.map((i) => i.id)).toEqual(byDate.map((e) => e.id));
    for (const item of items) {
      const before = byDate.filter(
        (e) =>
          e.currency === item.currency &&
          (e.occurredOn < item.occurredOn || (e.occurredOn === item.occurredOn && e.id <= item.id)),
      );
      expect(item.balanceMinor).toBe(before.reduce((sum, e) => sum + e.amountMinor, 0));
    }

    for (const currency of MONEY_CURRENCIES) {
      const inCurrency = mine.filter((e) => e.currency === currency);
      const ledger = inCurrency.reduce((s, e) => s + e.amountMinor, 0);
      const [stored] = await t.db
        .select()
        .from(ledgerBalances)
        .where(and(eq(ledgerBalances.userId, artist.id), eq(ledgerBalances.currency, currency)));
      if (inCurrency.length)
        expect(stored, `${artist.displayName} ${currency} balance row`).toBeDefined();
      const totals = asAdmin.find((c) => c.currency === currency) ?? {
        earnedMinor: 0,
        paidMinor: 0,
        inPayoutMinor: 0,
        payableMinor: 0,
        pendingMinor: 0,
        pendingCount: 0,
      };
      const label = `${artist.displayName} ${currency}`;
      expect(totals.payableMinor, label).toBe(ledger);
      expect(stored?.balanceMinor ?? 0, label).toBe(ledger);
      expect(totals.earnedMinor, label).toBe(
        totals.paidMinor + totals.inPayoutMinor + totals.payableMinor,
      );
      for (const value of [
        totals.earnedMinor,
        totals.paidMinor,
        totals.inPayoutMinor,
        totals.payableMinor,
        totals.pendingMinor,
      ])
        expect(value, label).toBeGreaterThanOrEqual(0);
      // Earned: credits less their reversals, computed here from the entries themselves.
      const isCredit = (e: LedgerEntry) => e.kind === "earning" || e.kind === "grant";
      const earned = inCurrency
        .filter(
          (e) => isCredit(e) || (e.kind === "reversal" && isCredit(byId.get(e.reversesEntryId!)!)),
        )
        .reduce((s, e) => s + e.amountMinor, 0);
      expect(totals.earnedMinor, label).toBe(earned);
      const payoutsHere = allPayouts.filter(
        (p) => p.userId === artist.id && p.currency === currency,
      );
      const sumOf = (states: PayoutState[]) =>
        payoutsHere.filter((p) => states.includes(p.state)).reduce((s, p) => s + p.amountMinor, 0);
      expect(totals.paidMinor, label).toBe(sumOf(["paid"]));
      expect(totals.inPayoutMinor, label).toBe(sumOf(["created", "sent"]));
      // The statement's items add up to the ledger.
      expect(
        items.filter((i) => i.currency === currency).reduce((s, i) => s + i.amountMinor, 0),
        label,
      ).toBe(ledger);
    }

    for (const item of items) {
      const entry = byId.get(item.id)!;
      expect(item.amountMinor).toBe(entry.amountMinor);
      if (entry.kind === "reversal") expect(item.status).toBeNull();
      else if (reversalOf.has(entry.id))
        expect(item.status).toBe(entry.kind === "payout" ? "returned" : "reversed");
      else if (entry.kind === "payout") {
        const state = allPayouts.find((p) => p.id === entry.payoutId)!.state;
        expect(item.status).toBe(state === "created" ? "in_payout" : state);
      }
      // A credit's status is that of the payout the model says carries it now.
      if (entry.kind === "earning" || entry.kind === "grant")
        expect(item.status, `entry ${entry.id}`).toBe(
          modelStatus(world.model, entry.id, allPayouts),
        );
    }
  }

  // Keys: one batch per batch key, one payout per payout key.
  const repeatedBatchKeys = await selectRows(
    t.db,
    sql`select batch_key from payout_batches group by batch_key having count(*) > 1`,
  );
  expect(repeatedBatchKeys).toEqual([]);
  const repeatedPayoutKeys = await selectRows(
    t.db,
    sql`select idempotency_key from payouts group by idempotency_key having count(*) > 1`,
  );
  expect(repeatedPayoutKeys).toEqual([]);

  for (const payout of allPayouts) {
    const batch = allBatches.find((b) => b.id === payout.batchId)!;
    expect(payout.idempotencyKey).toBe(payoutKey(batch.batchKey, payout.userId));
    expect(payout.currency).toBe(batch.currency);
    expect(payout.amountMinor).toBeGreaterThan(0);
    const debits = entries.filter((e) => e.payoutId === payout.id && e.kind === "payout");
    expect(debits.map((d) => d.amountMinor)).toEqual([-payout.amountMinor]);
    // Failed exactly when its debit was returned, once.
    expect(reversalOf.get(debits[0]!.id)?.length ?? 0).toBe(payout.state === "failed" ? 1 : 0);
  }

  for (const c of await t.db.select().from(contributions)) {
    const earnings = entries.filter((e) => e.contributionId === c.id && e.kind === "earning");
    if (c.state === "approved" && c.amountMinor! > 0)
      expect(earnings.map((e) => [e.amountMinor, e.currency])).toEqual([
        [c.amountMinor, c.currency],
      ]);
    else expect(earnings).toEqual([]);
  }

  for (const g of await t.db.select().from(grants)) {
    const credits = entries.filter((e) => e.grantId === g.id && e.kind === "grant");
    if (g.state === "awarded") expect(credits).toEqual([]);
    else if (g.state === "approved" || g.state === "paid")
      expect(credits.map((e) => [e.amountMinor, e.currency])).toEqual([
        [g.amountMinor, g.currency],
      ]);
    else {
      // Cancelled: never credited, or credited and reversed exactly once.
      expect(credits.length).toBeLessThanOrEqual(1);
      if (credits.length) expect(reversalOf.get(credits[0]!.id)).toHaveLength(1);
    }
    if (g.needsSecondApproval && g.approvedBy) expect(g.approvedBy).not.toBe(g.awardedBy);
    // Paid exactly when the payout carrying its credit (in the model) was marked paid.
    const credit = credits[0];
    if (credit && (g.state === "approved" || g.state === "paid")) {
      const carriedBy = modelStatus(world.model, credit.id, allPayouts);
      if (g.state === "paid") expect(["paid", "reversed"], `grant ${g.id}`).toContain(carriedBy);
      else expect(carriedBy, `grant ${g.id}`).not.toBe("paid");
    }
  }

  expect(await balanceMismatches(t.db)).toEqual([]);
  const negative = await t.db
    .select()
    .from(ledgerBalances)
    .where(sql`${ledgerBalances.balanceMinor} < 0`);
  expect(negative).toEqual([]);
}

describe("money under random sequences of moves", () => {
  it("the statement, the ledger and the balances always agree, and refused moves change nothing", async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArbitrary, async (scenario) => {
        const world = await setUp(scenario);
        for (const op of scenario.ops) await step(world, op);
        await checkInvariants(world);
      }),
      { numRuns: 25 },
    );
  }, 240_000);
});
