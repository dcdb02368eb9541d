export * from './rrweb.js';
export * from './record.js';
export * from './analytics.js';
export * from './api.js';
export * from './validation.js';
