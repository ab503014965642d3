/** The signed-in user for server components and route handlers (reads the session cookie). */
import { cookies } from 'next/headers';
import { getDb } from '../db';
import { getSessionUser, type SessionUser } from '../services/auth/get-session-user';
import { readSessionToken, SESSION_COOKIE } from './session-token';

export async function getCurrentUser(): Promise<SessionUser | null> {
  const store = await cookies();
  const raw = store.get(SESSION_COOKIE)?.value;
  const token = raw ? readSessionToken(`${SESSION_COOKIE}=${raw}`) : null;
  return token ? getSessionUser(getDb(), token) : null;
}

/** Same, for route handlers that get the Request. */
export async function getRequestUser(req: Request): Promise<SessionUser | null> {
  const token = readSessionToken(req.headers.get('cookie'));
  return token ? getSessionUser(getDb(), token) : null;
}
