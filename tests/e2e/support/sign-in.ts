/** Signing in through the real sign-in form, as the demo admin every e2e project seeds. */
import type { Page } from 'playwright-core';
import type { E2eEnvironment } from './global-setup';

export async function signInAsAdmin(page: Page, env: E2eEnvironment): Promise<void> {
  await page.goto(`${env.baseUrl}/sign-in`);
  await page.fill('input[name=email]', 'admin@loupe.local');
  await page.fill('input[name=password]', env.password);
  await page.click('button[type=submit]');
  await page.waitForURL('**/projects');
}
