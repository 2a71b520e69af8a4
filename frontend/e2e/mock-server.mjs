#!/usr/bin/env node
/**
 * A small stand-in for the Leadscore API, for developing the dashboard and for
 * rehearsing the browser e2e test when the Python backend is not running.
 * It is NOT the product backend and is not used by `npm test`.
 *
 *   npm run build && node e2e/mock-server.mjs            # http://127.0.0.1:8000 by default
 *   PORT=8123 node e2e/mock-server.mjs
 *
 * Implements the contract the UI relies on: POST /auth/login|refresh|logout with an
 * httpOnly SameSite=Strict `ls_refresh` cookie (Path=/auth), POST /graphql executed
 * against ../schema.graphql (via graphql-js) with in-memory demo data (search, status,
 * data-quality filters, setLeadStatus, each lead's sparkline and 7-day change),
 * GET /leads/scoring?format=csv (the export), GET /health, and dist/ served at / with a
 * history fallback. Like the API, it limits each user to MOCK_RATE_LIMIT requests a minute
 * (default 60; 429 with Retry-After).
 */
import { createServer } from 'node:http';
import { readFileSync, existsSync, statSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { buildSchema, graphql, GraphQLError } from 'graphql';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const schema = buildSchema(readFileSync(join(root, '..', 'schema.graphql'), 'utf8'));
const PORT = Number(process.env.PORT ?? 8000);
const HOST = process.env.HOST ?? '127.0.0.1';
const ACCESS_TTL = Number(process.env.MOCK_ACCESS_TTL ?? 900);
const PASSWORD = 'Leadscore-demo-1';
const RATE_LIMIT = Number(process.env.MOCK_RATE_LIMIT ?? 60);
// MOCK_CSP=1 serves HTML with a strict Content-Security-Policy (no inline script/style),
// to check that the built dashboard works under the API's security headers.
const CSP = process.env.MOCK_CSP
  ? {
      'Content-Security-Policy':
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
    }
  : {};

// ---- demo data -------------------------------------------------------------
const TENANT = { tenantId: 't-acme', tenantName: 'Acme' };
const users = [
  { userId: 'u-admin', email: 'admin@acme.example', name: 'Ada Admin', role: 'admin' },
  { userId: 'u-manager', email: 'manager@acme.example', name: 'Max Manager', role: 'manager' },
  { userId: 'u-rep1', email: 'rep1@acme.example', name: 'Rita Rep', role: 'rep' },
  { userId: 'u-rep2', email: 'rep2@acme.example', name: 'Raj Rep', role: 'rep' },
  { userId: 'u-rep3', email: 'rep3@acme.example', name: 'Rosa Rep', role: 'rep' },
  { userId: 'u-rep4', email: 'rep4@acme.example', name: 'Ravi Rep', role: 'rep' },
];
const reps = users.filter((u) => u.role === 'rep');
const config = {
  weights: { emailOpens: 0.4, websiteVisits: 0.35, timeSpent: 0.25 },
  caps: { emailOpens: 10, websiteVisits: 20, timeSpent: 600 },
  halfLifeDays: 7,
  thresholds: { hot: 70, warm: 40 },
  version: 1,
};

function rng(seed) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}
const rand = rng(42);
const FIRST = ['Ava', 'Ben', 'Cleo', 'Dan', 'Eve', 'Finn', 'Gia', 'Hugo', 'Ida', 'Jon', 'Kai', 'Lea', 'Mo', 'Nia'];
const LAST = ['Stone', 'Reyes', 'Nakamura', 'Okafor', 'Larsen', 'Dubois', 'Kowalski', 'Silva', 'Chen', 'Haddad'];
const COMPANIES = ['Globex', 'Initech', 'Umbrella', 'Société Générale', 'Stark Industries', 'Wayne Enterprises', null];
const DAY = 86_400_000;
const interactions = Array.from({ length: 137 }, (_, i) => {
  const name = `${FIRST[i % FIRST.length]} ${LAST[Math.floor(i / FIRST.length) % LAST.length]}`;
  const noData = i % 17 === 5;
  return {
    leadId: `lead-${String(i + 1).padStart(4, '0')}`,
    name,
    email: `${name.toLowerCase().replace(' ', '.')}@example.com`,
    company: COMPANIES[i % COMPANIES.length],
    status: 'NEW',
    statusSetBy: null,
    statusSetAt: null,
    ownerId: reps[i % reps.length].userId,
    emailOpens: noData ? 0 : Math.floor(rand() * 14),
    websiteVisits: noData ? 0 : Math.floor(rand() * 26),
    timeSpent: noData ? 0 : Math.floor(rand() * 900),
    lastActivityAt: noData ? null : new Date(Date.now() - rand() * 60 * DAY).toISOString(),
  };
});

