import type { ErrorObject } from 'ajv';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, errorCatalog, problemType, type ErrorCode, type ProblemFieldError } from './errors.js';

const frameworkCodes: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'validation_failed',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
};

// A service behind the gateway that nobody reached: the request never got there, so it may go again.
const unreachable = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);
// One that took the request and then failed, hung up or never answered.
const brokeOff = new Set(['ECONNRESET', 'UND_ERR_SOCKET']);

/** How the proxy (@fastify/reply-from) failed to get an answer from a service, if that is the error. */
function upstreamFailure(err: FastifyError): 'service_unavailable' | 'bad_gateway' | undefined {
  // Errors thrown by handlers may have no code at all.
  const code = (err.code as string | undefined) ?? '';
  const cause = (err.cause as { code?: string } | undefined)?.code ?? '';
  if (code.startsWith('FST_REPLY_FROM') || unreachable.has(code) || brokeOff.has(code)) {
    if (err.statusCode === 503 || unreachable.has(code) || unreachable.has(cause)) return 'service_unavailable';
    return 'bad_gateway';
  }
  return undefined;
}

/** The problem+json body for `code`; `instance` is the URL of the request it answers. */
export function problemBody(
  code: ErrorCode,
  detail: string,
  extra: Record<string, unknown>,
  instance: string,
): Record<string, unknown> {
  const { status, title } = errorCatalog[code];
  return { type: problemType(code), title, status, detail, code, instance, ...extra };
}

export function sendProblem(
  reply: FastifyReply,
  code: ErrorCode,
  detail: string,
  extra: Record<string, unknown> = {},
): FastifyReply {
  const { status } = errorCatalog[code];
  // Every 503 is passing (overload, an upstream away, a shutdown): say when to try again.
  if (status === 503 && !reply.hasHeader('retry-after')) reply.header('Retry-After', '1');
  return reply
    .status(status)
    .type('application/problem+json; charset=utf-8')
    .send(problemBody(code, detail, extra, reply.request.url));
}

const listed = (values: unknown[]) => `must be one of: ${values.map(String).join(', ')}`;

/** The values of a union of constants (how TypeBox writes a union of literals), or undefined. */
function constants(branches: unknown): unknown[] | undefined {
  if (!Array.isArray(branches) || branches.length === 0) return undefined;
  const isConstant = (branch: unknown): branch is { const: unknown } =>
    branch !== null && typeof branch === 'object' && 'const' in branch;
  return branches.every(isConstant) ? branches.map((branch) => branch.const) : undefined;
}

/**
 * One error per field as clients read it. A value outside a union of constants fails every
 * branch, one error each: those become the one error that lists the accepted values.
 */
function fieldErrors(err: FastifyError): ProblemFieldError[] {
  // The validator compiler makes ajv verbose: each error carries the schema it failed.
  const validation = (err.validation ?? []) as ErrorObject[];
  const collapsed = validation
    .filter((v) => v.keyword === 'anyOf' && constants(v.schema))
    .map((v) => `${v.schemaPath}/`);
  return validation
    .filter((v) => !collapsed.some((prefix) => v.schemaPath.startsWith(prefix)))
    .map((v) => {
      const base = `${err.validationContext === 'body' ? '' : `/${err.validationContext ?? ''}`}${v.instancePath}`;
      const params = v.params as Record<string, unknown>;
      if (v.keyword === 'additionalProperties') {
        return { path: `${base}/${String(params.additionalProperty)}`, message: 'is not an accepted property' };
      }
      if (v.keyword === 'required') {
        return { path: `${base}/${String(params.missingProperty)}`, message: 'is required' };
      }
      const choices =
        v.keyword === 'enum'
          ? (params.allowedValues as unknown[])
          : v.keyword === 'anyOf'
            ? constants(v.schema)
            : undefined;
      return { path: base || '/', message: choices ? listed(choices) : (v.message ?? 'is not valid') };
    });
}

/** Turns every error into problem+json; a 5xx says nothing about internals. */
export function installProblemHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (err instanceof AppError) {
      return sendProblem(reply, err.code, err.message, err.extra);
    }
    if (err.validation) {
      const errors = fieldErrors(err);
      const first = errors[0];
      const detail = first ? `${first.path} ${first.message}` : 'Request is not valid';
      return sendProblem(reply, 'validation_failed', detail, { errors });
    }
    const mapped = err.code ? frameworkCodes[err.code] : undefined;
    if (mapped) return sendProblem(reply, mapped, err.message);
    const status = err.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const code = (Object.keys(errorCatalog) as ErrorCode[]).find((c) => errorCatalog[c].status === status);
      return sendProblem(reply, code ?? 'validation_failed', err.message);
    }
    const upstream = upstreamFailure(err);
    if (upstream === 'service_unavailable') {
      request.log.warn({ err }, 'upstream unavailable');
      return sendProblem(
        reply,
        'service_unavailable',
        'The service behind this route is not available right now; try again.',
      );
    }
    if (upstream === 'bad_gateway') {
      request.log.warn({ err }, 'upstream failed');
      return sendProblem(reply, 'bad_gateway', 'The service behind this route did not answer properly.');
    }
    request.log.error({ err }, 'request failed');
    return sendProblem(
      reply,
      'internal_error',
      'Something went wrong on our side. The request id identifies it in our logs.',
    );
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, 'not_found', `No route for ${request.method} ${request.url.split('?')[0]}`),
  );
}

/**
 * The router's own refusals, before any route or hook runs: a path whose percent-encoding is not
 * UTF-8, a path parameter past the router's length limit. Fastify answers them in its own JSON
 * unless given this handler (its `frameworkErrors` option).
 */
export function answerFrameworkError(err: FastifyError, _request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (err.code === 'FST_ERR_MAX_PARAM_LENGTH') return sendProblem(reply, 'uri_too_long', 'A path segment is too long.');
  return sendProblem(reply, 'validation_failed', 'The path is not valid percent-encoded UTF-8.', {
    errors: [{ path: '/params', message: 'is not valid percent-encoded UTF-8' }],
  });
}

/**
 * What Node's HTTP parser refuses (a control character in a header, a malformed request line,
 * headers past the size limit) never reaches Fastify: the connection gets this one answer,
 * problem+json like every other, and is closed.
 */
export function answerClientError(err: Error & { code?: string }, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const code: ErrorCode =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? 'headers_too_large'
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? 'request_timeout'
        : 'malformed_request';
  const { status, title } = errorCatalog[code];
  const body = JSON.stringify({ type: problemType(code), title, status, detail: title, code });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/problem+json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}
