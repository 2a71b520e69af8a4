/**
 * In-memory session: the access token lives only in this module (never in
 * localStorage/sessionStorage). The refresh token is an httpOnly, SameSite=Strict
 * cookie (`ls_refresh`, Path=/auth) set by the API — JavaScript never sees it; the
 * `refreshToken` field of auth responses is deliberately ignored.
 *
 *   POST /auth/login   {email, password} → AuthPayload (+ Set-Cookie ls_refresh)
 *   POST /auth/refresh {}                 → AuthPayload (cookie rotated), 401 without a valid cookie
 *   POST /auth/logout  {}                 → 204 (cookie revoked and cleared)
 *
 * Every tab of the origin (dashboard tabs, the GraphQL explorer at /graphql) shares the one
 * cookie. The server spends each refresh token once: a rotated token presented again counts
 * as reuse and revokes the whole family, signing every tab out. So refreshes are serialised
 * across tabs (Web Lock 'leadscore-auth-refresh'), and a tab that signs in, renews or signs
 * out tells the others on the BroadcastChannel 'leadscore-auth': they adopt the new access
 * token instead of rotating the cookie again, or drop theirs on sign-out.
 */

export interface AuthUser {
  userId: string;
  tenantId: string;
  email: string;
  name: string;
  role: string;
}

interface AuthPayload {
  accessToken: string;
  expiresIn: number;
  user: AuthUser;
}

export type SessionStatus = 'loading' | 'anonymous' | 'authenticated';

export interface SessionState {
  status: SessionStatus;
  user: AuthUser | null;
  /** Increments on every sign-in so per-session caches can be reset. */
  generation: number;
  /** Why the session ended, e.g. when a refresh failed; shown on the sign-in page. */
  notice: string | null;
}

export class AuthError extends Error {
  readonly status: number;
  readonly code: string | undefined;
  readonly retryAfter: number | undefined;
  constructor(message: string, status: number, code?: string, retryAfter?: number) {
    super(message);
    this.name = 'AuthError';
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
  }
}

/** Shown on the sign-in page when a session ends because it could not be renewed. */
export const SESSION_EXPIRED_NOTICE = 'Your session expired. Please sign in again.';
/** …and when the server said why: the account was deactivated (or removed). */
export const ACCESS_REMOVED_NOTICE = 'Your access was removed. Contact your admin.';

/** True for the API's 401 message for a deactivated or removed account ("account disabled"). */
export function isAccountDisabled(message: string | null | undefined): boolean {
  return /\baccount disabled\b/i.test(message ?? '');
}

/** Refresh this many seconds before the access token expires. */
export const REFRESH_LEEWAY_SECONDS = 60;
const MIN_REFRESH_DELAY_SECONDS = 5;

let accessToken: string | null = null;
let refreshTimer: ReturnType<typeof setTimeout> | null = null;
let inflightRefresh: Promise<boolean> | null = null;
/** The server's message for the last refresh it refused (401), else null. */
let lastRefreshRefusal: string | null = null;
let state: SessionState = { status: 'loading', user: null, generation: 0, notice: null };
const listeners = new Set<() => void>();
/** When the access token expires (ms since the epoch), to compare it with other tabs' tokens. */
let accessExpiresAt = 0;
/** Bumped whenever the access token is replaced, so a queued refresh can see it is no longer needed. */
let tokenSerial = 0;
/** When this tab last signed out (or heard another tab do so): tokens issued before then are not adopted. */
let signedOutAt = 0;
let channel: BroadcastChannel | null = null;

/** What a tab tells the others: never the refresh token (which the cookie alone carries). */
type TabMessage = { type: 'session'; payload: AuthPayload; expiresAt: number } | { type: 'signed-out' };

export const SESSION_CHANNEL = 'leadscore-auth';

function setState(next: Partial<SessionState>) {
  state = { ...state, ...next };
  listeners.forEach((l) => l());
}

export function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function getSessionState(): SessionState {
  return state;
}

export function getAccessToken(): string | null {
  return accessToken;
}

function isAuthPayload(x: unknown): x is AuthPayload {
  if (!x || typeof x !== 'object') return false;
  const o = x as Record<string, unknown>;
  return typeof o.accessToken === 'string' && typeof o.expiresIn === 'number' && !!o.user && typeof o.user === 'object';
}

