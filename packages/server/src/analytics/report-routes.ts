import type { FastifyInstance } from 'fastify';
import {
  eventReplaysRequestSchema,
  eventReportRequestSchema,
  funnelReplaysRequestSchema,
  funnelRequestSchema,
  type EventNameList,
  type EventReport,
  type FunnelReport,
  type ReplayAnalyticsEvents,
  type ReportReplayList,
} from '@reprise/protocol';
import { z } from 'zod';
import { parseInput } from '../api/body.js';
import type { ServerContext } from '../context.js';
import { notFound } from '../errors.js';
import { findEventReplays } from './event-replays.js';
import { listEventNames } from './event-names.js';
import { runEventReport } from './event-report.js';
import { findFunnelReplays, runFunnel } from './funnel-report.js';
import { projectOf } from './project.js';
import { toAnalyticsEvent } from './replay-events.js';

/** Most linked events returned for one replay. */
const maxReplayEvents = 5_000;

const replayParams = z.object({ id: z.string().min(1).max(64, 'must be at most 64 characters') });

/** Event names, event reports, funnels, their replays, and the events of one replay. */
export function registerReportRoutes(app: FastifyInstance, context: ServerContext): void {
  const { db, dialect } = context.metadata.connection;

  app.get('/api/event-names', async (request): Promise<EventNameList> => {
    const project = await projectOf(context, request);
    return listEventNames(db, project.id);
  });

  app.post('/api/reports/events', async (request): Promise<EventReport> => {
    const project = await projectOf(context, request);
    const input = parseInput(eventReportRequestSchema, request.body, 'report');
    return runEventReport(db, dialect, project.id, input);
  });

  app.post('/api/reports/events/replays', async (request): Promise<ReportReplayList> => {
    const project = await projectOf(context, request);
    const input = parseInput(eventReplaysRequestSchema, request.body, 'request');
    return findEventReplays(db, dialect, project.id, input);
  });

  app.post('/api/reports/funnels', async (request): Promise<FunnelReport> => {
    const project = await projectOf(context, request);
    const input = parseInput(funnelRequestSchema, request.body, 'funnel');
    return runFunnel(db, dialect, project.id, input);
  });

  app.post('/api/reports/funnels/replays', async (request): Promise<ReportReplayList> => {
    const project = await projectOf(context, request);
    const input = parseInput(funnelReplaysRequestSchema, request.body, 'request');
    return findFunnelReplays(db, dialect, project.id, input);
  });

  app.get('/api/replays/:id/analytics-events', async (request): Promise<ReplayAnalyticsEvents> => {
    const project = await projectOf(context, request);
    const { id } = parseInput(replayParams, request.params, 'path');
    const replay = await context.metadata.replays.getReplay(project.id, id);
    if (!replay) throw notFound(`Replay ${id} not found`);
    const rows = await context.metadata.analytics.listEventsOfReplay(
      project.id,
      id,
      maxReplayEvents + 1,
    );
    return {
      replayId: id,
      events: rows.slice(0, maxReplayEvents).map(toAnalyticsEvent),
      truncated: rows.length > maxReplayEvents,
    };
  });
}