const norm = (x, cap) => Math.min(Math.max(x, 0), cap) / cap;
function score(it, now = Date.now()) {
  const c = {
    emailOpens: config.weights.emailOpens * norm(it.emailOpens, config.caps.emailOpens) * 100,
    websiteVisits: config.weights.websiteVisits * norm(it.websiteVisits, config.caps.websiteVisits) * 100,
    timeSpent: config.weights.timeSpent * norm(it.timeSpent, config.caps.timeSpent) * 100,
  };
  const days = it.lastActivityAt ? Math.max(0, (now - Date.parse(it.lastActivityAt)) / DAY) : 0;
  const decayFactor = it.lastActivityAt ? 0.5 ** (days / config.halfLifeDays) : 1;
  const raw = Math.min(1, (c.emailOpens + c.websiteVisits + c.timeSpent) / 100);
  const s = Math.round(raw * decayFactor * 10000) / 100;
  const priority = s >= config.thresholds.hot ? 'HOT' : s >= config.thresholds.warm ? 'WARM' : 'COLD';
  return { score: s, priority, breakdown: { ...c, decayFactor } };
}

let scores = new Map();
function recompute() {
  const now = Date.now();
  scores = new Map(interactions.map((it) => [it.leadId, { ...score(it, now), computedAt: new Date(now).toISOString() }]));
}
recompute();

// The API's daily points, as the mock can know them: the lead's score at each of the `days`
// days before it was computed, since its last activity (the counts before are unknown).
const MAX_DAYS = 180;
function dailyScores(it, days, computedAt) {
  if (days < 1 || days > MAX_DAYS) throw badInput(`days: must be between 1 and ${MAX_DAYS}`);
  const now = Date.parse(computedAt);
  const since = it.lastActivityAt ? Date.parse(it.lastActivityAt) : -Infinity;
  const out = [];
  for (let d = days; d >= 1; d -= 1) if (now - d * DAY >= since) out.push(score(it, now - d * DAY).score);
  return out;
}

function leadView(it) {
  const s = scores.get(it.leadId);
  const owner = users.find((u) => u.userId === it.ownerId);
  return {
    leadId: it.leadId,
    name: it.name,
    email: it.email,
    company: it.company,
    status: it.status,
    statusSetBy: it.statusSetBy,
    statusSetAt: it.statusSetAt,
    ownerId: it.ownerId,
    owner: owner ? { userId: owner.userId, name: owner.name } : null,
    score: s.score,
    priority: s.priority,
    breakdown: s.breakdown,
    lastActivityAt: it.lastActivityAt,
    computedAt: s.computedAt,
    stale: false,
    hasActivity: it.lastActivityAt !== null,
    raw: { emailOpens: it.emailOpens, websiteVisits: it.websiteVisits, timeSpent: it.timeSpent },
    // Resolved only when asked for (graphql-js calls a function-valued field with its arguments).
    sparkline: ({ days }) => dailyScores(it, days, s.computedAt),
    trend: () => {
      const week = dailyScores(it, 7, s.computedAt); // [0] is 7 days ago only when all 7 are known
      const change7d = week.length === 7 ? Math.round((s.score - week[0]) * 100) / 100 : null;
      return { change7d, crossedAt: null, crossedFrom: null, crossedTo: null }; // no tier events in the mock
    },
  };
}

const fold = (s) => String(s ?? '').normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
const badInput = (message) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
const isStale = (l, days, now = Date.now()) => !l.lastActivityAt || Date.parse(l.lastActivityAt) < now - days * DAY;

