import { useState } from 'react';
import { exportFileName, fetchCsv, saveBlob } from '../api/exportCsv';
import { btn } from './DashboardFilters';

/** Downloads the current view (every page) as CSV from `GET /leads/scoring?format=csv`. */
export function ExportButton({ url }: { url: string }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function onExport() {
    setBusy(true);
    setError(null);
    try {
      saveBlob(await fetchCsv(url), exportFileName());
    } catch (err) {
      setError(err instanceof Error ? err.message : 'The export failed.');
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <button type="button" className={btn} onClick={() => void onExport()} disabled={busy} aria-busy={busy} data-export-url={url}>
        <span aria-hidden="true">⤓</span>
        {busy ? 'Exporting…' : 'Export CSV'}
      </button>
      {error && (
        <p role="alert" className="basis-full rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
          Export failed: {error}
        </p>
      )}
    </>
  );
}
