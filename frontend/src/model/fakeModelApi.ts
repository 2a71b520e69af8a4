import type {
  ModelInForceQuery,
  ModelReportViewQuery,
  ModelSuggestionStatusQuery,
  ModelVersionsQuery,
  PreviewModelMutation,
  ScoringConfigInput,
} from '../gql/graphql';
import { json } from '../test/fakeApi';
import { stubGraphqlFetch, unknownOperation, type FakeError } from '../test/fakeGraphql';
import { FIELDS } from './draft';

type Model = ModelInForceQuery['scoringConfig'];
type Version = ModelVersionsQuery['scoringConfigVersions'][number];
type Report = ModelReportViewQuery['modelReport'];
type Suggestion = ModelSuggestionStatusQuery['modelSuggestion'];

export const MANAGER = { userId: 'm1', tenantId: 't1', email: 'manager@acme.example', name: 'Max Manager', role: 'manager' };
export const REP = { userId: 'r1', tenantId: 't1', email: 'rep1@acme.example', name: 'Riley Rep', role: 'rep' };

function flat(m: ScoringConfigInput): Record<string, number> {
  return {
    'weights.emailOpens': m.weights.emailOpens,
    'weights.websiteVisits': m.weights.websiteVisits,
    'weights.timeSpent': m.weights.timeSpent,
    'caps.emailOpens': m.caps.emailOpens,
    'caps.websiteVisits': m.caps.websiteVisits,
    'caps.timeSpent': m.caps.timeSpent,
    halfLifeDays: m.halfLifeDays,
    'thresholds.hot': m.thresholds.hot,
    'thresholds.warm': m.thresholds.warm,
  };
}

function diff(before: ScoringConfigInput, after: ScoringConfigInput) {
  const a = flat(before);
  const b = flat(after);
  return FIELDS.filter((p) => a[p] !== b[p]).map((p) => ({ parameter: p, before: a[p]!, after: b[p]! }));
}

export function model(version: number, over: Partial<ScoringConfigInput> = {}): Model {
  return {
    weights: { emailOpens: 0.4, websiteVisits: 0.35, timeSpent: 0.25 },
    caps: { emailOpens: 10, websiteVisits: 20, timeSpent: 600 },
    halfLifeDays: 7,
    thresholds: { hot: 70, warm: 40 },
    ...over,
    version,
  };
}

const row = (label: string, count: number, conversions: number) => ({
  label,
  count,
  conversions,
  rate: count ? conversions / count : null,
  intervalLow: count ? Math.max(0, conversions / count - 0.1) : null,
  intervalHigh: count ? Math.min(1, conversions / count + 0.1) : null,
});

export function report(over: Partial<Report> = {}): Report {
  return {
    leads: 120,
    conversions: 40,
    excluded: 2,
    overallRate: 1 / 3,
    auc: 0.71,
    topDecileLift: 2.1,
    trustworthy: true,
    verdict: 'scores separate won from lost leads somewhat',
    bands: [row('0-<10', 30, 2), row('10-<20', 0, 0), row('40-<50', 50, 18), row('90-100', 40, 20)],
    tiers: [row('hot', 40, 20), row('warm', 50, 18), row('cold', 30, 2)],
    calibration: [{ low: 0, high: 0.1, count: 30, meanPredicted: 0.05, observedRate: 0.07 }],
    ...over,
  };
}

export function preview(): PreviewModelMutation['previewScoringConfig'] {
  const bands = (counts: number[]) => counts.map((count, i) => ({ min: i * 10, max: i * 10 + 10, count }));
  return {
    total: 240,
    priorities: [
      { priority: 'HOT', count: 60 },
      { priority: 'WARM', count: 80 },
      { priority: 'COLD', count: 100 },
    ],
    bands: bands([40, 30, 20, 10, 40, 40, 20, 20, 10, 10]),
    before: {
      total: 240,
      priorities: [
        { priority: 'HOT', count: 50 },
        { priority: 'WARM', count: 80 },
        { priority: 'COLD', count: 110 },
      ],
      bands: bands([50, 30, 20, 10, 40, 40, 20, 20, 5, 5]),
    },
    tierChanges: [
      { leadId: 'lead-7', leadName: 'Alex Rossi (Hooli)', fromTier: 'warm', toTier: 'hot', scoreBefore: 65.5, scoreAfter: 72.25 },
      { leadId: 'lead-9', leadName: 'lead-9', fromTier: 'cold', toTier: 'warm', scoreBefore: 38, scoreAfter: 41 },
    ],
    tierChangesTotal: 12,
    backtest: {
      tierChangesTotal: 5,
      current: report(),
      proposed: report({ auc: 0.78, topDecileLift: 2.6, trustworthy: false, verdict: 'too little data to trust: 20 conversions, need 30' }),
    },
  };
}