function filtered(filter) {
  let list = interactions.map(leadView);
  if (filter?.minScore != null) list = list.filter((l) => l.score >= filter.minScore);
  if (filter?.ownerId) list = list.filter((l) => l.ownerId === filter.ownerId);
  if (filter?.priority) list = list.filter((l) => l.priority === filter.priority);
  if (filter?.status) list = list.filter((l) => l.status === filter.status);
  if (filter?.search != null && filter.search !== '') {
    if (filter.search.length > 200) throw badInput('filter.search: at most 200 characters');
    const q = fold(filter.search);
    list = list.filter((l) => [l.name, l.email, l.company].some((v) => fold(v).includes(q)));
  }
  if (filter?.noActivity) list = list.filter((l) => !l.hasActivity);
  if (filter?.staleDays != null) {
    if (filter.staleDays < 1) throw badInput('filter.staleDays: must be at least 1');
    list = list.filter((l) => isStale(l, filter.staleDays));
  }
  return list;
}

function sortLeads(list, sort) {
  return list.sort((a, b) =>
    sort === 'LAST_ACTIVITY_DESC'
      ? (b.lastActivityAt ?? '').localeCompare(a.lastActivityAt ?? '') || a.leadId.localeCompare(b.leadId)
      : b.score - a.score ||
        (b.lastActivityAt ?? '').localeCompare(a.lastActivityAt ?? '') ||
        a.leadId.localeCompare(b.leadId),
  );
}

const CSV_COLUMNS = ['leadId', 'leadName', 'email', 'company', 'ownerId', 'owner', 'score', 'priority', 'status',
  'emailOpens', 'websiteVisits', 'timeSpent', 'lastActivityAt', 'computedAt'];