function scheduleRefresh(expiresIn: number) {
  if (refreshTimer) clearTimeout(refreshTimer);
  const delay = Math.max(MIN_REFRESH_DELAY_SECONDS, expiresIn - REFRESH_LEEWAY_SECONDS) * 1000;
  refreshTimer = setTimeout(() => {
    refreshTimer = null;
    // A failed background refresh is not fatal by itself (e.g. a network blip):
    // the next GraphQL call that answers UNAUTHENTICATED retries once and only
    // then falls back to the sign-in page. A deactivated account ends the session at once.
    void refreshSession().then((ok) => {
      if (!ok && state.status === 'authenticated' && isAccountDisabled(lastRefreshRefusal)) endExpiredSession();
    });
  }, delay);
}

function applyPayload(payload: AuthPayload, expiresAt: number) {
  const wasAuthenticated = state.status === 'authenticated' && state.user?.userId === payload.user.userId;
  accessToken = payload.accessToken;
  accessExpiresAt = expiresAt;
  tokenSerial += 1;
  scheduleRefresh((expiresAt - Date.now()) / 1000);
  setState({
    status: 'authenticated',
    user: payload.user,
    generation: wasAuthenticated ? state.generation : state.generation + 1,
    notice: null,
  });
}

/** Applies a payload this tab got from the server and hands the access token to the other tabs. */
function acceptPayload(payload: AuthPayload) {
  const expiresAt = Date.now() + payload.expiresIn * 1000;
  applyPayload(payload, expiresAt);
  const { accessToken: token, expiresIn, user } = payload;
  tellOtherTabs({ type: 'session', payload: { accessToken: token, expiresIn, user }, expiresAt });
}

function isTabMessage(x: unknown): x is TabMessage {
  if (!x || typeof x !== 'object') return false;
  const o = x as Record<string, unknown>;
  return o.type === 'signed-out' || (o.type === 'session' && typeof o.expiresAt === 'number' && isAuthPayload(o.payload));
}

function onTabMessage(data: unknown) {
  if (!isTabMessage(data)) return;
  if (data.type === 'signed-out') {
    signedOutAt = Date.now();
    if (accessToken || state.status !== 'anonymous') endSession(null);
    return;
  }
  // A token older than ours, or issued before a sign-out (a late message), is ignored.
  if (accessToken && data.expiresAt <= accessExpiresAt) return;
  if (data.expiresAt - data.payload.expiresIn * 1000 < signedOutAt) return;
  applyPayload(data.payload, data.expiresAt);
}

/** Starts hearing the other tabs' sign-ins, renewals and sign-outs (once; where supported). */
function listenToOtherTabs() {
  if (channel || typeof BroadcastChannel === 'undefined') return;
  channel = new BroadcastChannel(SESSION_CHANNEL);
  channel.onmessage = (e: MessageEvent<unknown>) => onTabMessage(e.data);
}

function tellOtherTabs(message: TabMessage) {
  listenToOtherTabs();
  channel?.postMessage(message);
}

/** Clears the in-memory session and shows the sign-in page. */
export function endSession(notice: string | null = null) {
  accessToken = null;
  accessExpiresAt = 0;
  if (refreshTimer) clearTimeout(refreshTimer);
  refreshTimer = null;
  setState({ status: 'anonymous', user: null, notice });
}

async function postJson(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(path, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

async function errorFrom(res: Response, fallback: string): Promise<AuthError> {
  let message = fallback;
  let code: string | undefined;
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string } };
    if (body?.error?.message) message = body.error.message;
    code = body?.error?.code;
  } catch {
    /* non-JSON body */
  }
  const ra = Number(res.headers.get('Retry-After'));
  return new AuthError(message, res.status, code, Number.isFinite(ra) && ra > 0 ? ra : undefined);
}

