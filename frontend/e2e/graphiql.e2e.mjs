/**
 * Browser test of the self-hosted GraphiQL at GET /graphql against a RUNNING Leadscore
 * server in development (GraphiQL on):
 *
 *   BASE_URL=http://127.0.0.1:8000 node --test e2e/graphiql.e2e.mjs
 *
 * Env:
 *   BASE_URL       the server (default http://127.0.0.1:8000)
 *   ARTIFACTS_DIR  where the screenshot graphiql.png goes (default ../test-artifacts)
 *   CHROMIUM_PATH  browser binary (default /usr/bin/chromium — Debian's package)
 *   E2E_EMAIL / E2E_PASSWORD  demo login (default manager@acme.example / Leadscore-demo-1)
 *
 * Proves: the page and everything it loads (scripts, styles, fonts, Monaco's workers)
 * come from the server itself under its Content-Security-Policy — no CDN — and a query
 * sent with a Bearer token typed into the Headers editor returns the signed-in user.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, EMAIL, PASSWORD, newPage, screenshot, startBrowser } from './browser.mjs';

const TIMEOUT = 30_000;
const LOCAL_HOSTS = new Set([new URL(BASE_URL).host, '127.0.0.1', 'localhost', '[::1]']);

let browser;
let page;
const pageErrors = [];
const consoleErrors = [];
const cspViolations = [];
const foreignRequests = [];
const failedRequests = [];
const workers = [];

/** True for URLs the page may load: the server itself, or in-page data:/blob: URLs. */
function isLocal(url) {
  const u = new URL(url);
  if (u.protocol === 'data:' || u.protocol === 'blob:') return true;
  return LOCAL_HOSTS.has(u.host) || LOCAL_HOSTS.has(u.hostname);
}

/** Replaces the whole text of a Monaco editor (GraphiQL 5's editors) as a user would. */
async function replaceEditorText(editor, text, { verify = null } = {}) {
  const deadline = Date.now() + TIMEOUT;
  for (;;) {
    await editor.locator('.view-lines').click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('Delete');
    // insertText types the string as one input event, so Monaco's auto-closing of
    // brackets and quotes does not double them.
    await page.keyboard.insertText(text);
    if (!verify) return;
    // A click that lands before the editor takes the focus types nowhere (seen on a busy
    // machine: the query editor stayed empty), and Monaco renders a frame later: wait for the
    // text, and type it again if it never shows.
    const shown = Date.now() + 2000;
    while (Date.now() < shown) {
      if (verify((await editorText(editor)).trim())) return;
      await page.waitForTimeout(50);
    }
    if (Date.now() > deadline) return;
  }
}

/** The text Monaco shows (it renders spaces as U+00A0). */
async function editorText(editor) {
  const raw = await editor.locator('.view-lines').innerText();
  return raw.replace(/\u00a0/g, ' ');
}

before(async () => {
  browser = await startBrowser();
  const { context, page: opened } = await newPage(browser, { timeout: TIMEOUT, pageErrors });
  page = opened;
  page.on('worker', (worker) => workers.push(worker.url()));
  page.on('console', (msg) => {
    const text = msg.text();
    if (/Content[- ]Security[- ]Policy/i.test(text)) cspViolations.push(`console: ${text.slice(0, 300)}`);
    if (msg.type() === 'error') consoleErrors.push(text.slice(0, 300));
  });
  // Requests from the page and from its workers (context-level events see both).
  context.on('request', (req) => {
    if (!isLocal(req.url())) foreignRequests.push(req.url());
  });
  context.on('requestfailed', (req) => {
    failedRequests.push(`${req.method()} ${req.url()}: ${req.failure()?.errorText}`);
  });
  // Runs before the page's own scripts (injected by the browser, not subject to the CSP).
  await context.addInitScript(() => {
    const seen = [];
    Object.defineProperty(window, '__cspViolations', { value: seen });
    document.addEventListener('securitypolicyviolation', (e) => {
      seen.push(`${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}`);
    });
  });
});

after(async () => {
  await browser?.close();
});

