/**
 * Thirty dashboard views in thirty seconds, in a real Chromium, against a RUNNING server, with
 * no 429: the dashboard must fit the API's per-user limit (RATE_LIMIT_PER_USER=60/minute) —
 * one GraphQL request per view, the auto-refresh as one request, nothing fetched twice.
 *
 *   BASE_URL=http://127.0.0.1:8000 npm run test:e2e:views
 *
 * Env: BASE_URL, CHROMIUM_PATH (as dashboard.e2e.mjs); E2E_VIEWS_EMAIL / E2E_PASSWORD (default
 * rep2@acme.example / Leadscore-demo-1: a user of its own, so other browser tests do not share
 * its rate-limit window).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { newPage, signIn, startBrowser, waitForTable } from './browser.mjs';

const EMAIL = process.env.E2E_VIEWS_EMAIL ?? 'rep2@acme.example';
const VIEWS = 30;
const PACE_MS = 1000;
const TIMEOUT = 20_000;

let browser;
let page;
const requests = []; // { at, method, path, op }
const limited = [];
const pageErrors = [];

const click = (name) => () => page.getByRole('button', { name, exact: true }).click();
const select = (label, value) => () => page.getByLabel(label, { exact: true }).selectOption(value);
const fill = (label, value) => () => page.getByLabel(label, { exact: true }).fill(value);
const sortBy = (header) => () => page.locator('table[data-state] thead th', { hasText: header }).getByRole('button').click();
const nextPage = () => page.getByRole('button', { name: /Next/ }).click();
const prevPage = () => page.getByRole('button', { name: /Prev/ }).click();
const noActivity = () => page.getByRole('button', { name: /No activity data/ }).click();
const stale = () => page.getByRole('button', { name: /^Stale \(over/ }).click();

/** Thirty actions, each changing the view (and the URL). */
const STEPS = [
  ['everyone', click('Everyone')],
  ['sort by last activity', sortBy('Last Activity')],
  ['sort by score', sortBy('Score')],
  ['25 per page', select('Rows per page', '25')],
  ['page 2', nextPage],
  ['page 3', nextPage],
  ['back to page 2', prevPage],
  ['back to page 1', prevPage],
  ['status new', select('Status', 'NEW')],
  ['any status', select('Status', '')],
  ['no activity data', noActivity],
  ['all data', noActivity],
  ['stale', stale],
  ['not stale', stale],
  ['search "an"', fill('Search', 'an')],
  ['no search', fill('Search', '')],
  ['min score 30', fill('Min score', '30')],
  ['no min score', fill('Min score', '')],
  ['mine', click('Mine')],
  ['everyone again', click('Everyone')],
  ['sort by last activity again', sortBy('Last Activity')],
  ['page 2 by activity', nextPage],
  ['sort by score again', sortBy('Score')],
  ['50 per page', select('Rows per page', '50')],
  ['status contacted', select('Status', 'CONTACTED')],
  ['any status again', select('Status', '')],
  ['stale again', stale],
  ['stale by activity', sortBy('Last Activity')],
  ['not stale again', stale],
  ['sort by score, last', sortBy('Score')],
];

before(async () => {
  browser = await startBrowser();
  ({ page } = await newPage(browser, { timeout: TIMEOUT, pageErrors, rateLimited: limited }));
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (!['/graphql', '/leads/scoring'].includes(url.pathname) && !url.pathname.startsWith('/auth/')) return;
    const op = /"operationName":\s*"(\w+)"/.exec(r.postData() ?? '')?.[1] ?? null;
    requests.push({ at: Date.now(), method: r.method(), path: url.pathname, op });
  });
});

after(async () => {
  await browser?.close();
});

test(`${VIEWS} dashboard views in ${VIEWS} s stay within the per-user rate limit`, async () => {
  assert.equal(STEPS.length, VIEWS);
  await signIn(page, EMAIL);
  const signedIn = requests.length;

  const t0 = Date.now();
  for (const [i, [name, act]] of STEPS.entries()) {
    const before = await page.evaluate(() => window.location.search);
    await act();
    await page.waitForFunction((prev) => window.location.search !== prev, before, { timeout: TIMEOUT });
    await waitForTable(page);
    const alert = await page.getByText(/Too many requests/).count();
    assert.equal(alert, 0, `view ${i + 1} (${name}) says "Too many requests"`);
    const wait = t0 + (i + 1) * PACE_MS - Date.now();
    if (wait > 0) await page.waitForTimeout(wait);
  }
  const elapsed = Date.now() - t0;
  const during = requests.slice(signedIn);
  const graphql = during.filter((r) => r.path === '/graphql');
  console.log(
    `${VIEWS} views in ${(elapsed / 1000).toFixed(1)} s: ${during.length} API requests ` +
      `(${graphql.length} GraphQL: ${[...new Set(graphql.map((r) => r.op))].join(', ')}), ` +
      `${requests.length} since the sign-in page`,
  );

  assert.deepEqual(limited, [], 'no 429 responses');
  assert.ok(elapsed <= VIEWS * PACE_MS + 5_000, `the views took ${elapsed} ms (a slower pace would not test the limit)`);
  // One GraphQL request per view; at most one 60 s auto-refresh on top.
  assert.ok(graphql.length <= VIEWS + 1, `${graphql.length} GraphQL requests for ${VIEWS} views`);
  assert.ok(graphql.every((r) => r.op === 'DashboardView'), 'only the view query is sent');
  // Everything this user sent in the minute fits 60/minute.
  assert.ok(requests.length <= 60, `${requests.length} requests in all`);
  assert.deepEqual(pageErrors, []);
});
