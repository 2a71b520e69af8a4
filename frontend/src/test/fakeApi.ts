import { vi } from 'vitest';
import type { LeadDetailQuery, LeadsQuery, LeadsQueryVariables, Priority } from '../gql/graphql';

type LeadItem = LeadsQuery['leads']['items'][number];

export interface GraphQLCall {
  operationName: string;
  variables: Record<string, unknown>;
  headers: Record<string, string>;
}

export interface FakeApiOptions {
  leads?: LeadItem[];
  /** Override the Leads response, e.g. to return an error or hang. */
  leadsHandler?: (vars: LeadsQueryVariables, call: number) => Response | Promise<Response> | undefined;
  refresh?: () => Response;
  login?: (body: { email: string; password: string }) => Response;
  graphqlUnauthenticatedOnce?: boolean;
}

export const DAY = 86_400_000;

export function makeLead(i: number, over: Partial<LeadItem> = {}): LeadItem {
  const score = Math.max(0, 95 - i * 7.5);
  const priority: Priority = score >= 70 ? 'HOT' : score >= 40 ? 'WARM' : 'COLD';
  return {
    leadId: `lead-${i}`,
    name: `Lead ${i}`,
    email: `lead${i}@example.com`,
    ownerId: i % 2 === 0 ? 'u1' : 'u2',
    owner: i % 2 === 0 ? { userId: 'u1', name: 'Rep One' } : { userId: 'u2', name: 'Rep Two' },
    score,
    priority,
    lastActivityAt: new Date(Date.now() - (i + 1) * DAY).toISOString(),
    computedAt: new Date().toISOString(),
    stale: false,
    hasActivity: true,
    raw: { emailOpens: 10 - (i % 10), websiteVisits: 5 + i, timeSpent: 60 * (i + 1) },
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

export const LEAD_DETAIL: LeadDetailQuery = {
  lead: {
    leadId: 'lead-0',
    name: 'Lead 0',
    email: 'lead0@example.com',
    ownerId: 'u1',
    owner: { userId: 'u1', name: 'Rep One' },
    score: 20.83,
    priority: 'COLD',
    stale: false,
    hasActivity: true,
    lastActivityAt: '2026-11-20T10:00:00Z',
    computedAt: '2026-11-23T22:00:00Z',
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

/**
 * Installs a fake `fetch` implementing the parts of the API the UI uses.
 * Returns the recorded GraphQL calls and the underlying mock.
 */
export function installFakeApi(opts: FakeApiOptions = {}) {
  const leads = opts.leads ?? Array.from({ length: 12 }, (_, i) => makeLead(i));
  const calls: GraphQLCall[] = [];
  const authCalls: string[] = [];
  let leadsCalls = 0;
  let unauthOnce = opts.graphqlUnauthenticatedOnce ?? false;

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

    if (url === '/graphql') {
      const body = JSON.parse(bodyText) as { query: string; variables: Record<string, unknown>; operationName: string };
      calls.push({ operationName: body.operationName, variables: body.variables, headers });
      if (unauthOnce) {
        unauthOnce = false;
        return json({ data: null, errors: [{ message: 'Not authenticated', extensions: { code: 'UNAUTHENTICATED' } }] });
      }
      switch (body.operationName) {
        case 'Leads': {
          const vars = body.variables as unknown as LeadsQueryVariables;
          const custom = opts.leadsHandler?.(vars, leadsCalls++);
          if (custom) return custom;
          let list = [...leads];
          const f = vars.filter;
          if (f?.minScore != null) list = list.filter((l) => l.score >= f.minScore!);
          if (f?.ownerId) list = list.filter((l) => l.ownerId === f.ownerId);
          if (vars.sort === 'LAST_ACTIVITY_DESC') {
            list.sort((a, b) => (b.lastActivityAt ?? '').localeCompare(a.lastActivityAt ?? ''));
          } else list.sort((a, b) => b.score - a.score);
          const start = (vars.page - 1) * vars.limit;
          const items = list.slice(start, start + vars.limit);
          return json({
            data: {
              leads: {
                totalCount: list.length,
                page: vars.page,
                limit: vars.limit,
                hasNextPage: start + vars.limit < list.length,
                refreshed: vars.refresh,
                items,
              },
            },
          });
        }
        case 'Owners':
          return json({
            data: {
              owners: [
                { userId: 'u1', name: 'Rep One' },
                { userId: 'u2', name: 'Rep Two' },
              ],
            },
          });
        case 'Me':
          return json({
            data: { me: { userId: 'm1', name: 'Maria Manager', role: 'MANAGER', tenantName: 'Acme' } },
          });
        case 'ScoreDistribution':
          return json({
            data: {
              scoreDistribution: {
                total: 12,
                bands: Array.from({ length: 10 }, (_, i) => ({ min: i * 10, max: i * 10 + 10, count: i })),
                priorities: [
                  { priority: 'HOT', count: 4 },
                  { priority: 'WARM', count: 4 },
                  { priority: 'COLD', count: 4 },
                ],
              },
            },
          });
        case 'LeadDetail':
          return json({ data: LEAD_DETAIL });
        default:
          return json({ errors: [{ message: `unknown op ${body.operationName}` }] }, 400);
      }
    }
    return new Response('not found', { status: 404 });
  });

  vi.stubGlobal('fetch', fetchMock);
  return {
    fetchMock,
    calls,
    authCalls,
    leadsCalls: () => calls.filter((c) => c.operationName === 'Leads'),
    lastLeadsVars: () => {
      const l = calls.filter((c) => c.operationName === 'Leads');
      return l[l.length - 1]?.variables as unknown as LeadsQueryVariables | undefined;
    },
  };
}
