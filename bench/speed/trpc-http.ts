/**
 * A minimal tRPC-over-HTTP client for load tests and the scripted annotator: one signed-in session
 * (cookie) per simulated annotator, non-batched POSTs in the wire format of the app's superjson
 * transformer ({"json": input} -> {"result":{"data":{"json": output}}}), and plain GETs (images,
 * model files, the model-events stream) with the same cookie, as the browser sends them.
 */
export class TrpcHttpError extends Error {
  override name = 'TrpcHttpError';
  constructor(
    readonly path: string,
    readonly status: number,
    detail: string,
  ) {
    super(`${path}: HTTP ${status} ${detail}`);
  }
}

export class TrpcSession {
  private cookie = '';

  constructor(private readonly baseUrl: string) {}

  /** The same signed-in session (its cookie) against another server of the same deployment. */
  at(baseUrl: string): TrpcSession {
    const other = new TrpcSession(baseUrl);
    other.cookie = this.cookie;
    return other;
  }

  /** The session's cookies (name, value), for a browser to sign in as the same user. */
  cookies(): Array<{ name: string; value: string }> {
    return this.cookie
      .split('; ')
      .filter(Boolean)
      .map((pair) => {
        const at = pair.indexOf('=');
        return { name: pair.slice(0, at), value: pair.slice(at + 1) };
      });
  }

  async mutation<T>(path: string, input: unknown): Promise<T> {
    return (await this.timedMutation<T>(path, input)).data;
  }

  /**
   * A mutation and the server's own time for it (`Server-Timing: handler;dur=`, context and
   * procedure; null when the server sent none), so a load test can tell it from time queued.
   */
  async timedMutation<T>(
    path: string,
    input: unknown,
  ): Promise<{ data: T; serverMs: number | null }> {
    const response = await fetch(`${this.baseUrl}/api/trpc/${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(this.cookie ? { cookie: this.cookie } : {}),
      },
      body: JSON.stringify({ json: input }),
    });
    const setCookies = response.headers.getSetCookie();
    if (setCookies.length) this.cookie = setCookies.map((c) => c.split(';')[0]).join('; ');
    const text = await response.text();
    if (!response.ok) {
      let message = text.slice(0, 300);
      try {
        const parsed = JSON.parse(text) as { error?: { json?: { message?: string } } };
        message = parsed.error?.json?.message ?? message;
      } catch {
        // not JSON: keep the raw text
      }
      throw new TrpcHttpError(path, response.status, message);
    }
    const handler = /(?:^|,)\s*handler;dur=([\d.]+)/.exec(
      response.headers.get('server-timing') ?? '',
    );
    return {
      data: (JSON.parse(text) as { result: { data: { json: T } } }).result.data.json,
      serverMs: handler ? Number(handler[1]) : null,
    };
  }

  /** A non-tRPC request to the app (path from the site root) carrying the session cookie. */
  get(path: string, init: { signal?: AbortSignal } = {}): Promise<Response> {
    const url = path.startsWith('http') ? path : `${this.baseUrl}${path}`;
    return fetch(url, {
      headers: this.cookie ? { cookie: this.cookie } : {},
      ...(init.signal ? { signal: init.signal } : {}),
    });
  }

  /** A multipart POST (the upload page's XHR) carrying the session cookie. */
  postForm(path: string, form: FormData): Promise<Response> {
    return fetch(`${this.baseUrl}${path}`, {
      method: 'POST',
      headers: this.cookie ? { cookie: this.cookie } : {},
      body: form,
    });
  }

  /** A POST whose body is streamed (chunked, no Content-Length) carrying the session cookie. */
  postStream(
    path: string,
    body: ReadableStream<Uint8Array>,
    contentType: string,
  ): Promise<Response> {
    return fetch(`${this.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': contentType, ...(this.cookie ? { cookie: this.cookie } : {}) },
      body,
      duplex: 'half',
    } as RequestInit);
  }

  signIn(email: string, password: string): Promise<unknown> {
    return this.mutation('auth.signIn', { email, password });
  }
}

/**
 * Signs each user in with a session of their own, one after another as people arrive at work: 50
 * sign-ins at the same instant from one address would (rightly) meet the per-address sign-in limit.
 */
export async function signInEach(
  baseUrl: string,
  users: ReadonlyArray<{ email: string }>,
  password: string,
): Promise<TrpcSession[]> {
  const sessions: TrpcSession[] = [];
  for (const user of users) {
    const session = new TrpcSession(baseUrl);
    await session.signIn(user.email, password);
    sessions.push(session);
  }
  return sessions;
}
