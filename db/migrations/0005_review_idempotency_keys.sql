ALTER TABLE "review_comments" ADD COLUMN "client_key" text;--> statement-breakpoint
ALTER TABLE "submissions" ADD COLUMN "submit_key" text;--> statement-breakpoint
CREATE UNIQUE INDEX "review_comments_client_key_unique" ON "review_comments" USING btree ("submission_id","client_key");--> statement-breakpoint
CREATE UNIQUE INDEX "submissions_submit_key_unique" ON "submissions" USING btree ("submit_key");