/**
 * Browser end-to-end test of the dashboard against a RUNNING Leadscore server.
 *
 *   BASE_URL=http://127.0.0.1:8000 npm run test:e2e
 *
 * Env:
 *   BASE_URL       server that serves the built dashboard at / plus /auth and /graphql
 *                  (default http://127.0.0.1:8000)
 *   ARTIFACTS_DIR  where screenshots go (default ../test-artifacts relative to frontend/)
 *   CHROMIUM_PATH  browser binary (default /usr/bin/chromium — Debian's package; no
 *                  browser is downloaded)
 *   E2E_EMAIL / E2E_PASSWORD  demo login (default manager@acme.example / Leadscore-demo-1)
 *   E2E_REP_EMAIL / E2E_ADMIN_EMAIL  the rep and admin of the per-role journeys (default
 *                  rep1@acme.example / admin@acme.example, same password)
 *
 * Plain node:test + node:assert, driving Chromium through playwright-core.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  ADMIN_EMAIL,
  BASE_URL,
  EMAIL,
  REP_EMAIL,
  axeScan,
  newPage,
  screenshot,
  signIn,
  startBrowser,
  submitSignIn,
  waitForTable,
} from './browser.mjs';

const TIMEOUT = 20_000;

let browser;
let context;
let page;
const pageErrors = [];
const rateLimited = [];
const consoleErrors = [];

// ---- helpers ----------------------------------------------------------------

async function waitForParam(name, value) {
  await page.waitForFunction(
    ([n, v]) => new URLSearchParams(window.location.search).get(n) === v,
    [name, value],
    { timeout: TIMEOUT },
  );
  await waitForTable(page);
}

async function readRows() {
  return page.$$eval('table[data-state] tbody tr[data-lead-id]', (rows) =>
    rows.map((r) => ({
      id: r.getAttribute('data-lead-id'),
      score: Number(r.getAttribute('data-score')),
      ownerId: r.getAttribute('data-owner-id'),
      ownerText: r.querySelector('[data-col="owner"]')?.textContent?.trim() ?? '',
      lastActivity: r.getAttribute('data-last-activity') || null,
      badge: r.querySelector('[data-col="score"] [data-priority]')?.textContent?.trim() ?? '',
    })),
  );
}

async function tableState() {
  return page.getAttribute('table[data-state]', 'data-state');
}

function header(name) {
  return page.locator('table[data-state] thead th', { hasText: name });
}

function assertNonIncreasing(values, what) {
  for (let i = 1; i < values.length; i++) {
    assert.ok(values[i] <= values[i - 1], `${what} not non-increasing at row ${i + 1}: ${values[i - 1]} then ${values[i]}`);
  }
}

/** A fresh browser context (no cookies) and page; the helpers above use `page`. */
async function openPage() {
  ({ context, page } = await newPage(browser, { timeout: TIMEOUT, pageErrors, rateLimited, acceptDownloads: true }));
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(msg.text().slice(0, 200));
  });
}

/** Case- and accent-insensitive, like the API's search. */
const fold = (s) => String(s ?? '').normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

async function readLeadText() {
  return page.$$eval('table[data-state] tbody tr[data-lead-id]', (rows) =>
    rows.map((r) => ({
      id: r.getAttribute('data-lead-id'),
      status: r.getAttribute('data-status'),
      ownerId: r.getAttribute('data-owner-id'),
      text: r.querySelector('td:first-child')?.textContent ?? '',
    })),
  );
}

async function pressed(name) {
  return page.getByRole('button', { name, exact: true }).getAttribute('aria-pressed');
}

// ---- lifecycle --------------------------------------------------------------

before(async () => {
  browser = await startBrowser();
  await openPage();
});

after(async () => {
  await browser?.close();
});

// ---- the flow ---------------------------------------------------------------

