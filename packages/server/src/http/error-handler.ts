import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorBody } from '@reprise/protocol';
import type { Settings } from '../config/settings.js';
import { HttpError } from '../errors.js';

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

export function sendError(reply: FastifyReply, error: HttpError, request?: FastifyRequest) {
  const body: ErrorBody = { status: 0, error: error.message, code: error.code };
  if (error.field !== undefined) body.field = error.field;
  if (error.limit !== undefined) body.limit = error.limit;
  if (error.status >= 500 && request) {
    body.error = `Internal error; the server log has the details under request id ${request.id}`;
  }
  if (error.retryAfterSeconds !== undefined) {
    reply.header('Retry-After', String(error.retryAfterSeconds));
  }
  return reply.code(error.status).type('application/json; charset=utf-8').send(body);
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
    return new HttpError(error.statusCode, 'bad_request', error.message);
  }
  return new HttpError(500, 'internal', error.message, { cause: error });
}
