import type { ReactElement } from 'react';
import { render } from '@testing-library/react';
import { SWRConfig } from 'swr';

/** Renders with an isolated SWR cache and no request de-duplication. */
export function renderWithSWR(ui: ReactElement) {
  return render(
    <SWRConfig value={{ provider: () => new Map(), dedupingInterval: 0 }}>{ui}</SWRConfig>,
  );
}

export function setUrl(search: string) {
  window.history.replaceState(null, '', `/${search}`);
}
