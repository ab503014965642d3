/**
 * The root router. Adding a router is one line here; every procedure must come from a builder in
 * ./trpc.ts so its access rule is recorded (the access-control test walks this router).
 */
import { annotationsRouter } from './routers/annotations';
import { authRouter } from './routers/auth';
import { dashboardRouter } from './routers/dashboard';
import { eventsRouter } from './routers/events';
import { imagesRouter } from './routers/images';
import { modelsRouter } from './routers/models';
import { pacsRouter } from './routers/pacs';
import { projectsRouter } from './routers/projects';
import { queueRouter } from './routers/queue';
import { reviewRouter } from './routers/review';
import { tasksRouter } from './routers/tasks';
import { volumesRouter } from './routers/volumes';
import { weakLabelsRouter } from './routers/weak-labels';
import { createCallerFactory, createTRPCRouter } from './trpc';

export const appRouter = createTRPCRouter({
  auth: authRouter,
  projects: projectsRouter,
  images: imagesRouter,
  queue: queueRouter,
  tasks: tasksRouter,
  annotations: annotationsRouter,
  events: eventsRouter,
  models: modelsRouter,
  review: reviewRouter,
  dashboard: dashboardRouter,
  pacs: pacsRouter,
  volumes: volumesRouter,
  weakLabels: weakLabelsRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