test('GraphiQL at /graphql', async (t) => {
  let token;

  await t.test('GET /graphql in a browser serves the self-hosted GraphiQL', async () => {
    const response = await page.goto(`${BASE_URL}/graphql`);
    assert.ok(response, 'navigation answered');
    assert.equal(response.status(), 200);
    const headers = response.headers();
    assert.match(headers['content-type'] ?? '', /^text\/html/);
    const csp = headers['content-security-policy'] ?? '';
    console.log(`CSP: ${csp}`);
    assert.match(csp, /script-src 'self'(;|$)/, 'scripts only from the server itself');
    assert.doesNotMatch(csp, /https?:|unpkg|'unsafe-eval'/, 'no third-party host, no eval');
    const html = await response.text();
    assert.doesNotMatch(html, /unpkg|jsdelivr|esm\.sh|<script[^>]+src="https?:/i, 'no CDN script in the page');
  });

  await t.test('the editor UI renders (Monaco editors, run button)', async () => {
    await page.locator('.graphiql-container').waitFor({ state: 'visible' });
    await page.locator('section.graphiql-query-editor .monaco-editor').waitFor({ state: 'visible' });
    await page.locator('.graphiql-execute-button').waitFor({ state: 'visible' });
    // The Headers tab is open by default and empty (no token prefilled).
    const headersEditor = page.locator('.monaco-editor[data-uri$="request-headers.json"]');
    await headersEditor.waitFor({ state: 'visible' });
    assert.equal((await editorText(headersEditor)).trim(), '', 'headers editor starts empty');
    assert.equal(await page.title(), 'Leadscore GraphQL explorer');
    // Monaco's language services run in same-origin worker files (CSP worker-src 'self').
    const deadline = Date.now() + TIMEOUT;
    while (!workers.some((u) => u.includes('graphql.worker')) && Date.now() < deadline) await page.waitForTimeout(100);
    console.log(`workers: ${workers.map((u) => new URL(u).pathname).join(', ')}`);
    assert.ok(workers.some((u) => u.startsWith(`${BASE_URL}/assets/`) && u.includes('graphql.worker')), 'the GraphQL worker runs');
  });

  await t.test(`signs in as ${EMAIL} through POST /auth/login`, async () => {
    const res = await page.request.post(`${BASE_URL}/auth/login`, { data: { email: EMAIL, password: PASSWORD } });
    assert.equal(res.status(), 200, await res.text());
    token = (await res.json()).accessToken;
    assert.match(token ?? '', /^ey[\w-]+\.[\w-]+\.[\w-]+$/, 'an access token (JWT)');
  });

  await t.test('runs { me { name role } } with the Bearer token from the Headers editor', async () => {
    const headersEditor = page.locator('.monaco-editor[data-uri$="request-headers.json"]');
    await replaceEditorText(headersEditor, JSON.stringify({ Authorization: `Bearer ${token}` }), {
      verify: (shown) => shown.startsWith('{"Authorization":"Bearer ey'),
    });
    const queryEditor = page.locator('section.graphiql-query-editor .monaco-editor');
    await replaceEditorText(queryEditor, '{ me { name role } }', {
      verify: (shown) => shown === '{ me { name role } }',
    });
    assert.equal((await editorText(queryEditor)).trim(), '{ me { name role } }');

    const sent = page.waitForRequest(
      (r) => r.url() === `${BASE_URL}/graphql` && r.method() === 'POST' && /\bme\b/.test(r.postData() ?? ''),
    );
    await page.locator('.graphiql-execute-button').click();
    const request = await sent;
    assert.equal(request.headers()['authorization'], `Bearer ${token}`, 'the token from the Headers editor is sent');
    const response = await request.response();
    assert.equal(response?.status(), 200);
    const body = await response.text();
    console.log(`response: ${body.slice(0, 300)}`);
    assert.match(body, /"name":\s*"Max Manager"/, 'the API answered with the signed-in user');

    const result = page.locator('section.result-window');
    await page.waitForFunction(
      // Monaco renders spaces as U+00A0.
      () => /Max[\s\u00a0]Manager/.test(document.querySelector('section.result-window')?.textContent ?? ''),
      null,
      { timeout: TIMEOUT },
    );
    const text = (await result.innerText()).replace(/\u00a0/g, ' ');
    assert.match(text, /"name": "Max Manager"/);
    assert.match(text, /"role": "MANAGER"/);
    assert.doesNotMatch(text, /"errors"/);
    await screenshot(page, 'graphiql.png', false);
  });

  await t.test('no CSP violations, page errors or requests to other hosts', async () => {
    const fromPage = await page.evaluate(() => [...window.__cspViolations]);
    for (const e of consoleErrors) console.log(`console error: ${e}`);
    assert.deepEqual([...fromPage, ...cspViolations], [], 'CSP violations');
    assert.deepEqual(pageErrors, [], 'uncaught page errors');
    assert.deepEqual(foreignRequests, [], 'requests to non-local hosts');
    assert.deepEqual(failedRequests, [], 'failed requests');
  });
});
