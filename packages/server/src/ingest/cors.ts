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
  if (origin === undefined) {
    rejectDisallowedReferer(allowedOrigins, request.headers.referer);
    return;
  }
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

/**
 * Browsers send no Origin on some requests (an image beacon, a GET from a script tag), but
 * they do send the page's address as Referer, unless the page's referrer policy hides it.
 * Requests with neither, such as a server sending events, are allowed.
 */
function rejectDisallowedReferer(allowedOrigins: string[], referer: string | undefined): void {
  if (referer === undefined || allowedOrigins.includes('*')) return;
  let origin: string;
  try {
    origin = new URL(referer).origin;
  } catch {
    return;
  }
  if (!isAllowedOrigin(allowedOrigins, origin)) {
    throw forbidden(
      `Page ${origin} is not allowed to send data; add it to REPRISE_ALLOWED_ORIGINS`,
    );
  }
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
