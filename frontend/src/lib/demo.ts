/** The `<meta>` the server puts in index.html's head only in development (the demo tenant is seeded). */
export const DEMO_META_NAME = 'leadscore-demo';

/** Whether the page was served with `<meta name="leadscore-demo" content="true">`. */
export function isDemoServer(doc: Document = document): boolean {
  return doc.querySelector(`meta[name="${DEMO_META_NAME}"]`)?.getAttribute('content') === 'true';
}
