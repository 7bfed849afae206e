/**
 * An error the person caused (bad input, a stale form, a lost race, a refused action). Routes turn
 * it into a 4xx with the message shown next to the field; it never becomes a 500.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 403 | 404 | 409 | 410 | 413 | 415 | 422 | 429 = 400,
    readonly field?: string,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = "UserError";
  }
}

export class ForbiddenError extends UserError {
  constructor(message = "You do not have permission to do that.") {
    super(message, 403);
    this.name = "ForbiddenError";
  }
}
