// Monaco (GraphiQL 5's editor) runs its language services in web workers. Vite has to
// see each worker as a `?worker` import so it bundles it as a same-origin file under
// /assets/ — no CDN, no blob: URLs, so the page's CSP can stay at worker-src 'self'.
// (Same as `graphiql/setup-workers/vite`, minus its console.info on every worker.)
import EditorWorker from 'monaco-editor/esm/vs/editor/editor.worker.js?worker';
import JsonWorker from 'monaco-editor/esm/vs/language/json/json.worker.js?worker';
import GraphQLWorker from 'monaco-graphql/esm/graphql.worker.js?worker';

type MonacoEnvironment = { getWorker(workerId: string, label: string): Worker };

(globalThis as typeof globalThis & { MonacoEnvironment?: MonacoEnvironment }).MonacoEnvironment = {
  getWorker(_workerId: string, label: string): Worker {
    switch (label) {
      case 'json':
        return new JsonWorker();
      case 'graphql':
        return new GraphQLWorker();
      default:
        return new EditorWorker();
    }
  },
};
