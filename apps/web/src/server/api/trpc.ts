/**
 * tRPC setup: the error formatter (AppError -> tRPC codes, in one place) and the procedure
 * builders. Every procedure is built from one of them, and each records its access rule in
 * `meta.access`; the access-control test walks the router and checks every rule.
 */
import { initTRPC, TRPCError } from '@trpc/server';
import superjson from 'superjson';
import { z, ZodError } from 'zod';
import { roleAtLeast, type ProjectRole } from '../../lib/roles';
import type { Context } from './context';
import { APP_ERROR_HTTP, toAppError } from '../errors/to-http';
import { AppError } from '../errors/app-error';
import { getMembershipRole } from '../services/projects/get-membership-role';
import { findUnsafeText, unsafeTextMessage } from '../http/find-unsafe-text';

export type Access = 'public' | 'user' | 'siteAdmin' | ProjectRole;
export interface Meta {
  access: Access;
}

const t = initTRPC
  .context<Context>()
  .meta<Meta>()
  .create({
    transformer: superjson,
    errorFormatter({ shape, error }) {
      const cause = error.cause;
      const appCode = cause instanceof AppError ? cause.code : null;
      // zod input errors: one readable line naming each offending field.
      // Errors that escaped the appErrors middleware (e.g. context creation) never show internals.
      const message =
        cause instanceof ZodError
          ? cause.issues
              .map((issue) => `${issue.path.join('.') || 'input'}: ${issue.message}`)
              .join('; ')
          : error.code === 'INTERNAL_SERVER_ERROR' && !(cause instanceof AppError)
            ? 'Internal error'
            : shape.message;
      return {
        ...shape,
        message,
        data: {
          ...shape.data,
          appCode,
          details: cause instanceof AppError ? (cause.details ?? null) : null,
          // Never leak stack traces to browsers.
          stack: undefined,
        },
      };
    },
  });

/** Converts whatever a procedure throws into a TRPCError carrying the AppError as its cause. */
const appErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) {
    const original = result.error.cause;
    // Errors tRPC already classified (input validation, refusals) pass through unchanged.
    if (
      result.error.code !== 'INTERNAL_SERVER_ERROR' ||
      original === undefined ||
      original instanceof TRPCError
    )
      return result;
    const appError = toAppError(original);
    if (appError.code === 'INTERNAL') console.error('[loupe] internal error', original);
    throw new TRPCError({
      code: APP_ERROR_HTTP[appError.code].trpc,
      message: appError.code === 'INTERNAL' ? 'Internal error' : appError.message,
      cause: appError,
    });
  }
  return result;
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

/**
 * Refuses input the database cannot store (NUL, invalid UTF-8) as bad input, for every procedure
 * and before any query: ids, the sign-in email, event payloads alike.
 */
const storableText = t.middleware(async ({ getRawInput, next }) => {
  const found = findUnsafeText(await getRawInput());
  if (found) {
    const appError = new AppError('BAD_INPUT', unsafeTextMessage(found), { field: found.path });
    throw new TRPCError({ code: 'BAD_REQUEST', message: appError.message, cause: appError });
  }
  return next();
});

const base = t.procedure.use(appErrors).use(storableText);

function refuse(code: 'UNAUTHENTICATED' | 'FORBIDDEN', message: string): never {
  const appError = new AppError(code, message);
  throw new TRPCError({ code: APP_ERROR_HTTP[code].trpc, message, cause: appError });
}

/** Anyone, signed in or not. */
export const publicProcedure = base.meta({ access: 'public' });

/** Any signed-in, enabled user. */
export const authedProcedure = base.meta({ access: 'user' }).use(({ ctx, next }) => {
  if (!ctx.user) refuse('UNAUTHENTICATED', 'Sign in first.');
  return next({ ctx: { ...ctx, user: ctx.user } });
});

/** Site administrators (they may create projects). */
export const siteAdminProcedure = authedProcedure
  .meta({ access: 'siteAdmin' })
  .use(({ ctx, next }) => {
    if (!ctx.user.isSiteAdmin) refuse('FORBIDDEN', 'Only site administrators can do this.');
    return next();
  });

export const projectInput = z.object({ projectId: z.string().min(1).max(64) });

/**
 * Members of the input's project with at least `minRole` (ADMIN > REVIEWER > ANNOTATOR).
 * Services scope every query by this projectId, so ids from other projects are not found.
 */
export function projectProcedure(minRole: ProjectRole) {
  return authedProcedure
    .meta({ access: minRole })
    .input(projectInput)
    .use(async ({ ctx, input, next }) => {
      const role = await getMembershipRole(ctx.db, ctx.user.id, input.projectId);
      if (!role) refuse('FORBIDDEN', 'You are not a member of this project.');
      if (!roleAtLeast(role, minRole))
        refuse(
          'FORBIDDEN',
          `This needs the ${minRole.toLowerCase()} role in this project (you are ${role.toLowerCase()}).`,
        );
      return next({ ctx: { ...ctx, projectId: input.projectId, role } });
    });
}

export const annotatorProcedure = projectProcedure('ANNOTATOR');
export const reviewerProcedure = projectProcedure('REVIEWER');
/** Project administrators (members with role ADMIN). Reuse it for admin dashboards. */
export const adminProcedure = projectProcedure('ADMIN');