const csvCell = (v) => {
  const s = v == null ? '' : String(v);
  return /[",\n\r]/.test(s) || /^[=+\-@]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
function leadsCsv(list) {
  const rows = list.map((l) =>
    [l.leadId, l.name, l.email, l.company, l.ownerId, l.owner?.name, l.score, l.priority.toLowerCase(), l.status.toLowerCase(),
      l.raw.emailOpens, l.raw.websiteVisits, l.raw.timeSpent, l.lastActivityAt, l.computedAt].map(csvCell).join(','),
  );
  return [CSV_COLUMNS.join(','), ...rows].join('\r\n') + '\r\n';
}

/** The REST export's query string, mapped onto the GraphQL filter (unknown parameters refused). */
function restFilter(q) {
  const known = new Set(['format', 'sort', 'search', 'ownerId', 'status', 'minScore', 'priority', 'noActivity', 'staleDays']);
  const unknown = [...q.keys()].filter((k) => !known.has(k));
  if (unknown.length) return { error: `unknown parameter: ${unknown.join(', ')}` };
  const sort = q.get('sort') ?? 'score:desc';
  if (!['score:desc', 'lastActivityAt:desc'].includes(sort)) return { error: 'sort: score:desc or lastActivityAt:desc' };
  const status = q.get('status')?.toUpperCase() ?? null;
  if (status && !['NEW', 'CONTACTED', 'QUALIFIED', 'DISQUALIFIED'].includes(status)) return { error: 'status: unknown value' };
  return {
    sort: sort === 'score:desc' ? 'SCORE_DESC' : 'LAST_ACTIVITY_DESC',
    filter: {
      search: q.get('search'),
      ownerId: q.get('ownerId'),
      status,
      minScore: q.has('minScore') ? Number(q.get('minScore')) : null,
      priority: q.get('priority')?.toUpperCase() ?? null,
      noActivity: q.get('noActivity') === 'true',
      staleDays: q.has('staleDays') ? Number(q.get('staleDays')) : null,
    },
  };
}

// Per-user fixed window, like RATE_LIMIT_PER_USER=60/minute on the API.
const windows = new Map(); // userId → { start, count }
function rateLimited(user) {
  const now = Date.now();
  const w = windows.get(user.userId);
  if (!w || now - w.start >= 60_000) {
    windows.set(user.userId, { start: now, count: 1 });
    return 0;
  }
  w.count += 1;
  return w.count > RATE_LIMIT ? Math.ceil((w.start + 60_000 - now) / 1000) : 0;
}

// ---- auth ------------------------------------------------------------------
const accessTokens = new Map(); // token → { user, exp }
const refreshTokens = new Map(); // token → user

function issue(user) {
  const accessToken = `mock-access-${randomBytes(12).toString('hex')}`;
  const refreshToken = `mock-refresh-${randomBytes(12).toString('hex')}`;
  accessTokens.set(accessToken, { user, exp: Date.now() + ACCESS_TTL * 1000 });
  refreshTokens.set(refreshToken, user);
  return {
    body: {
      accessToken,
      refreshToken,
      tokenType: 'Bearer',
      expiresIn: ACCESS_TTL,
      user: { userId: user.userId, tenantId: TENANT.tenantId, email: user.email, name: user.name, role: user.role },
    },
    cookie: `ls_refresh=${refreshToken}; HttpOnly; SameSite=Strict; Path=/auth; Max-Age=${14 * 86400}`,
  };
}

function cookieValue(req, name) {
  const m = new RegExp(`(?:^|;\\s*)${name}=([^;]+)`).exec(req.headers.cookie ?? '');
  return m ? m[1] : null;
}

function authedUser(req) {
  const m = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
  const entry = m ? accessTokens.get(m[1]) : null;
  return entry && entry.exp > Date.now() ? entry.user : null;
}

const unauthenticated = () => new GraphQLError('Not authenticated', { extensions: { code: 'UNAUTHENTICATED' } });

const rootValue = {
  me: (_a, ctx) => ({ ...ctx.user, role: ctx.user.role.toUpperCase(), ...TENANT }),
  leads: ({ filter, sort, page, limit, refresh }) => {
    if (limit < 1 || limit > 200) throw new GraphQLError('limit must be 1–200', { extensions: { code: 'BAD_USER_INPUT' } });
    if (page < 1) throw new GraphQLError('page must be ≥ 1', { extensions: { code: 'BAD_USER_INPUT' } });
    if (refresh) recompute();
    const list = sortLeads(filtered(filter), sort);
    const start = (page - 1) * limit;
    return {
      items: list.slice(start, start + limit),
      totalCount: list.length,
      page,
      limit,
      hasNextPage: start + limit < list.length,
      refreshed: !!refresh,
    };
  },
  lead: ({ leadId }) => {
    const it = interactions.find((x) => x.leadId === leadId);
    return it ? leadView(it) : null;
  },
  owners: () => reps.map((u) => ({ userId: u.userId, name: u.name })),
  dataQuality: ({ staleDays }) => {
    if (staleDays < 1) throw badInput('staleDays: must be at least 1');
    const list = interactions.map(leadView);
    return {
      total: list.length,
      noActivity: list.filter((l) => !l.hasActivity).length,
      stale: list.filter((l) => isStale(l, staleDays)).length,
      staleDays,
    };
  },
  setLeadStatus: ({ leadId, status }, ctx) => {
    const it = interactions.find((x) => x.leadId === leadId);
    if (!it) throw badInput(`leadId: no lead ${leadId}`);
    it.status = status;
    it.statusSetBy = status === 'NEW' ? null : { userId: ctx.user.userId, name: ctx.user.name };
    it.statusSetAt = status === 'NEW' ? null : new Date().toISOString();
    return leadView(it);
  },
  scoringConfig: () => config,
  scoreDistribution: ({ filter }) => {
    const list = filtered(filter);
    const bands = Array.from({ length: 10 }, (_, i) => ({
      min: i * 10,
      max: i * 10 + 10,
      count: list.filter((l) => (i === 9 ? l.score >= 90 : l.score >= i * 10 && l.score < i * 10 + 10)).length,
    }));
    const priorities = ['HOT', 'WARM', 'COLD'].map((p) => ({ priority: p, count: list.filter((l) => l.priority === p).length }));
    return { bands, priorities, total: list.length };
  },
};

// ---- HTTP ------------------------------------------------------------------
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
};

function send(res, status, body, headers = {}) {
  const isJson = body !== undefined && typeof body === 'object' && !Buffer.isBuffer(body);
  const data = body === undefined ? '' : isJson ? JSON.stringify(body) : body;
  res.writeHead(status, {
    ...(isJson ? { 'Content-Type': 'application/json' } : {}),
    ...headers,
  });
  res.end(data);
}

async function readJson(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
  } catch {
    return null;
  }
}

