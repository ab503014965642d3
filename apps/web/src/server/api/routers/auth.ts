import { z } from 'zod';
import { env } from '../../../env';
import { clearedSessionCookie, sessionCookie } from '../../auth/session-token';
import { signIn } from '../../services/auth/sign-in';
import { signOut } from '../../services/auth/sign-out';
import { authedProcedure, createTRPCRouter, publicProcedure } from '../trpc';

export const authRouter = createTRPCRouter({
  /** Who is signed in (null when nobody). */
  me: publicProcedure.query(({ ctx }) => ctx.user),

  signIn: publicProcedure
    .input(
      z.object({ email: z.string().trim().min(3).max(320), password: z.string().min(1).max(1024) }),
    )
    .mutation(async ({ ctx, input }) => {
      const result = await signIn(
        ctx.db,
        { ...input, clientAddress: ctx.clientAddress },
        {
          sessionDays: env.LOUPE_SESSION_DAYS,
          limits: {
            accountAttempts: env.LOUPE_SIGNIN_ACCOUNT_ATTEMPTS,
            addressAttempts: env.LOUPE_SIGNIN_ADDRESS_ATTEMPTS,
            windowSeconds: env.LOUPE_SIGNIN_WINDOW_SECONDS,
            baseDelaySeconds: 1,
            maxDelaySeconds: env.LOUPE_SIGNIN_MAX_DELAY_SECONDS,
          },
        },
      );
      ctx.setCookie(sessionCookie(result.token, result.expiresAt, env.LOUPE_SECURE_COOKIES));
      return result.user;
    }),

  signOut: authedProcedure.mutation(async ({ ctx }) => {
    if (ctx.sessionToken) await signOut(ctx.db, ctx.sessionToken);
    ctx.setCookie(clearedSessionCookie());
    return { ok: true as const };
  }),
});