test('dashboard end-to-end', async (t) => {
  await t.test('opens on the sign-in page', async () => {
    await page.goto(`${BASE_URL}/`);
    await page.getByRole('heading', { name: 'Sign in to your workspace' }).waitFor();
    assert.ok(await page.getByLabel('Email').isVisible());
    assert.ok(await page.getByLabel('Password').isVisible());
    await axeScan(page, 'sign-in page');
  });

  await t.test('rejects a wrong password with a message', async () => {
    await submitSignIn(page, EMAIL, 'definitely-wrong');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match((await alert.textContent()) ?? '', /\S/);
  });

  await t.test(`signs in as ${EMAIL}`, async () => {
    await submitSignIn(page, EMAIL);
    await waitForTable(page);
    const user = (await page.getByTestId('current-user').textContent()) ?? '';
    assert.match(user, /manager/i, `header shows the role: ${user}`);
    assert.ok(await page.getByRole('button', { name: 'Sign out' }).isVisible());
    // The access token is kept in memory only.
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
    assert.doesNotMatch(stored, /ey[A-Za-z0-9_-]{10,}\./, 'no JWT in web storage');
  });

  await t.test('leads are sorted by score, highest first', async () => {
    const rows = await readRows();
    assert.ok(rows.length > 0, 'the demo tenant has leads');
    assertNonIncreasing(
      rows.map((r) => r.score),
      'scores',
    );
    // The visible badge agrees with the data: "Hot 87.5" etc.
    for (const r of rows) assert.match(r.badge, /^(Hot|Warm|Cold) \d/, `badge text "${r.badge}"`);
    assert.equal(await header('Score').getAttribute('aria-sort'), 'descending');
    assert.equal(await header('Last Activity').getAttribute('aria-sort'), 'none');
    await screenshot(page, 'dashboard.png');
  });

  await t.test('reload keeps the session (refresh cookie) — time to table', async () => {
    const t0 = Date.now();
    await page.goto(`${BASE_URL}/`);
    await waitForTable(page);
    const wall = Date.now() - t0;
    const sinceNav = await page.evaluate(() => Math.round(performance.now()));
    console.log(`time from navigation to table rendered: ${wall} ms wall clock (${sinceNav} ms since navigation start in page)`);
    assert.ok((await readRows()).length > 0);
  });

  await t.test('sorts by last activity (aria-sort flips)', async () => {
    await header('Last Activity').getByRole('button').click();
    await waitForParam('sort', 'lastActivity');
    assert.equal(await header('Last Activity').getAttribute('aria-sort'), 'descending');
    assert.equal(await header('Score').getAttribute('aria-sort'), 'none');
    const dates = (await readRows()).filter((r) => r.lastActivity).map((r) => Date.parse(r.lastActivity));
    assertNonIncreasing(dates, 'last activity');
    // Back to score.
    await header('Score').getByRole('button').press('Enter');
    await page.waitForFunction(() => !new URLSearchParams(location.search).has('sort'));
    await waitForTable(page);
    assert.equal(await header('Score').getAttribute('aria-sort'), 'descending');
  });

  await t.test('filters by min score 40', async () => {
    await page.getByLabel('Min score').fill('40');
    await waitForParam('minScore', '40');
    const rows = await readRows();
    if (rows.length === 0) {
      assert.equal(await tableState(), 'empty');
      t.diagnostic('no lead scores ≥ 40 in the demo data');
    }
    for (const r of rows) assert.ok(r.score >= 40, `score ${r.score} < 40 (${r.id})`);
    assertNonIncreasing(
      rows.map((r) => r.score),
      'filtered scores',
    );
    await page.getByRole('button', { name: 'Clear filters' }).first().click();
    await page.waitForFunction(() => !new URLSearchParams(location.search).has('minScore'));
    await waitForTable(page);
  });

  await t.test('filters by an owner', async () => {
    const select = page.getByLabel('Owner');
    // Wait for the owners query to fill the select.
    await page.waitForFunction((el) => el.options.length > 1, await select.elementHandle());
    const options = await select.locator('option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
    // Prefer the owner of a visible lead (so the filtered list is not empty).
    const rows = await readRows();
    const ownerId = rows.map((r) => r.ownerId).find((id) => id && options.includes(id)) ?? options[0];
    assert.ok(ownerId, 'the owners list is not empty');
    await select.selectOption(ownerId);
    await waitForParam('owner', ownerId);
    const label = (await select.locator(`option[value="${ownerId}"]`).textContent())?.trim();
    const filtered = await readRows();
    assert.ok(filtered.length > 0, 'the owner of a visible lead has leads');
    for (const r of filtered) {
      assert.equal(r.ownerId, ownerId);
      assert.equal(r.ownerText, label, `row ${r.id} shows owner "${r.ownerText}", expected "${label}"`);
    }
    await page.getByRole('button', { name: 'Clear filters' }).first().click();
    await page.waitForFunction(() => !new URLSearchParams(location.search).has('owner'));
    await waitForTable(page);
  });

  await t.test('pages forward and back', async () => {
    await page.getByLabel('Rows per page').selectOption('25');
    await waitForParam('limit', '25');
    const next = page.getByRole('button', { name: /Next/ });
    if (await next.isDisabled()) {
      t.diagnostic('only one page of leads at 25 per page — paging not exercised');
      return;
    }
    const first = (await readRows()).map((r) => r.id);
    assert.match((await page.getByTestId('page-status').textContent()) ?? '', /Page 1 of \d+/);
    await next.click();
    await waitForParam('page', '2');
    const second = (await readRows()).map((r) => r.id);
    assert.ok(second.length > 0, 'page 2 has rows');
    assert.match((await page.getByTestId('page-status').textContent()) ?? '', /Page 2 of \d+/);
    assert.equal(
      second.filter((id) => first.includes(id)).length,
      0,
      'page 2 rows differ from page 1 rows',
    );
    await page.getByRole('button', { name: /Prev/ }).click();
    await page.waitForFunction(() => !new URLSearchParams(location.search).has('page'));
    await waitForTable(page);
    const again = (await readRows()).map((r) => r.id);
    assert.notDeepEqual(again, second);
    assert.equal(await page.getAttribute('table[data-state]', 'data-page'), '1');
  });

  await t.test('a manager lands on everyone', async () => {
    assert.equal(await pressed('Everyone'), 'true');
    assert.equal(await pressed('Mine'), 'false');
    assert.ok(await page.getByLabel('Owner').isVisible(), 'the owner filter is offered');
    const owners = new Set((await readRows()).map((r) => r.ownerId));
    t.diagnostic(`owners on the first page: ${owners.size}`);
  });

  await t.test('data quality counts filter the view', async () => {
    const dq = page.getByRole('group', { name: 'Data quality' });
    const noActivity = dq.getByRole('button', { name: /No activity data/ });
    await page.waitForFunction(() => !document.querySelector('[data-testid="dq-no-activity"]')?.textContent?.includes('…'));
    const count = Number(((await noActivity.textContent()) ?? '').replace(/\D+/g, ''));
    await noActivity.click();
    await waitForParam('noActivity', '1');
    assert.equal(await noActivity.getAttribute('aria-pressed'), 'true');
    const status = (await page.getByTestId('page-status').textContent()) ?? '';
    const total = Number(/· (\d+) lead/.exec(status)?.[1] ?? (count === 0 ? 0 : NaN));
    assert.equal(total, count, `the header count (${count}) matches the filtered total (${status})`);
    for (const r of await readLeadText()) assert.match(r.text, /no data/, `${r.id} has no activity data`);
    await noActivity.click();
    await page.waitForFunction(() => !new URLSearchParams(location.search).has('noActivity'));
    await waitForTable(page);
  });

  await t.test('a manager exports the view as CSV', async () => {
    await page.getByLabel('Min score').fill('20');
    await waitForParam('minScore', '20');
    const status = (await page.getByTestId('page-status').textContent()) ?? '';
    const total = Number(/· (\d+) lead/.exec(status)?.[1] ?? 0);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: /Export CSV/ }).click(),
    ]);
    assert.match(download.suggestedFilename(), /^leads-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = readFileSync(await download.path(), 'utf8');
    const lines = csv.split(/\r?\n/).filter((l) => l.trim() !== '');
    assert.ok(lines.length >= 1 && /lead/i.test(lines[0]), `a header row: ${lines[0]}`);
    assert.equal(lines.length - 1, total, `every lead of the view (all pages): ${total}`);
    console.log(`export: ${download.suggestedFilename()}, ${lines.length - 1} rows`);
    await screenshot(page, 'manager-export.png', false);
    await page.getByRole('button', { name: 'Clear filters' }).first().click();
    await page.waitForFunction(() => !new URLSearchParams(location.search).has('minScore'));
    await waitForTable(page);
  });

  await t.test("opens a lead's breakdown panel", async () => {
    const nameButton = page.locator('table[data-state] tbody tr[data-lead-id] td:first-child button').first();
    const leadName = (await nameButton.textContent())?.trim();
    await nameButton.click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await dialog.getByRole('list', { name: 'Contributions' }).waitFor();
    assert.equal((await dialog.getByRole('heading', { level: 2 }).textContent())?.trim(), leadName);
    const text = (await dialog.textContent()) ?? '';
    for (const s of ['Email opens', 'Website visits', 'Time spent', 'Sum of contributions', 'Decay factor', 'Raw activity vs caps', 'Computed']) {
      assert.ok(text.includes(s), `panel shows "${s}"`);
    }
    await page.getByTestId('contribution-bar').waitFor();
    await screenshot(page, 'breakdown.png', false);
    await axeScan(page, 'breakdown panel');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    assert.equal(await page.evaluate(() => document.activeElement?.textContent?.trim()), leadName, 'focus returns to the lead');
  });

  await t.test('Refresh recomputes (refresh: true)', async () => {
    const request = page.waitForRequest(
      (r) => r.url().endsWith('/graphql') && /"refresh":\s*true/.test(r.postData() ?? ''),
    );
    const button = page.getByRole('button', { name: /Refresh/ });
    await button.click();
    await request;
    await page.getByRole('button', { name: 'Refresh', exact: false }).filter({ hasNotText: 'Refreshing' }).waitFor();
    await page.waitForFunction(() => !document.querySelector('button[aria-busy="true"]'));
    await waitForTable(page);
    assert.match((await page.getByTestId('updated-ago').textContent()) ?? '', /^updated /);
    assert.equal(await page.getByRole('alert').count(), 0, 'no error after refresh');
  });

  await t.test('has no serious/critical axe violations on the dashboard', async () => {
    await axeScan(page, 'dashboard');
  });

  await t.test('fits a 390 px viewport without horizontal page overflow', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await waitForTable(page);
    const m = await page.evaluate(() => ({
      viewport: window.innerWidth,
      doc: document.documentElement.scrollWidth,
      body: document.body.scrollWidth,
      wrapperScrolls: (() => {
        const w = document.querySelector('[data-testid="table-wrapper"]');
        return w ? w.scrollWidth > w.clientWidth : false;
      })(),
    }));
    console.log(`390 px: document ${m.doc} px, body ${m.body} px, table wrapper scrolls: ${m.wrapperScrolls}`);
    await screenshot(page, 'mobile.png');
    assert.ok(m.doc <= m.viewport, `document overflows horizontally: ${m.doc} > ${m.viewport}`);
    assert.ok(m.body <= m.viewport, `body overflows horizontally: ${m.body} > ${m.viewport}`);
    await page.setViewportSize({ width: 1366, height: 900 });
  });

  await t.test('signs out to the sign-in page', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to your workspace' }).waitFor();
    // The refresh cookie was revoked: a reload stays signed out.
    await page.reload();
    await page.getByRole('heading', { name: 'Sign in to your workspace' }).waitFor();
  });

  await t.test('a rep lands on their own leads', async () => {
    await context.close();
    await openPage();
    await signIn(page, REP_EMAIL);
    assert.equal(await pressed('Mine'), 'true');
    assert.equal(await pressed('Everyone'), 'false');
    await page.getByRole('heading', { name: 'My leads' }).waitFor();
    assert.equal(await page.getByLabel('Owner').count(), 0, 'no owner filter on "Mine"');
    const rows = await readRows();
    assert.ok(rows.length > 0, `${REP_EMAIL} owns leads in the demo data`);
    const me = (await page.locator('[data-testid="current-user"] span').first().textContent())?.trim();
    for (const r of rows) {
      assert.equal(r.ownerId, rows[0].ownerId, 'one owner');
      assert.equal(r.ownerText, me, `row ${r.id} is owned by ${me}`);
    }
    await screenshot(page, 'rep-mine.png');
    await axeScan(page, 'rep dashboard');
  });

  let repLead;
  await t.test('a rep searches their leads', async () => {
    const first = (await readLeadText())[0];
    const name = (await page.locator(`tr[data-lead-id="${first.id}"] td:first-child button`).first().textContent()).trim();
    const term = name.split(/\s+/).pop().slice(0, 4);
    await page.getByRole('searchbox', { name: 'Search' }).fill(term);
    await waitForParam('q', term);
    const hits = await readLeadText();
    assert.ok(hits.some((h) => h.id === first.id), `"${term}" finds ${name}`);
    for (const h of hits) assert.ok(fold(h.text).includes(fold(term)), `${h.id} matches "${term}": ${h.text}`);
    assert.equal(await pressed('Mine'), 'true', 'the search stays within "Mine"');
    repLead = { id: first.id, name, term };
    await screenshot(page, 'rep-search.png');
  });

  await t.test('a rep sets a status (table and panel) and it persists', async () => {
    const row = page.locator(`tr[data-lead-id="${repLead.id}"]`);
    const select = row.getByRole('combobox', { name: /^Status of / });
    const next = (await select.inputValue()) === 'CONTACTED' ? 'QUALIFIED' : 'CONTACTED';
    const saved = page.waitForResponse((r) => r.url().endsWith('/graphql') && (r.request().postData() ?? '').includes('SetLeadStatus'));
    await select.selectOption(next);
    assert.equal((await saved).status(), 200);
    await page.locator(`tr[data-lead-id="${repLead.id}"][data-status="${next}"]`).waitFor();

    await row.locator('td:first-child button').first().click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('list', { name: 'Contributions' }).waitFor();
    assert.equal(await dialog.getByRole('combobox', { name: 'Status' }).inputValue(), next);
    const me = (await page.locator('[data-testid="current-user"] span').first().textContent())?.trim();
    assert.match((await dialog.getByTestId('status-set-by').textContent()) ?? '', new RegExp(`^Set by ${me}`));
    assert.equal(await dialog.getByRole('link', { name: /@/ }).first().getAttribute('href').then((h) => h?.startsWith('mailto:')), true);
    await screenshot(page, 'rep-status.png', false);
    await axeScan(page, 'rep breakdown panel');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });

    await page.reload();
    await waitForTable(page);
    assert.equal(await page.getAttribute(`tr[data-lead-id="${repLead.id}"]`, 'data-status'), next, 'kept after a reload');
  });

  await t.test('a rep can switch to everyone (kept in the URL)', async () => {
    await page.getByRole('button', { name: 'Everyone', exact: true }).click();
    await waitForParam('scope', 'everyone');
    await page.getByRole('searchbox', { name: 'Search' }).fill('');
    await page.waitForFunction(() => !new URLSearchParams(location.search).has('q'));
    await waitForTable(page);
    assert.equal(await pressed('Everyone'), 'true');
    assert.ok(await page.getByLabel('Owner').isVisible());
    await page.reload();
    await waitForTable(page);
    assert.equal(await pressed('Everyone'), 'true', 'a reload keeps "Everyone"');
  });

  await t.test('an admin opens the Admin screens (lazy-loaded)', async () => {
    await context.close();
    await openPage();
    await signIn(page, ADMIN_EMAIL);
    assert.equal(await pressed('Everyone'), 'true', 'admins land on everyone');
    const scripts = [];
    page.on('request', (r) => r.resourceType() === 'script' && scripts.push(r.url()));
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).click();
    await page.waitForURL(`${BASE_URL}/admin`);
    await page.locator('main h2').first().waitFor();
    assert.ok(scripts.length > 0, 'the admin screens load as their own chunk');
    await screenshot(page, 'admin.png');
    await axeScan(page, 'admin');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Leads' }).click();
    await waitForTable(page);
  });

  await t.test('no request was rate limited', () => {
    assert.deepEqual(rateLimited, []);
  });

  await t.test('no uncaught page errors', () => {
    // Console errors are reported, not failed on: the browser logs expected
    // 401s (e.g. /auth/refresh before sign-in, the wrong-password attempt).
    for (const e of consoleErrors) console.log(`console error: ${e}`);
    assert.deepEqual(pageErrors, []);
  });
});
