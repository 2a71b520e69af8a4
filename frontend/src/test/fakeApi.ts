import { vi } from 'vitest';
import type {
  DashboardViewQuery,
  DashboardViewQueryVariables,
  LeadDetailQuery,
  LeadStatus,
  Priority,
} from '../gql/graphql';

type LeadItem = DashboardViewQuery['leads']['items'][number];

export interface GraphQLCall {
  /** Date.now() when it was sent (the fake clock under fake timers). */
  at: number;
  operationName: string;
  variables: Record<string, unknown>;
  headers: Record<string, string>;
}

export interface RestCall {
  url: string;
  headers: Record<string, string>;
}

export interface FakeApiOptions {
  leads?: LeadItem[];
  /** Override the DashboardView response, e.g. to return an error or hang. */
  viewHandler?: (vars: DashboardViewQueryVariables, call: number) => Response | Promise<Response | undefined> | undefined;
  /** Override the setLeadStatus response. */
  statusHandler?: (vars: { leadId: string; status: LeadStatus }) => Response | undefined;
  /** Override GET /leads/scoring (the CSV export). */
  exportHandler?: (url: string) => Response | undefined;
  refresh?: () => Response;
  login?: (body: { email: string; password: string }) => Response;
  graphqlUnauthenticatedOnce?: boolean;
  /** What LeadDetail answers with (default: LEAD_DETAIL). */
  leadDetail?: LeadDetailQuery;
  /** The user `me` answers with (default: the manager of AUTH_PAYLOAD). */
  me?: { userId: string; name: string; role: string; tenantName: string };
}

export const DAY = 86_400_000;

export function makeLead(i: number, over: Partial<LeadItem> = {}): LeadItem {
  const score = Math.max(0, 95 - i * 7.5);
  const priority: Priority = score >= 70 ? 'HOT' : score >= 40 ? 'WARM' : 'COLD';
  return {
    leadId: `lead-${i}`,
    name: `Lead ${i}`,
    email: `lead${i}@example.com`,
    company: i % 3 === 0 ? 'Acme Corp' : `Company ${i}`,
    ownerId: i % 2 === 0 ? 'u1' : 'u2',
    owner: i % 2 === 0 ? { userId: 'u1', name: 'Rep One' } : { userId: 'u2', name: 'Rep Two' },
    score,
    priority,
    lastActivityAt: new Date(Date.now() - (i + 1) * DAY).toISOString(),
    computedAt: new Date().toISOString(),
    stale: false,
    hasActivity: true,
    status: 'NEW',
    statusSetAt: null,
    statusSetBy: null,
    raw: { emailOpens: 10 - (i % 10), websiteVisits: 5 + i, timeSpent: 60 * (i + 1) },
    sparkline: [score - 12, score],
    trend: { change7d: 12, crossedAt: null, crossedFrom: null, crossedTo: null, modelChangedAt: null, modelShare7d: null },
    ...over,
  };
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}

export const AUTH_PAYLOAD = {
  accessToken: 'access-1',
  refreshToken: 'ignored-refresh',
  tokenType: 'Bearer',
  expiresIn: 900,
  user: { userId: 'm1', tenantId: 't1', email: 'manager@acme.example', name: 'Maria Manager', role: 'manager' },
};

export const REP_USER = { userId: 'u1', tenantId: 't1', email: 'rep1@acme.example', name: 'Rep One', role: 'rep' };
export const ADMIN_USER = { userId: 'a1', tenantId: 't1', email: 'admin@acme.example', name: 'Ada Admin', role: 'admin' };

