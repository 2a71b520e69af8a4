/**
 * Shared by the browser tests: the live server check and Debian's Chromium, launched with the
 * flags this machine needs (no sandbox as root; no background networking, which the closed
 * network refuses). No browser is ever downloaded.
 */
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

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
export async function requireServer(baseUrl) {
  try {
    const res = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(5000) });
    assert.ok(res.status < 500, `GET ${baseUrl}/health answered ${res.status}`);
  } catch (err) {
    throw new Error(`No server answering at BASE_URL=${baseUrl} (${err.message}). Start the API first.`);
  }
}

/** Debian's Chromium, headless. */
export function launchChromium() {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}
