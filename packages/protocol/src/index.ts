export * from './rrweb.js';
export * from './record.js';
export * from './analytics.js';
export * from './api.js';
export * from './analytics-api.js';
export * from './user-api.js';
export * from './validation.js';
export * from './lifecycle-api.js';