export const LEAD_DETAIL: LeadDetailQuery = {
  lead: {
    leadId: 'lead-0',
    name: 'Lead 0',
    email: 'lead0@example.com',
    company: 'Acme Corp',
    ownerId: 'u1',
    owner: { userId: 'u1', name: 'Rep One' },
    score: 20.83,
    priority: 'COLD',
    stale: false,
    hasActivity: true,
    lastActivityAt: '2026-11-20T10:00:00Z',
    computedAt: '2026-11-23T22:00:00Z',
    status: 'CONTACTED',
    statusSetAt: '2026-11-22T09:00:00Z',
    statusSetBy: { userId: 'u1', name: 'Rep One' },
    sparkline: [8.83, 45],
    trend: { change7d: 12, crossedAt: '2026-11-03T10:00:00Z', crossedFrom: 'WARM', crossedTo: 'HOT', modelChangedAt: null, modelShare7d: null },
    breakdown: { emailOpens: 12, websiteVisits: 12.25, timeSpent: 5.2083, decayFactor: 0.707107 },
    raw: { emailOpens: 3, websiteVisits: 7, timeSpent: 125 },
  },
  scoringConfig: {
    version: 3,
    halfLifeDays: 7,
    weights: { emailOpens: 0.4, websiteVisits: 0.35, timeSpent: 0.25 },
    caps: { emailOpens: 10, websiteVisits: 20, timeSpent: 600 },
    thresholds: { hot: 70, warm: 40 },
  },
};

const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/** The view's filters over the fake leads, as the API applies them. */
export function applyFilter(leads: LeadItem[], f: DashboardViewQueryVariables['filter'], now = Date.now()): LeadItem[] {
  let list = [...leads];
  if (f?.minScore != null) list = list.filter((l) => l.score >= f.minScore!);
  if (f?.ownerId) list = list.filter((l) => l.ownerId === f.ownerId);
  if (f?.status) list = list.filter((l) => l.status === f.status);
  if (f?.search) {
    const q = fold(f.search);
    list = list.filter((l) => [l.name, l.email ?? '', l.company ?? ''].some((v) => fold(v).includes(q)));
  }
  if (f?.noActivity) list = list.filter((l) => !l.hasActivity);
  if (f?.staleDays != null) {
    const cutoff = now - f.staleDays * DAY;
    list = list.filter((l) => !l.lastActivityAt || Date.parse(l.lastActivityAt) < cutoff);
  }
  if (f?.movedUpDays != null) {
    const since = now - f.movedUpDays * DAY;
    list = list.filter((l) => l.trend.crossedAt !== null && Date.parse(l.trend.crossedAt) >= since);
  }
  return list;
}

/**
 * Installs a fake `fetch` implementing the parts of the API the UI uses.
 * Returns the recorded GraphQL and REST calls and the underlying mock.
 */
