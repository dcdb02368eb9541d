export { ApiError, buildUrl, request, setUnauthorizedHandler } from './client.js';
export * from './endpoints.js';
export * from './lifecycle.js';
export * from './analytics.js';
