import { endExpiredSession, getAccessToken, refreshSession } from '../auth/session';
import { asSentence } from '../lib/serverMessage';

/** extensions.code values the API uses. */
export type GraphQLErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'BAD_USER_INPUT'
  | 'RATE_LIMITED'
  | 'INTERNAL_SERVER_ERROR';

interface GraphQLErrorEntry {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; [k: string]: unknown };
}

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: GraphQLErrorEntry[];
}

export class GraphQLRequestError extends Error {
  readonly code: string | undefined;
  readonly status: number;
  readonly errors: GraphQLErrorEntry[];
  constructor(message: string, code: string | undefined, status: number, errors: GraphQLErrorEntry[] = []) {
    super(message);
    this.name = 'GraphQLRequestError';
    this.code = code;
    this.status = status;
    this.errors = errors;
  }
}

/** A short message for people, by error code. */
export function describeError(err: unknown): string {
  if (err instanceof GraphQLRequestError) {
    switch (err.code) {
      case 'UNAUTHENTICATED':
        return 'Your session has expired. Please sign in again.';
      case 'FORBIDDEN':
        return 'You do not have permission to see this.';
      case 'RATE_LIMITED':
        return 'Too many requests — please wait a moment and retry.';
      case 'BAD_USER_INPUT':
        return err.message ? asSentence(err.message) : 'The request was not valid.';
      case 'NETWORK':
        return 'Cannot reach the server. Check your connection and retry.';
      default:
        return 'The server could not load this data. Please retry.';
    }
  }
  return 'Something went wrong. Please retry.';
}

async function send<T>(query: string, variables: unknown, operationName?: string): Promise<T> {
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    Accept: 'application/json',
  };
  const token = getAccessToken();
  if (token) headers.Authorization = `Bearer ${token}`;

  let res: Response;
  try {
    res = await fetch('/graphql', {
      method: 'POST',
      credentials: 'same-origin',
      headers,
      body: JSON.stringify({ query, variables, ...(operationName ? { operationName } : {}) }),
    });
  } catch {
    throw new GraphQLRequestError('Network error', 'NETWORK', 0);
  }

  let body: GraphQLResponse<T> | null = null;
  try {
    body = (await res.json()) as GraphQLResponse<T>;
  } catch {
    body = null;
  }

  const errors = body?.errors ?? [];
  if (errors.length > 0) {
    const first = errors[0]!;
    const code =
      errors.find((e) => e.extensions?.code === 'UNAUTHENTICATED')?.extensions?.code ?? first.extensions?.code;
    throw new GraphQLRequestError(first.message, code, res.status, errors);
  }
  if (res.status === 401) throw new GraphQLRequestError('Unauthenticated', 'UNAUTHENTICATED', 401);
  if (res.status === 429) throw new GraphQLRequestError('Rate limited', 'RATE_LIMITED', 429);
  if (!res.ok || !body || body.data == null) {
    throw new GraphQLRequestError(`HTTP ${res.status}`, 'INTERNAL_SERVER_ERROR', res.status);
  }
  return body.data;
}

/** The server's message of the UNAUTHENTICATED error, e.g. "account disabled". */
function unauthenticatedMessage(err: GraphQLRequestError): string {
  return err.errors.find((e) => e.extensions?.code === 'UNAUTHENTICATED')?.message ?? err.message;
}

function operationNameOf(query: string): string | undefined {
  return /\b(?:query|mutation)\s+([A-Za-z_][A-Za-z0-9_]*)/.exec(query)?.[1];
}

/**
 * POST /graphql with the in-memory bearer token. On UNAUTHENTICATED it refreshes
 * the session once (via the httpOnly cookie) and retries; if that fails the
 * session ends and the app falls back to the sign-in page.
 */
export async function gqlRequest<TData, TVariables = Record<string, never>>(
  query: string,
  variables?: TVariables,
): Promise<TData> {
  const op = operationNameOf(query);
  try {
    return await send<TData>(query, variables ?? {}, op);
  } catch (err) {
    if (!(err instanceof GraphQLRequestError) || err.code !== 'UNAUTHENTICATED') throw err;
    const refreshed = await refreshSession();
    if (!refreshed) {
      endExpiredSession(unauthenticatedMessage(err));
      throw err;
    }
    try {
      return await send<TData>(query, variables ?? {}, op);
    } catch (retryErr) {
      if (retryErr instanceof GraphQLRequestError && retryErr.code === 'UNAUTHENTICATED') {
        endExpiredSession(unauthenticatedMessage(retryErr));
      }
      throw retryErr;
    }
  }
}