export function installFakeApi(opts: FakeApiOptions = {}) {
  const leads = opts.leads ?? Array.from({ length: 12 }, (_, i) => makeLead(i));
  const calls: GraphQLCall[] = [];
  const restCalls: RestCall[] = [];
  const authCalls: string[] = [];
  let viewCalls = 0;
  let unauthOnce = opts.graphqlUnauthenticatedOnce ?? false;
  const me = opts.me ?? { userId: 'm1', name: 'Maria Manager', role: 'MANAGER', tenantName: 'Acme' };

  function view(vars: DashboardViewQueryVariables) {
    const list = applyFilter(leads, vars.filter);
    if (vars.sort === 'LAST_ACTIVITY_DESC') {
      list.sort((a, b) => (b.lastActivityAt ?? '').localeCompare(a.lastActivityAt ?? ''));
    } else list.sort((a, b) => b.score - a.score);
    const start = (vars.page - 1) * vars.limit;
    const cutoff = Date.now() - vars.staleDays * DAY;
    const data: DashboardViewQuery = {
      leads: {
        totalCount: list.length,
        page: vars.page,
        limit: vars.limit,
        hasNextPage: start + vars.limit < list.length,
        refreshed: vars.refresh,
        items: list.slice(start, start + vars.limit),
      },
      scoreDistribution: {
        total: list.length,
        bands: Array.from({ length: 10 }, (_, i) => ({
          min: i * 10,
          max: i * 10 + 10,
          count: list.filter((l) => Math.min(9, Math.floor(l.score / 10)) === i).length,
        })),
        priorities: (['HOT', 'WARM', 'COLD'] as Priority[]).map((p) => ({
          priority: p,
          count: list.filter((l) => l.priority === p).length,
        })),
      },
      owners: [
        { userId: 'u1', name: 'Rep One' },
        { userId: 'u2', name: 'Rep Two' },
      ],
      dataQuality: {
        total: leads.length,
        noActivity: leads.filter((l) => !l.hasActivity).length,
        stale: leads.filter((l) => !l.lastActivityAt || Date.parse(l.lastActivityAt) < cutoff).length,
        staleDays: vars.staleDays,
      },
    };
    if (vars.withMe) data.me = { ...me, role: me.role as NonNullable<DashboardViewQuery['me']>['role'] };
    return json({ data });
  }

  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.toString() : input.url;
    const headers = (init?.headers ?? {}) as Record<string, string>;
    const bodyText = typeof init?.body === 'string' ? init.body : '{}';

    if (url.startsWith('/auth/')) {
      authCalls.push(url);
      if (url === '/auth/login') {
        const body = JSON.parse(bodyText) as { email: string; password: string };
        if (opts.login) return opts.login(body);
        if (body.password === 'Leadscore-demo-1') return json(AUTH_PAYLOAD);
        return json({ error: { code: 'UNAUTHENTICATED', message: 'Invalid email or password.', details: [] } }, 401);
      }
      if (url === '/auth/refresh') {
        if (opts.refresh) return opts.refresh();
        return json({ error: { code: 'UNAUTHENTICATED', message: 'No session', details: [] } }, 401);
      }
      if (url === '/auth/logout') return new Response(null, { status: 204 });
    }

    if (url.startsWith('/leads/scoring')) {
      restCalls.push({ url, headers });
      const custom = opts.exportHandler?.(url);
      if (custom) return custom;
      return new Response('leadId,leadName,score\nlead-0,Lead 0,95\n', { status: 200, headers: { 'Content-Type': 'text/csv' } });
    }

    if (url === '/graphql') {
      const body = JSON.parse(bodyText) as { query: string; variables: Record<string, unknown>; operationName: string };
      calls.push({ at: Date.now(), operationName: body.operationName, variables: body.variables, headers });
      if (unauthOnce) {
        unauthOnce = false;
        return json({ data: null, errors: [{ message: 'Not authenticated', extensions: { code: 'UNAUTHENTICATED' } }] });
      }
      switch (body.operationName) {
        case 'DashboardView': {
          const vars = body.variables as unknown as DashboardViewQueryVariables;
          // A handler may wait, then return undefined to fall back to the default answer.
          const custom = await opts.viewHandler?.(vars, viewCalls++);
          if (custom) return custom;
          return view(vars);
        }
        case 'SetLeadStatus': {
          const vars = body.variables as { leadId: string; status: LeadStatus };
          const custom = opts.statusHandler?.(vars);
          if (custom) return custom;
          const i = leads.findIndex((l) => l.leadId === vars.leadId);
          if (i < 0) return json({ data: null, errors: [{ message: 'No such lead', extensions: { code: 'BAD_USER_INPUT' } }] });
          const setBy = vars.status === 'NEW' ? null : { userId: me.userId, name: me.name };
          const setAt = vars.status === 'NEW' ? null : new Date().toISOString();
          leads[i] = { ...leads[i]!, status: vars.status, statusSetBy: setBy, statusSetAt: setAt };
          return json({
            data: { setLeadStatus: { leadId: vars.leadId, status: vars.status, statusSetBy: setBy, statusSetAt: setAt } },
          });
        }
        case 'LeadDetail':
          return json({ data: opts.leadDetail ?? LEAD_DETAIL });
        case 'Me':
          return json({ data: { me } });
        case 'Owners':
          return json({ data: { owners: [{ userId: 'u1', name: 'Rep One' }, { userId: 'u2', name: 'Rep Two' }] } });
        default:
          return json({ errors: [{ message: `unknown op ${body.operationName}` }] }, 400);
      }
    }
    return new Response('not found', { status: 404 });
  });

  vi.stubGlobal('fetch', fetchMock);
  const viewCallList = () => calls.filter((c) => c.operationName === 'DashboardView');
  return {
    fetchMock,
    calls,
    restCalls,
    authCalls,
    leads,
    viewCalls: viewCallList,
    lastViewVars: () => viewCallList().at(-1)?.variables as unknown as DashboardViewQueryVariables | undefined,
    /** Every request the UI sent (GraphQL, REST, auth), in order. */
    requestCount: () => fetchMock.mock.calls.length,
  };
}
