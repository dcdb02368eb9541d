import type { FastifyReply, FastifyRequest } from 'fastify';
import { forbidden } from '../errors.js';

/**
 * CORS for the ingestion routes only. SDKs send credentials, and with credentials a browser
 * rejects `Access-Control-Allow-Origin: *` (Fetch standard, CORS protocol), so the request's
 * origin is echoed when it is allowed. `/record/` and `/settings/` send `Authorization`, which
 * a `*` in `Access-Control-Allow-Headers` does not cover, so it is listed by name.
 */
export function applyIngestionCors(
  allowedOrigins: string[],
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const origin = request.headers.origin;
  if (origin === undefined) return;
  if (!isAllowedOrigin(allowedOrigins, origin)) {
    throw forbidden(
      `Origin ${origin} is not allowed to send data; add it to REPRISE_ALLOWED_ORIGINS`,
    );
  }
  reply.header('Access-Control-Allow-Origin', origin);
  reply.header('Access-Control-Allow-Credentials', 'true');
  reply.header('Access-Control-Expose-Headers', 'Retry-After');
  reply.header('Vary', 'Origin');
}

export function isAllowedOrigin(allowedOrigins: string[], origin: string): boolean {
  return allowedOrigins.includes('*') || allowedOrigins.includes(origin);
}

/** Replies to a preflight of an ingestion route. */
export function replyToPreflight(request: FastifyRequest, reply: FastifyReply) {
  reply.header('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
  reply.header('Access-Control-Allow-Headers', 'Authorization, Content-Type');
  reply.header('Access-Control-Max-Age', '86400');
  return reply.code(204).send();
}
