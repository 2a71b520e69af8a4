// The version history as the editor shows it: the stored versions, newest first, plus the
// starting model (version 1, never stored by the server) recovered from the first diff.
import type { ModelVersionsQuery, ScoringConfigInput } from '../gql/graphql';
import type { HistoryEntry } from './VersionHistory';

type Stored = ModelVersionsQuery['scoringConfigVersions'][number];

/** The parameters of a stored version as a GraphQL input. */
export function inputOfConfig(config: Stored['config']): ScoringConfigInput {
  return {
    weights: { ...config.weights },
    caps: { ...config.caps },
    halfLifeDays: config.halfLifeDays,
    thresholds: { hot: config.thresholds.hot, warm: config.thresholds.warm },
  };
}

/** The model before `version`: its parameters with each change's `before` value put back. */
export function modelBefore(version: Stored): ScoringConfigInput {
  const model = inputOfConfig(version.config);
  for (const change of version.changes) {
    const [group, factor] = change.parameter.split('.') as [string, string | undefined];
    if (group === 'halfLifeDays') model.halfLifeDays = change.before;
    else if (group === 'weights' && factor) model.weights = { ...model.weights, [factor]: change.before };
    else if (group === 'caps' && factor) model.caps = { ...model.caps, [factor]: change.before };
    else if (group === 'thresholds' && factor) model.thresholds = { ...model.thresholds, [factor]: change.before };
  }
  return model;
}

export interface History {
  entries: HistoryEntry[];
  /** The starting model's parameters, when the history reaches back to it. */
  starting: ScoringConfigInput | null;
}

/** Stored versions (newest first) and, when the oldest is version 2, the starting model. */
export function historyOf(versions: Stored[]): History {
  const entries: HistoryEntry[] = versions.map((v) => ({
    version: v.version,
    actorId: v.actorId,
    actorName: v.actorName,
    at: v.at,
    note: v.note,
    changes: v.changes,
    stored: true,
  }));
  const oldest = versions[versions.length - 1];
  if (!oldest || oldest.version !== 2) return { entries, starting: null };
  entries.push({ version: 1, actorId: null, actorName: null, at: null, note: '', changes: oldest.changes, stored: false });
  return { entries, starting: modelBefore(oldest) };
}
