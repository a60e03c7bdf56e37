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

export function sendProblem(
  reply: FastifyReply,
  code: ErrorCode,
  detail: string,
  extra: Record<string, unknown> = {},
): FastifyReply {
  const { status, title } = errorCatalog[code];
  // Every 503 is passing (overload, an upstream away, a shutdown): say when to try again.
  if (status === 503 && !reply.hasHeader('retry-after')) reply.header('Retry-After', '1');
  return reply
    .status(status)
    .type('application/problem+json; charset=utf-8')
    .send({ type: problemType(code), title, status, detail, code, instance: reply.request.url, ...extra });
}

function fieldErrors(err: FastifyError): ProblemFieldError[] {
  return (err.validation ?? []).map((v) => {
    const base = `${err.validationContext === 'body' ? '' : `/${err.validationContext ?? ''}`}${v.instancePath}`;
    const params = v.params as Record<string, unknown>;
    if (v.keyword === 'additionalProperties') {
      return { path: `${base}/${String(params.additionalProperty)}`, message: 'is not an accepted property' };
    }
    if (v.keyword === 'required') {
      return { path: `${base}/${String(params.missingProperty)}`, message: 'is required' };
    }
    return { path: base || '/', message: v.message ?? 'is not valid' };
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
      return sendProblem(reply, 'service_unavailable', 'The service behind this route is not available right now; try again.');
    }
    if (upstream === 'bad_gateway') {
      request.log.warn({ err }, 'upstream failed');
      return sendProblem(reply, 'bad_gateway', 'The service behind this route did not answer properly.');
    }
    request.log.error({ err }, 'request failed');
    return sendProblem(reply, 'internal_error', 'Something went wrong on our side. The request id identifies it in our logs.');
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, 'not_found', `No route for ${request.method} ${request.url.split('?')[0]}`),
  );
}
