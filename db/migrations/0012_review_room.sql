CREATE TABLE "review_replies" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"comment_id" bigint NOT NULL,
	"author_id" text NOT NULL,
	"body" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"client_key" text
);
--> statement-breakpoint
ALTER TABLE "review_comments" DROP CONSTRAINT "review_comments_at_nonnegative";--> statement-breakpoint
DROP INDEX "review_comments_submission_idx";--> statement-breakpoint
ALTER TABLE "clips" ADD COLUMN "frame_rate" text DEFAULT '24/1' NOT NULL;--> statement-breakpoint
ALTER TABLE "review_comments" ADD COLUMN "frame" integer;--> statement-breakpoint
-- Hand-added (issue 18): comments stored the second they were about; a comment now names the frame
-- on screen at that moment, at its clip's own rate, and never one past the clip's last frame.
UPDATE "review_comments" AS c
SET "frame" = greatest(0, least(
  floor(c."at_seconds"::numeric * split_part(k."frame_rate", '/', 1)::numeric / split_part(k."frame_rate", '/', 2)::numeric + 0.001),
  floor(k."duration_seconds"::numeric * split_part(k."frame_rate", '/', 1)::numeric / split_part(k."frame_rate", '/', 2)::numeric + 0.001) - 1
))::integer
FROM "submission_versions" AS v
JOIN "clips" AS k ON k."id" = v."clip_id"
WHERE v."submission_id" = c."submission_id" AND v."number" = c."version_number";--> statement-breakpoint
-- Every comment belongs to a version; this only guards the NOT NULL below (outputs are 24 fps).
UPDATE "review_comments" SET "frame" = floor("at_seconds"::numeric * 24 + 0.001)::integer WHERE "frame" IS NULL;--> statement-breakpoint
ALTER TABLE "review_comments" ALTER COLUMN "frame" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "review_comments" ADD COLUMN "end_frame" integer;--> statement-breakpoint
ALTER TABLE "review_comments" ADD COLUMN "annotation" jsonb;--> statement-breakpoint
ALTER TABLE "review_comments" ADD COLUMN "resolved_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "review_comments" ADD COLUMN "resolved_by" text;--> statement-breakpoint
ALTER TABLE "submissions" ADD COLUMN "claim_released_from" text;--> statement-breakpoint
ALTER TABLE "submissions" ADD COLUMN "claim_released_by" text;--> statement-breakpoint
ALTER TABLE "submissions" ADD COLUMN "claim_released_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "review_replies" ADD CONSTRAINT "review_replies_comment_id_review_comments_id_fk" FOREIGN KEY ("comment_id") REFERENCES "public"."review_comments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_replies" ADD CONSTRAINT "review_replies_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "review_replies_client_key_unique" ON "review_replies" USING btree ("comment_id","client_key");--> statement-breakpoint
CREATE INDEX "review_replies_comment_idx" ON "review_replies" USING btree ("comment_id","created_at");--> statement-breakpoint
ALTER TABLE "review_comments" ADD CONSTRAINT "review_comments_resolved_by_users_id_fk" FOREIGN KEY ("resolved_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "submissions" ADD CONSTRAINT "submissions_claim_released_from_users_id_fk" FOREIGN KEY ("claim_released_from") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "submissions" ADD CONSTRAINT "submissions_claim_released_by_users_id_fk" FOREIGN KEY ("claim_released_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "review_comments_submission_idx" ON "review_comments" USING btree ("submission_id","version_number","frame");--> statement-breakpoint
ALTER TABLE "review_comments" DROP COLUMN "at_seconds";--> statement-breakpoint
ALTER TABLE "clips" ADD CONSTRAINT "clips_frame_rate_rational" CHECK ("clips"."frame_rate" ~ '^[1-9][0-9]{0,6}/[1-9][0-9]{0,6}$');--> statement-breakpoint
ALTER TABLE "review_comments" ADD CONSTRAINT "review_comments_frame_nonnegative" CHECK ("review_comments"."frame" >= 0);--> statement-breakpoint
ALTER TABLE "review_comments" ADD CONSTRAINT "review_comments_range_forward" CHECK ("review_comments"."end_frame" IS NULL OR "review_comments"."end_frame" > "review_comments"."frame");