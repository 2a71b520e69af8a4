/**
 * Shared by the browser tests: the environment they read, the live server check, Debian's
 * Chromium launched with the flags this machine needs (no sandbox as root; no background
 * networking, which the closed network refuses; no browser is ever downloaded), a fresh page,
 * signing in, the leads table's "loaded" wait, the axe scan and screenshots.
 *
 * Env: BASE_URL (default http://127.0.0.1:8000), ARTIFACTS_DIR (default ../test-artifacts
 * relative to frontend/), CHROMIUM_PATH (default /usr/bin/chromium), E2E_PASSWORD (default
 * Leadscore-demo-1), E2E_EMAIL / E2E_REP_EMAIL / E2E_ADMIN_EMAIL (default manager@, rep1@ and
 * admin@acme.example).
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const frontendDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const BASE_URL = (process.env.BASE_URL ?? 'http://127.0.0.1:8000').replace(/\/+$/, '');
export const ARTIFACTS_DIR = process.env.ARTIFACTS_DIR
  ? resolve(process.env.ARTIFACTS_DIR)
  : resolve(frontendDir, '..', 'test-artifacts');
export const PASSWORD = process.env.E2E_PASSWORD ?? 'Leadscore-demo-1';
/** The demo manager. */
export const EMAIL = process.env.E2E_EMAIL ?? 'manager@acme.example';
export const REP_EMAIL = process.env.E2E_REP_EMAIL ?? 'rep1@acme.example';
export const ADMIN_EMAIL = process.env.E2E_ADMIN_EMAIL ?? 'admin@acme.example';
export const DESKTOP = { width: 1366, height: 900 };

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Fails fast, with a clear message, when no API answers at baseUrl. */
async function requireServer(baseUrl) {
  try {
    const res = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(5000) });
    assert.ok(res.status < 500, `GET ${baseUrl}/health answered ${res.status}`);
  } catch (err) {
    throw new Error(`No server answering at BASE_URL=${baseUrl} (${err.message}). Start the API first.`);
  }
}

/** Debian's Chromium, headless, once the server at BASE_URL answers. */
export async function startBrowser() {
  await requireServer(BASE_URL);
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

/**
 * A fresh browser context (no cookies) and its page (en-US; `timeout` is every wait's default).
 * Uncaught page errors are pushed to `pageErrors`, and 429 answers to `rateLimited` when given.
 */
export async function newPage(browser, { timeout, pageErrors, rateLimited = null, viewport = DESKTOP, acceptDownloads = false }) {
  const context = await browser.newContext({ viewport, locale: 'en-US', acceptDownloads });
  const page = await context.newPage();
  page.setDefaultTimeout(timeout);
  page.on('pageerror', (err) => pageErrors.push(String(err)));
  if (rateLimited) {
    page.on('response', (r) => {
      if (r.status() === 429) rateLimited.push(`${r.request().method()} ${r.url()}`);
    });
  }
  return { context, page };
}

/** Waits until the leads table shows data for the current URL (not loading, not busy). */
export async function waitForTable(page) {
  await page.waitForFunction(() => {
    const t = document.querySelector('table[data-state]');
    const canon = (q) => [...new URLSearchParams(q)].map(([k, v]) => `${k}=${v}`).sort().join('&');
    return (
      !!t &&
      canon(t.getAttribute('data-view') ?? '') === canon(window.location.search) &&
      t.getAttribute('data-state') !== 'loading' &&
      t.getAttribute('aria-busy') !== 'true'
    );
  });
}

/** Fills the sign-in form on the current page and submits it. */
export async function submitSignIn(page, email, password = PASSWORD) {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Opens the dashboard, signs in and waits for the leads table. */
export async function signIn(page, email) {
  await page.goto(`${BASE_URL}/`);
  await submitSignIn(page, email);
  await waitForTable(page);
}

/** Fails on serious or critical axe-core violations on the page; logs the minor ones. */
export async function axeScan(page, label) {
  const hasAxe = () => page.evaluate(() => typeof window.axe !== 'undefined');
  if (!(await hasAxe())) {
    try {
      await page.addScriptTag({ path: AXE_PATH });
    } catch (err) {
      console.log(`axe: addScriptTag failed (${err.message.split('\n')[0]}); evaluating the script instead`);
    }
    // A strict Content-Security-Policy blocks inline script tags; evaluate instead.
    if (!(await hasAxe())) await page.evaluate(readFileSync(AXE_PATH, 'utf8'));
  }
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
    }));
  });
  const blocking = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const minor = result.filter((v) => !blocking.includes(v));
  if (minor.length) console.log(`axe (${label}) minor/moderate: ${minor.map((v) => `${v.id}(${v.impact})`).join(', ')}`);
  assert.deepEqual(blocking, [], `axe serious/critical violations on ${label}:\n${JSON.stringify(blocking, null, 2)}`);
  console.log(`axe (${label}): no serious/critical violations`);
}

/** Saves a screenshot of the page as ARTIFACTS_DIR/name. */
export async function screenshot(page, name, fullPage = true) {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, name);
  await page.screenshot({ path, fullPage });
  console.log(`screenshot: ${path}`);
}