const server = createServer(async (req, res) => {
  const url = new URL(req.url, `http://${req.headers.host}`);
  const path = url.pathname;
  try {
    if (path === '/health') return send(res, 200, { status: 'ok', mock: true });

    if (req.method === 'POST' && path === '/auth/login') {
      const body = await readJson(req);
      const user = users.find((u) => u.email === body?.email);
      if (!user || body?.password !== PASSWORD) {
        return send(res, 401, { error: { code: 'UNAUTHENTICATED', message: 'Invalid email or password.', details: [] } });
      }
      const { body: payload, cookie } = issue(user);
      return send(res, 200, payload, { 'Set-Cookie': cookie });
    }
    if (req.method === 'POST' && path === '/auth/refresh') {
      const token = cookieValue(req, 'ls_refresh');
      const user = token ? refreshTokens.get(token) : null;
      if (!user) return send(res, 401, { error: { code: 'UNAUTHENTICATED', message: 'No valid session.', details: [] } });
      refreshTokens.delete(token); // rotation
      const { body: payload, cookie } = issue(user);
      return send(res, 200, payload, { 'Set-Cookie': cookie });
    }
    if (req.method === 'POST' && path === '/auth/logout') {
      const token = cookieValue(req, 'ls_refresh');
      if (token) refreshTokens.delete(token);
      return send(res, 204, undefined, { 'Set-Cookie': 'ls_refresh=; HttpOnly; SameSite=Strict; Path=/auth; Max-Age=0' });
    }
    if (req.method === 'GET' && path === '/leads/scoring') {
      const user = authedUser(req);
      if (!user) {
        return send(res, 401, { error: { code: 'UNAUTHENTICATED', message: 'Not authenticated', details: [] } }, { 'WWW-Authenticate': 'Bearer' });
      }
      const wait = rateLimited(user);
      if (wait) return send(res, 429, { error: { code: 'RATE_LIMITED', message: 'Too many requests', details: [] } }, { 'Retry-After': String(wait) });
      const wantsCsv = url.searchParams.get('format') === 'csv' || (req.headers.accept ?? '').includes('text/csv');
      const parsed = restFilter(url.searchParams);
      if (parsed.error) return send(res, 400, { error: { code: 'BAD_REQUEST', message: parsed.error, details: [] } });
      if (!wantsCsv) return send(res, 400, { error: { code: 'BAD_REQUEST', message: 'the mock serves format=csv only', details: [] } });
      const list = sortLeads(filtered(parsed.filter), parsed.sort);
      return send(res, 200, leadsCsv(list), { 'Content-Type': 'text/csv; charset=utf-8' });
    }
    if (req.method === 'POST' && path === '/graphql') {
      const body = await readJson(req);
      if (!body?.query) return send(res, 400, { errors: [{ message: 'query required', extensions: { code: 'BAD_USER_INPUT' } }] });
      const user = authedUser(req);
      if (!user) return send(res, 200, { data: null, errors: [unauthenticated().toJSON()] });
      const wait = rateLimited(user);
      if (wait) {
        const err = new GraphQLError('Too many requests', { extensions: { code: 'RATE_LIMITED' } });
        return send(res, 429, { data: null, errors: [err.toJSON()] }, { 'Retry-After': String(wait) });
      }
      const result = await graphql({
        schema,
        source: body.query,
        rootValue,
        variableValues: body.variables,
        operationName: body.operationName,
        contextValue: { user },
      });
      return send(res, 200, result);
    }

    if (req.method === 'GET' || req.method === 'HEAD') {
      const file = normalize(join(dist, path));
      if (file.startsWith(dist) && existsSync(file) && statSync(file).isFile()) {
        const type = TYPES[extname(file)] ?? 'application/octet-stream';
        return send(res, 200, readFileSync(file), { 'Content-Type': type, ...(type.startsWith('text/html') ? CSP : {}) });
      }
      const index = join(dist, 'index.html');
      if (existsSync(index) && !path.startsWith('/assets/')) {
        return send(res, 200, readFileSync(index, 'utf8'), { 'Content-Type': TYPES['.html'], ...CSP });
      }
    }
    send(res, 404, { error: { code: 'NOT_FOUND', message: 'Not found', details: [] } });
  } catch (err) {
    console.error(err);
    send(res, 500, { error: { code: 'INTERNAL_SERVER_ERROR', message: 'Internal error', details: [] } });
  }
});

server.listen(PORT, HOST, () => {
  console.log(`mock Leadscore API on http://${HOST}:${PORT} (dist: ${existsSync(dist) ? 'yes' : 'missing — run npm run build'})`);
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.close(() => process.exit(0)));
