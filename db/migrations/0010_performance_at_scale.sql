CREATE TABLE "payout_batch_totals" (
	"batch_id" text NOT NULL,
	"state" "payout_state" NOT NULL,
	"payouts" bigint NOT NULL,
	"amount_minor" bigint NOT NULL,
	CONSTRAINT "payout_batch_totals_batch_id_state_pk" PRIMARY KEY("batch_id","state"),
	CONSTRAINT "payout_batch_totals_not_negative" CHECK ("payout_batch_totals"."payouts" >= 0 and "payout_batch_totals"."amount_minor" >= 0)
);
--> statement-breakpoint
ALTER TABLE "payout_batch_totals" ADD CONSTRAINT "payout_batch_totals_batch_id_payout_batches_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."payout_batches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "generation_jobs_user_unsettled_idx" ON "generation_jobs" USING btree ("user_id","created_at") WHERE "generation_jobs"."status" IN ('queued', 'running', 'failed', 'canceled');--> statement-breakpoint
CREATE INDEX "submissions_claimed_idx" ON "submissions" USING btree ("claimed_by") WHERE "submissions"."state" IN ('pending', 'in_review') AND "submissions"."claimed_by" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "ledger_balances_owed_idx" ON "ledger_balances" USING btree ("balance_minor" DESC NULLS FIRST,"user_id" DESC NULLS FIRST,"currency" DESC NULLS FIRST) WHERE "ledger_balances"."balance_minor" > 0;--> statement-breakpoint
-- Hand-written (ADR 0015): every statement that inserts, updates or (never, but safely) deletes
-- payouts moves their batches' totals for the states they left and entered, in the same
-- transaction. Statement-level, over the transition tables: a batch of thousands of payouts
-- moves each of its totals once, not once per payout.
CREATE FUNCTION "payouts_move_batch_totals"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE "payout_batch_totals" t
      SET "payouts" = t."payouts" - o."payouts", "amount_minor" = t."amount_minor" - o."amount_minor"
      FROM (SELECT "batch_id", "state", count(*) AS "payouts", sum("amount_minor") AS "amount_minor"
            FROM "old_payouts" GROUP BY 1, 2) o
      WHERE t."batch_id" = o."batch_id" AND t."state" = o."state";
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO "payout_batch_totals" ("batch_id", "state", "payouts", "amount_minor")
      SELECT "batch_id", "state", count(*), sum("amount_minor") FROM "new_payouts" GROUP BY 1, 2
      ON CONFLICT ("batch_id", "state") DO UPDATE
      SET "payouts" = "payout_batch_totals"."payouts" + EXCLUDED."payouts",
          "amount_minor" = "payout_batch_totals"."amount_minor" + EXCLUDED."amount_minor";
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "payouts_batch_totals_insert" AFTER INSERT ON "payouts"
  REFERENCING NEW TABLE AS "new_payouts"
  FOR EACH STATEMENT EXECUTE FUNCTION "payouts_move_batch_totals"();
--> statement-breakpoint
CREATE TRIGGER "payouts_batch_totals_update" AFTER UPDATE ON "payouts"
  REFERENCING OLD TABLE AS "old_payouts" NEW TABLE AS "new_payouts"
  FOR EACH STATEMENT EXECUTE FUNCTION "payouts_move_batch_totals"();
--> statement-breakpoint
CREATE TRIGGER "payouts_batch_totals_delete" AFTER DELETE ON "payouts"
  REFERENCING OLD TABLE AS "old_payouts"
  FOR EACH STATEMENT EXECUTE FUNCTION "payouts_move_batch_totals"();
--> statement-breakpoint
INSERT INTO "payout_batch_totals" ("batch_id", "state", "payouts", "amount_minor")
  SELECT "batch_id", "state", count(*), sum("amount_minor") FROM "payouts" GROUP BY 1, 2;
--> statement-breakpoint
-- Hand-written (ADR 0015): throttle counters are minutes-long and worth nothing after a crash, so
-- they skip the write-ahead log; a public page that counts every visit no longer waits on a disk
-- flush for it.
ALTER TABLE "rate_limit_counters" SET UNLOGGED;
