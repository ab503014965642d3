/**
 * The real annotate page in headless Chromium, signed in with a bench session's cookie, for the
 * scale bench's hot swap: it waits for the page's own signal (window.__loupe: modelStatus 'ready'
 * with the model's id), and when that does not come, says what the page showed instead.
 */
import type { LoupeTestHooks } from '@loupe/contracts';
import { cpus, loadavg } from 'node:os';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { TrpcSession } from '../speed/trpc-http';

/** `baseMs` stretched by the load per core (a page on a machine at load 20 on 2 cores waits 10x). */
export function loadScaledTimeoutMs(baseMs: number, capMs: number): number {
  const perCore = (loadavg()[0] ?? 0) / Math.max(1, cpus().length);
  return Math.min(capMs, Math.round(baseMs * Math.max(1, perCore)));
}

export class AnnotatePage {
  /** The page's errors and console errors, newest last (the last 5 go into a failure message). */
  private readonly problems: string[] = [];

  private constructor(
    readonly label: string,
    private readonly context: BrowserContext,
    private readonly page: Page,
  ) {
    page.on('pageerror', (error) => this.problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') this.problems.push(`console: ${message.text()}`);
    });
  }

  /**
   * Opens `/projects/<id>/annotate` on `baseUrl` as `session`'s user and waits until the page's
   * worker runs a model. `readyMs`: from navigation to that.
   */
  static async open(
    browser: Browser,
    options: {
      label: string;
      baseUrl: string;
      session: TrpcSession;
      projectId: string;
      timeoutMs: number;
    },
  ): Promise<{ page: AnnotatePage; readyMs: number; hooks: LoupeTestHooks }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = new AnnotatePage(options.label, context, await context.newPage());
    try {
      await context.addCookies(
        options.session.cookies().map((cookie) => ({ ...cookie, url: options.baseUrl })),
      );
      const started = Date.now();
      await page.page.goto(`${options.baseUrl}/projects/${options.projectId}/annotate`, {
        timeout: options.timeoutMs,
      });
      const hooks = await page.waitForModel(null, started + options.timeoutMs);
      return { page, readyMs: Date.now() - started, hooks };
    } catch (error) {
      await page.close();
      throw error;
    }
  }

  private async hooks(): Promise<LoupeTestHooks | null> {
    return this.page.evaluate(() => window.__loupe ?? null);
  }

  /**
   * Until the worker reports `modelVersionId` ready (null: any model), or `deadline` (epoch ms):
   * then it throws, with what the page showed.
   */
  async waitForModel(modelVersionId: string | null, deadline: number): Promise<LoupeTestHooks> {
    let last: LoupeTestHooks | null = null;
    for (;;) {
      last = await this.hooks().catch(() => last);
      if (
        last?.modelStatus === 'ready' &&
        (modelVersionId === null
          ? last.modelVersionId !== null
          : last.modelVersionId === modelVersionId)
      )
        return last;
      if (Date.now() > deadline)
        throw new Error(
          `${this.label}: ${modelVersionId === null ? 'no model' : `model ${modelVersionId} not`} ready by the deadline; ${await this.describe(last)}`,
        );
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  private async describe(hooks: LoupeTestHooks | null): Promise<string> {
    const text = await this.page
      .evaluate(() => document.body?.innerText ?? '')
      .catch((error: unknown) => `(unreadable: ${String(error)})`);
    const state = hooks
      ? `modelStatus "${hooks.modelStatus}", model ${hooks.modelVersion ?? 'none'}, image ready ${hooks.ready}, task ${hooks.taskId ?? 'none'}, swaps ${JSON.stringify(hooks.swaps)}`
      : 'no window.__loupe';
    return `${state}; url ${this.page.url()}; page text "${text.replace(/\s+/g, ' ').slice(0, 200)}"; ${this.problems.slice(-5).join(' | ') || 'no page errors'}`;
  }

  async close(): Promise<void> {
    await this.context.close().catch(() => undefined);
  }
}
