import { DatabaseLockedError } from "~/.server/db";

/**
 * Runs a command-line script. What the person running it can fix (the embedded database is in
 * use, the environment is invalid) is said in one line, without a stack trace, and exits 1;
 * anything else is our bug and keeps its stack.
 */
export async function runScript(main: () => Promise<void>) {
  try {
    await main();
  } catch (error) {
    const theirs =
      error instanceof DatabaseLockedError ||
      (error instanceof Error && error.message.startsWith("Invalid environment"));
    console.error(theirs ? (error as Error).message : error);
    process.exit(1);
  }
}
