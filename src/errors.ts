/** One reason a request was refused, located by where it came from and a JSON pointer. */
export interface ProblemIssue {
  /** Which part of the request: body, querystring, params or headers. */
  in: string;
  /** RFC 6901 JSON pointer to the offending value; empty for the whole part. */
  pointer: string;
  message: string;
}

/**
 * An error that carries its own meaning: the HTTP status, a stable machine-readable code and a
 * message for people that says what was wrong. The HTTP error handler turns it into an RFC 9457
 * problem document; nothing else needs to know about status codes.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: readonly ProblemIssue[] = [],
  ) {
    super(message);
    this.name = 'AppError';
  }

  static badRequest(code: string, message: string, issues: readonly ProblemIssue[] = []): AppError {
    return new AppError(400, code, message, issues);
  }

  static notFound(message: string): AppError {
    return new AppError(404, 'not_found', message);
  }

  static conflict(code: string, message: string): AppError {
    return new AppError(409, code, message);
  }
}