export interface FakeModelOptions {
  /** The statuses the suggestion goes through, one per start/poll call (the last one repeats). */
  suggestion?: Suggestion['status'][];
  suggestionReason?: string;
  errors?: Partial<Record<string, FakeError>>;
}

export const SUGGESTED: ScoringConfigInput = {
  weights: { emailOpens: 0.2, websiteVisits: 0.5, timeSpent: 0.3 },
  caps: { emailOpens: 8, websiteVisits: 25, timeSpent: 900 },
  halfLifeDays: 10,
  thresholds: { hot: 70, warm: 40 },
};

/** A fake `fetch` answering the model editor's GraphQL operations; records every call. */
export function installFakeModelApi(opts: FakeModelOptions = {}) {
  let current = model(3, { halfLifeDays: 5 });
  const v2 = model(2, { halfLifeDays: 10 });
  const versions: Version[] = [
    { version: 3, actorId: 'm1', actorName: 'Max Manager', at: '2026-11-27T10:00:00Z', note: 'faster decay', config: current, changes: [{ parameter: 'halfLifeDays', before: 10, after: 5 }] },
    { version: 2, actorId: 'a1', actorName: 'Ada Admin', at: '2026-11-20T10:00:00Z', note: 'slower decay', config: v2, changes: [{ parameter: 'halfLifeDays', before: 7, after: 10 }] },
  ];
  const statuses = opts.suggestion ?? ['ready'];
  let suggestionCalls = 0;

  function suggestion(): Suggestion {
    const status = statuses[Math.min(suggestionCalls++, statuses.length - 1)]!;
    const ready = status === 'ready';
    return {
      status,
      startedAt: '2026-11-28T10:00:00Z',
      finishedAt: status === 'pending' ? null : '2026-11-28T10:00:05Z',
      reason: status === 'thin-data' ? (opts.suggestionReason ?? '12 conversions, need 30') : null,
      cvAuc: ready ? 0.81 : null,
      explanation: ready ? ['Website visits matter most: weight 0.5.'] : [],
      config: ready ? { ...SUGGESTED, thresholds: { ...SUGGESTED.thresholds } } : null,
    };
  }

  function applyModel(next: ScoringConfigInput, note: string) {
    const version = current.version + 1;
    const changes = diff(current, next);
    current = { ...next, version };
    versions.unshift({ version, actorId: 'm1', actorName: 'Max Manager', at: '2026-11-28T11:00:00Z', note, config: current, changes });
    return { version };
  }

  const fake = stubGraphqlFetch((operationName, v) => {
    switch (operationName) {
      case 'ModelInForce':
        return json({ data: { scoringConfig: current } });
      case 'ModelVersions':
        return json({ data: { scoringConfigVersions: versions } });
      case 'ModelReportView':
        return json({ data: { modelReport: report() } });
      case 'PreviewModel':
        return json({ data: { previewScoringConfig: preview() } });
      case 'StartModelSuggestion':
        return json({ data: { startModelSuggestion: suggestion() } });
      case 'ModelSuggestionStatus':
        return json({ data: { modelSuggestion: suggestion() } });
      case 'UpdateModel':
        return json({ data: { updateScoringConfig: applyModel(v.input as ScoringConfigInput, String(v.note)) } });
      case 'RollbackModel': {
        const target = versions.find((x) => x.version === v.version)!;
        return json({ data: { rollbackScoringConfig: applyModel(target.config, String(v.note)) } });
      }
      default:
        return unknownOperation(operationName);
    }
  }, opts.errors);
  return { ...fake, current: () => current };
}
