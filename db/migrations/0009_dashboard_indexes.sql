CREATE INDEX "generation_jobs_finished_idx" ON "generation_jobs" USING btree ("finished_at") WHERE "generation_jobs"."status" = 'succeeded';--> statement-breakpoint
CREATE INDEX "generation_jobs_dispatched_idx" ON "generation_jobs" USING btree ("dispatched_at");--> statement-breakpoint
CREATE INDEX "generation_jobs_created_idx" ON "generation_jobs" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "payouts_created_idx" ON "payouts" USING btree ("created_at");