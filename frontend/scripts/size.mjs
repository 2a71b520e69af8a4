#!/usr/bin/env node
// Asserts the production JavaScript in dist/ is at most 200 kB gzipped in total.
// Run after `npm run build`. Prints per-file and total figures.
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const LIMIT_BYTES = 200 * 1000; // 200 kB
const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');

if (!existsSync(dist)) {
  console.error('size: dist/ not found — run `npm run build` first.');
  process.exit(2);
}

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

const files = walk(dist).filter((f) => /\.(m?js)$/.test(f));
if (files.length === 0) {
  console.error('size: no JavaScript found in dist/.');
  process.exit(2);
}

let raw = 0;
let gz = 0;
for (const f of files) {
  const buf = readFileSync(f);
  const g = gzipSync(buf, { level: 9 }).length;
  raw += buf.length;
  gz += g;
  console.log(`  ${relative(root, f)}  ${(buf.length / 1000).toFixed(1)} kB raw, ${(g / 1000).toFixed(1)} kB gzip`);
}
const kb = (gz / 1000).toFixed(1);
console.log(`JS total: ${(raw / 1000).toFixed(1)} kB raw, ${kb} kB gzipped (limit ${LIMIT_BYTES / 1000} kB)`);
if (gz > LIMIT_BYTES) {
  console.error(`size: FAIL — ${kb} kB gzipped exceeds ${LIMIT_BYTES / 1000} kB`);
  process.exit(1);
}
console.log('size: OK');