export async function login(email: string, password: string): Promise<AuthUser> {
  let res: Response;
  try {
    res = await postJson('/auth/login', { email, password });
  } catch {
    throw new AuthError('Cannot reach the server. Check your connection and try again.', 0);
  }
  if (res.status === 401) throw await errorFrom(res, 'Invalid email or password.');
  if (res.status === 429) {
    const err = await errorFrom(res, 'Too many sign-in attempts.');
    const wait = err.retryAfter ? ` Try again in ${err.retryAfter} s.` : ' Try again shortly.';
    throw new AuthError('Too many sign-in attempts.' + wait, 429, err.code, err.retryAfter);
  }
  if (!res.ok) throw await errorFrom(res, `Sign-in failed (HTTP ${res.status}).`);
  const payload: unknown = await res.json();
  if (!isAuthPayload(payload)) throw new AuthError('Unexpected response from the server.', res.status);
  acceptPayload(payload);
  return payload.user;
}

async function doRefresh(): Promise<boolean> {
  try {
    const res = await postJson('/auth/refresh', {});
    if (!res.ok) {
      lastRefreshRefusal = res.status === 401 ? (await errorFrom(res, '')).message : null;
      return false;
    }
    const payload: unknown = await res.json();
    if (!isAuthPayload(payload)) return false;
    lastRefreshRefusal = null;
    acceptPayload(payload);
    return true;
  } catch {
    lastRefreshRefusal = null;
    return false;
  }
}

/**
 * Ends a session that could not be renewed, saying why: "access removed" when the server
 * answered "account disabled" (to the refresh or to the request itself, `serverMessage`),
 * else "session expired".
 */
export function endExpiredSession(serverMessage?: string | null) {
  const disabled = isAccountDisabled(serverMessage) || isAccountDisabled(lastRefreshRefusal);
  endSession(disabled ? ACCESS_REMOVED_NOTICE : SESSION_EXPIRED_NOTICE);
}

/**
 * Exchanges the refresh cookie for a new access token. Concurrent callers share
 * one request; across tabs the Web Locks API (where available) serialises
 * refreshes so a rotated cookie is never presented twice. When another tab
 * renewed (or signed in) while this one waited for the lock, its token is used
 * and the cookie is not rotated again.
 */
export function refreshSession(): Promise<boolean> {
  if (inflightRefresh) return inflightRefresh;
  listenToOtherTabs();
  const serial = tokenSerial;
  const renew = () => (tokenSerial !== serial && accessToken ? Promise.resolve(true) : doRefresh());
  const locks = typeof navigator !== 'undefined' ? (navigator as Navigator & { locks?: LockManager }).locks : undefined;
  const run: Promise<boolean> = locks
    ? (locks.request('leadscore-auth-refresh', renew) as unknown as Promise<boolean>)
    : renew();
  const p = run.finally(() => {
    inflightRefresh = null;
  });
  inflightRefresh = p;
  return p;
}

/** Called once at start-up: restores the session from the refresh cookie, if any. */
export async function restoreSession(): Promise<void> {
  const ok = await refreshSession();
  // No cookie is the usual anonymous start; a deactivated account is told so.
  if (!ok && state.status !== 'authenticated') endSession(isAccountDisabled(lastRefreshRefusal) ? ACCESS_REMOVED_NOTICE : null);
}

/** Signs out here and in every other tab; the server revokes the cookie's family and this access token. */
export async function logout(): Promise<void> {
  const token = accessToken;
  try {
    await postJson('/auth/logout', {}, token ? { Authorization: `Bearer ${token}` } : {});
  } catch {
    /* the local session is cleared regardless */
  }
  signedOutAt = Date.now();
  endSession(null);
  tellOtherTabs({ type: 'signed-out' });
}

/** Test helper: resets module state. */
export function __resetSessionForTests(status: SessionStatus = 'loading') {
  accessToken = null;
  accessExpiresAt = 0;
  signedOutAt = 0;
  channel?.close();
  channel = null;
  if (refreshTimer) clearTimeout(refreshTimer);
  refreshTimer = null;
  inflightRefresh = null;
  lastRefreshRefusal = null;
  state = { status, user: null, generation: 0, notice: null };
}

/** Test helper: installs a session without a network round trip. */
export function __setSessionForTests(user: AuthUser, token = 'test-token') {
  accessToken = token;
  accessExpiresAt = Date.now() + 900_000;
  state = { status: 'authenticated', user, generation: state.generation + 1, notice: null };
  listeners.forEach((l) => l());
}
