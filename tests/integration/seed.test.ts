import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { DEMO_ACCOUNTS, DEMO_PASSWORD, seedDemo } from "~db/seed";
import { accessSettings, emailOutbox, invites, users } from "~db/schema";
import { action as loginAction } from "~/routes/login";
import { loader as acceptLoader } from "~/routes/invite.$token";
import { useTestDatabase } from "../support/db";
import { APP_URL, callRoute, makeRequest } from "../support/factories";
import { lastEmailTo } from "../support/outbox";

const t = useTestDatabase();

describe("the demo seed", () => {
  it("creates the demo accounts of PRODUCT.md, each able to sign in, and is idempotent", async () => {
    const first = await seedDemo(t.db, { appUrl: APP_URL });
    expect(first.created).toEqual(expect.arrayContaining(DEMO_ACCOUNTS.map((a) => a.email)));
    const counts = async () => ({
      users: (await t.db.select().from(users)).length,
      invites: (await t.db.select().from(invites)).length,
      emails: (await t.db.select().from(emailOutbox)).length,
    });
    const before = await counts();
    const second = await seedDemo(t.db, { appUrl: APP_URL });
    expect(second.created).toEqual([]);
    expect(await counts()).toEqual(before);

    for (const account of DEMO_ACCOUNTS) {
      const res = await callRoute(
        t.db,
        loginAction,
        makeRequest("/login", { form: { email: account.email, password: DEMO_PASSWORD } }),
        {},
        { ip: `198.51.100.${DEMO_ACCOUNTS.indexOf(account) + 1}` },
      );
      expect(res.status, account.email).toBe(302);
    }
    // Demo artists can generate from the first minute; other roles have no generation settings.
    const settings = await t.db
      .select({ email: users.email, quota: accessSettings.monthlyQuotaSeconds })
      .from(accessSettings)
      .innerJoin(users, eq(users.id, accessSettings.userId));
    const byEmail = new Map(settings.map((r) => [r.email, r.quota]));
    expect(byEmail.get("artist@greenroom.test")).toBe(300);
    expect(byEmail.get("artist2@greenroom.test")).toBe(300);
    expect(byEmail.has("reviewer@greenroom.test")).toBe(false);
    expect(byEmail.has("noor.haddad@greenroom.test")).toBe(false);
  });

  it("leaves working invitation links in the outbox", async () => {
    await seedDemo(t.db, { appUrl: APP_URL });
    const { path, message } = await lastEmailTo(t.db, "noor.haddad@greenroom.test");
    expect(message.template).toBe("invite");
    const token = path!.split("/").pop()!;
    const page = await callRoute(t.db, acceptLoader, makeRequest(path!), { token });
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ valid: true, email: "noor.haddad@greenroom.test" });
  });
});
