// After `vite build`: write name.gz next to each built JS/CSS/SVG/HTML asset (the API sends it
// with Content-Encoding: gzip to clients that accept it). Node's zlib only; no dependency.
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync, constants } from "node:zlib";

const dir = new URL("../dist/assets/", import.meta.url).pathname;
const COMPRESSIBLE = /\.(js|mjs|css|svg|html|json|map|txt)$/;
let count = 0;
let before = 0;
let after = 0;
for (const name of readdirSync(dir)) {
  const file = join(dir, name);
  if (!COMPRESSIBLE.test(name) || !statSync(file).isFile()) continue;
  const body = readFileSync(file);
  const gz = gzipSync(body, { level: constants.Z_BEST_COMPRESSION });
  if (gz.length >= body.length) continue;
  writeFileSync(`${file}.gz`, gz);
  count += 1;
  before += body.length;
  after += gz.length;
}
console.log(`gzip-assets: ${count} file(s), ${(before / 1024).toFixed(0)} KiB -> ${(after / 1024).toFixed(0)} KiB`);
