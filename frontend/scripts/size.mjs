#!/usr/bin/env node
// Asserts the dashboard's production JavaScript in dist/ is at most 200 kB gzipped in total.
// Run after `npm run build`. Prints per-file and total figures.
//
// dist/ holds two apps: the dashboard (index.html) and the self-hosted GraphiQL
// (graphiql.html, served at GET /graphql). Only the chunks the dashboard can load — its
// entry plus everything reachable through static and dynamic imports in Vite's manifest
// (shared chunks such as React included) — count towards the budget. Every other .js
// file (GraphiQL, Monaco and its workers) is reported separately and not budgeted.
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const LIMIT_BYTES = 200 * 1000; // 200 kB
const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const manifestPath = join(dist, '.vite', 'manifest.json');
const DASHBOARD_ENTRY = 'index.html';

if (!existsSync(dist)) {
  console.error('size: dist/ not found — run `npm run build` first.');
  process.exit(2);
}
if (!existsSync(manifestPath)) {
  console.error('size: dist/.vite/manifest.json not found — vite.config.ts must set build.manifest.');
  process.exit(2);
}

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

/** dist-relative paths of every JS chunk reachable from the manifest entry `key`. */
function reachableFiles(manifest, key) {
  const files = new Set();
  const seen = new Set();
  const stack = [key];
  while (stack.length) {
    const k = stack.pop();
    if (seen.has(k)) continue;
    seen.add(k);
    const chunk = manifest[k];
    if (!chunk) throw new Error(`size: manifest has no chunk "${k}"`);
    if (/\.m?js$/.test(chunk.file)) files.add(chunk.file);
    stack.push(...(chunk.imports ?? []), ...(chunk.dynamicImports ?? []));
  }
  return files;
}

const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
if (!manifest[DASHBOARD_ENTRY]?.isEntry) {
  console.error(`size: the manifest has no "${DASHBOARD_ENTRY}" entry.`);
  process.exit(2);
}
const dashboardFiles = reachableFiles(manifest, DASHBOARD_ENTRY);

const all = walk(dist).filter((f) => /\.m?js$/.test(f));
const isDashboard = (f) => dashboardFiles.has(relative(dist, f).split('\\').join('/'));
const dashboard = all.filter(isDashboard);
const other = all.filter((f) => !isDashboard(f));
if (dashboard.length === 0) {
  console.error('size: no dashboard JavaScript found in dist/.');
  process.exit(2);
}

function report(title, files) {
  console.log(title);
  let raw = 0;
  let gz = 0;
  for (const f of files) {
    const buf = readFileSync(f);
    const g = gzipSync(buf, { level: 9 }).length;
    raw += buf.length;
    gz += g;
    console.log(`  ${relative(root, f)}  ${(buf.length / 1000).toFixed(1)} kB raw, ${(g / 1000).toFixed(1)} kB gzip`);
  }
  return { raw, gz };
}

if (other.length) {
  const g = report('GraphiQL and other non-dashboard JS (not budgeted):', other);
  console.log(`GraphiQL JS total: ${(g.raw / 1000).toFixed(1)} kB raw, ${(g.gz / 1000).toFixed(1)} kB gzipped (not budgeted)`);
}
const { raw, gz } = report('Dashboard JS (index.html and every chunk it can import):', dashboard);
const kb = (gz / 1000).toFixed(1);
console.log(`JS total: ${(raw / 1000).toFixed(1)} kB raw, ${kb} kB gzipped (limit ${LIMIT_BYTES / 1000} kB)`);
if (gz > LIMIT_BYTES) {
  console.error(`size: FAIL — ${kb} kB gzipped exceeds ${LIMIT_BYTES / 1000} kB`);
  process.exit(1);
}
console.log('size: OK');
