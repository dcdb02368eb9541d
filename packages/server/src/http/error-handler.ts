import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorBody } from '@reprise/protocol';
import type { Settings } from '../config/settings.js';
import { badRequest, HttpError } from '../errors.js';

/**
 * Turns every error into a JSON reply `{status: 0, error, code, field?, limit?}`. SDKs parse
 * every reply as JSON and treat a body that is not JSON as a dropped batch, so even a 500
 * must be JSON for the SDK to retry it.
 */
export function installErrorHandler(app: FastifyInstance, settings: Settings): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const known = toHttpError(error, settings);
    if (known.status >= 500) {
      request.log.error({ err: error }, 'request failed');
    } else if (known.status !== 401 && known.status !== 404) {
      request.log.info({ code: known.code, field: known.field }, known.message);
    }
    sendError(reply, known, request);
  });
}

/** Builds the JSON body `{status: 0, error, code, field?, limit?}` of an error reply. */
export function errorBodyOf(error: HttpError): ErrorBody {
  const body: ErrorBody = { status: 0, error: error.message, code: error.code };
  if (error.field !== undefined) body.field = error.field;
  if (error.limit !== undefined) body.limit = error.limit;
  return body;
}

export function sendError(reply: FastifyReply, error: HttpError, request?: FastifyRequest) {
  const body = errorBodyOf(error);
  if (error.status >= 500 && request) {
    body.error = `Internal error; the server log has the details under request id ${request.id}`;
  }
  if (error.retryAfterSeconds !== undefined) {
    reply.header('Retry-After', String(error.retryAfterSeconds));
  }
  return reply.code(error.status).type('application/json; charset=utf-8').send(body);
}

/**
 * Replies to a request that Fastify rejected before routing it, such as a path with invalid
 * percent-encoding, in the same JSON form as every other error. The reply does not repeat the
 * URL, which can hold a user id.
 */
export function replyToFrameworkError(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const message =
    error.code === 'FST_ERR_BAD_URL'
      ? 'The URL path is invalid: a part of it has malformed percent-encoding, such as %ZZ or ' +
        'bytes that are not UTF-8. Encode ids with encodeURIComponent.'
      : 'The request is invalid and could not be routed';
  request.log.info({ code: error.code }, 'request rejected before routing');
  sendError(reply, badRequest('bad_url', message), request);
}

const clientErrorCodes: Record<number, string> = {
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  408: 'request_timeout',
  431: 'headers_too_large',
};

/**
 * Replies to a request Node's HTTP parser rejected before Fastify saw it (for example headers
 * over 16 KiB), in the same JSON form as every other error.
 */
export function replyToClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (!socket.writable) return;
  const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
  const status = tooLarge ? 431 : 400;
  const body = JSON.stringify({
    status: 0,
    error: tooLarge
      ? 'The URL and headers of the request are larger than 16 KiB together: shorten the URL ' +
        '(a path or query value) or a header, or send long values in a POST body'
      : 'Malformed HTTP request',
    code: tooLarge ? 'headers_too_large' : 'bad_request',
  });
  const reason = tooLarge ? 'Request Header Fields Too Large' : 'Bad Request';
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

function toHttpError(error: FastifyError, settings: Settings): HttpError {
  if (error instanceof HttpError) return error;
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new HttpError(
        413,
        'payload_too_large',
        `Body is larger than ${settings.maxBodyBytes} bytes (REPRISE_MAX_BODY_BYTES); send smaller batches`,
        { field: 'body', limit: settings.maxBodyBytes },
      );
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new HttpError(415, 'unsupported_media_type', 'Send the body as application/json');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new HttpError(400, 'invalid_json', `Body is not valid JSON: ${error.message}`, {
        field: 'body',
      });
  }
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    const code = clientErrorCodes[error.statusCode] ?? 'bad_request';
    const message = error.statusCode === 403 ? 'This path is not allowed' : error.message;
    return new HttpError(error.statusCode, code, message);
  }
  return new HttpError(500, 'internal', error.message, { cause: error });
}
