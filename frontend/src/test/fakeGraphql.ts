import { vi } from 'vitest';
import { json } from './fakeApi';

export interface OperationCall {
  operationName: string;
  variables: Record<string, unknown>;
}

/** An error a fake answers an operation with, as the API words it (`details` name bad fields). */
export interface FakeError {
  message: string;
  code: string;
  details?: { field: string; message: string }[];
}

/**
 * Stubs `fetch` with a fake POST /graphql (any other URL is a 404) that records every call and
 * answers with `errors[operationName]` when there is one, else with `answer`.
 */
export function stubGraphqlFetch(
  answer: (operationName: string, variables: Record<string, unknown>) => Response,
  errors: Partial<Record<string, FakeError>> = {},
) {
  const calls: OperationCall[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.toString() : input.url;
    if (url !== '/graphql') return new Response('not found', { status: 404 });
    const body = JSON.parse(String(init?.body ?? '{}')) as OperationCall;
    calls.push({ operationName: body.operationName, variables: body.variables });
    const error = errors[body.operationName];
    if (error) {
      const extensions = { code: error.code, ...(error.details ? { details: error.details, field: error.details[0]?.field } : {}) };
      return json({ data: null, errors: [{ message: error.message, extensions }] });
    }
    return answer(body.operationName, body.variables);
  });
  vi.stubGlobal('fetch', fetchMock);
  return {
    fetchMock,
    calls,
    callsOf: (name: string) => calls.filter((c) => c.operationName === name),
  };
}

/** The answer to an operation the fake does not know. */
export function unknownOperation(operationName: string): Response {
  return json({ errors: [{ message: `unknown op ${operationName}` }] }, 400);
}
