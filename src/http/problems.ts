import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type ProblemIssue } from '../errors.js';
import type { Problem } from './schemas.js';
import { describeValidationErrors } from './validation.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Sign-in required',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  406: 'Not acceptable',
  409: 'Conflict',
  410: 'Gone',
  413: 'Request body too large',
  415: 'Unsupported media type',
  422: 'Unprocessable content',
  429: 'Too many requests',
  500: 'Internal server error',
  503: 'Service unavailable',
};

/** Builds the problem document for an error of any kind. Internals never reach a 5xx answer. */
export function toProblem(error: unknown, request: FastifyRequest): Problem {
  const known = classify(error, request);
  const problem: Problem = {
    type: `urn:cloud-office:problem:${known.code}`,
    title: TITLES[known.status] ?? (known.status >= 500 ? 'Server error' : 'Request refused'),
    status: known.status,
    detail: known.detail,
    instance: request.url.split('?')[0] ?? request.url,
    code: known.code,
    requestId: request.id,
  };
  if (known.issues.length > 0) problem.errors = [...known.issues];
  return problem;
}

interface Classified {
  status: number;
  code: string;
  detail: string;
  issues: readonly ProblemIssue[];
}

function classify(error: unknown, request: FastifyRequest): Classified {
  if (error instanceof AppError) {
    return { status: error.status, code: error.code, detail: error.message, issues: error.issues };
  }
  const fastifyError = error as Partial<FastifyError> & { validationContext?: string };
  if (Array.isArray(fastifyError.validation)) {
    const part = fastifyError.validationContext ?? 'body';
    const issues = describeValidationErrors(part, fastifyError.validation as never);
    return {
      status: 400,
      code: 'validation_failed',
      detail: `The request is not valid: ${issues.map(describeIssue).join('; ')}.`,
      issues,
    };
  }
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_TYPE': {
      const sent = request.headers['content-type'];
      return {
        status: 415,
        code: 'unsupported_media_type',
        detail: `Content-Type ${sent ? `"${sent}"` : '(none)'} is not accepted here; send application/json.`,
        issues: [],
      };
    }
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return {
        status: 413,
        code: 'body_too_large',
        detail: `The request body is larger than the limit of ${request.routeOptions.bodyLimit} bytes.`,
        issues: [],
      };
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return {
        status: 400,
        code: 'invalid_content_length',
        detail: 'The Content-Length header does not match the body sent.',
        issues: [],
      };
    default:
      break;
  }
  const status = fastifyError.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return {
      status,
      code: fastifyError.code?.toLowerCase().replace(/^fst_err_/, '') ?? 'bad_request',
      detail: fastifyError.message ?? 'The request was refused.',
      issues: [],
    };
  }
  if (status === 503) {
    return {
      status: 503,
      code: 'unavailable',
      detail: 'The service is not available right now; try again shortly.',
      issues: [],
    };
  }
  return {
    status: 500,
    code: 'internal_error',
    detail: `Something went wrong on our side. Quote request id ${request.id} when reporting it.`,
    issues: [],
  };
}

function describeIssue(issue: ProblemIssue): string {
  if (issue.in === 'querystring' || issue.in === 'params' || issue.in === 'headers') {
    const name = issue.pointer.split('/')[1] ?? '';
    const kind = { querystring: 'query parameter', params: 'path parameter', headers: 'header' }[
      issue.in
    ];
    return name ? `${kind} "${name}" ${issue.message}` : `${kind}s ${issue.message}`;
  }
  return issue.pointer
    ? `${issue.in} ${issue.pointer}: ${issue.message}`
    : `${issue.in} ${issue.message}`;
}

/** Sends an error as application/problem+json, logging server faults with their stack. */
export function sendProblem(
  error: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  const problem = toProblem(error, request);
  if (problem.status >= 500 && !(error instanceof AppError)) {
    request.log.error({ err: error }, 'request failed');
  } else if (problem.status >= 500) {
    request.log.warn({ code: problem.code, status: problem.status }, problem.detail);
  } else {
    request.log.info({ code: problem.code, status: problem.status }, 'request refused');
  }
  return reply
    .code(problem.status)
    .header('content-type', PROBLEM_CONTENT_TYPE)
    .send(JSON.stringify(problem));
}
