import { useEffect, useRef, useState } from 'react';
import { gqlRequest } from '../api/client';
import type { PreviewModelMutation, PreviewModelMutationVariables, ScoringConfigInput } from '../gql/graphql';
import { PREVIEW_MODEL_MUTATION } from './operations';

export type Preview = PreviewModelMutation['previewScoringConfig'];

/** Wait this long after the last change before asking for a preview (the user may still be typing). */
export const PREVIEW_DEBOUNCE_MS = 300;
/** How many tier changes the preview lists. */
export const PREVIEW_LIMIT = 50;

export interface PreviewState {
  data: Preview | null;
  error: unknown;
  loading: boolean;
}

/**
 * The preview of `input` (null: nothing to preview), asked for once per burst of changes,
 * PREVIEW_DEBOUNCE_MS after the last one; an answer to an older input is dropped.
 */
export function usePreview(input: ScoringConfigInput | null): PreviewState {
  const key = input ? JSON.stringify(input) : null;
  const [state, setState] = useState<PreviewState>({ data: null, error: null, loading: false });
  const latest = useRef(0);

  useEffect(() => {
    const ticket = ++latest.current;
    if (key === null) {
      setState({ data: null, error: null, loading: false });
      return;
    }
    setState((s) => ({ ...s, loading: true }));
    const timer = setTimeout(() => {
      const variables = { input: JSON.parse(key) as ScoringConfigInput, limit: PREVIEW_LIMIT };
      gqlRequest<PreviewModelMutation, PreviewModelMutationVariables>(PREVIEW_MODEL_MUTATION, variables).then(
        (data) => {
          if (ticket === latest.current) setState({ data: data.previewScoringConfig, error: null, loading: false });
        },
        (error: unknown) => {
          if (ticket === latest.current) setState({ data: null, error, loading: false });
        },
      );
    }, PREVIEW_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [key]);

  return state;
}
