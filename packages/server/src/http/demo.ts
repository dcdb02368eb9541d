import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';

/**
 * `GET /demo/config.js`: the example shop's settings, so the demo records into this server's
 * first project wherever Reprise runs. The token is public: it can only write.
 */
export function registerDemoConfigRoute(app: FastifyInstance, context: ServerContext): void {
  app.get('/demo/config.js', async (_request, reply) => {
    const [project] = await context.metadata.accounts.listProjects();
    const config = { token: project?.token ?? null };
    return reply
      .type('text/javascript; charset=utf-8')
      .header('Cache-Control', 'no-store')
      .send(`window.REPRISE_DEMO = ${JSON.stringify(config)};\n`);
  });
}
