export { startTestServer, testCredentials, type TestServer, type TestDatabase } from './server.js';
export { postgresUnavailableReason, createTestDatabase, testPostgresUrl } from './postgres.js';
