import { defineConfig } from "drizzle-kit";

// Migrations are generated from the schema and committed; both PostgreSQL and PGlite apply the
// same SQL at start (see app/.server/db.ts).
export default defineConfig({
  dialect: "postgresql",
  schema: "./db/schema/index.ts",
  out: "./db/migrations",
});
