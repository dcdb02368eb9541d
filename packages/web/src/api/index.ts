export { ApiError, buildUrl, request, setUnauthorizedHandler } from './client.js';
export * from './endpoints.js';
