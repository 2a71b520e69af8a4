/** The `<meta>` the server puts in index.html when GET /graphql serves GraphiQL (GRAPHIQL_ENABLED). */
export const EXPLORER_META_NAME = 'leadscore-graphiql';

/** Whether the server serves the GraphQL explorer (off by default in production). */
export function isExplorerServed(doc: Document = document): boolean {
  return doc.querySelector(`meta[name="${EXPLORER_META_NAME}"]`)?.getAttribute('content') === 'true';
}

/** Managers and admins use the GraphQL explorer (RevOps work), when the server serves it; reps do not see it. */
export function canUseExplorer(role: string | null | undefined, doc: Document = document): boolean {
  const r = (role ?? '').toLowerCase();
  return (r === 'manager' || r === 'admin') && isExplorerServed(doc);
}
