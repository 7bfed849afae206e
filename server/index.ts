import { loadDotEnv, startServer } from "./start";

loadDotEnv();
const dev = process.argv.includes("--dev");
startServer({ dev }).then(
  ({ url, logger, handle }) =>
    logger.info({ url, database: handle.kind }, `Greenroom is listening on ${url}`),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
