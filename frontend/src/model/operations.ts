// GraphQL operations of the model editor (/model). The `/* GraphQL */` marker lets
// graphql-codegen type them into src/gql/. A selection used more than once is a fragment,
// defined before its users; an operation appends every fragment it spreads, nested ones too
// (`${...}`), each once: src/operations.test.ts checks each document against the schema.
// The scoring parameters' fragment is the dashboard's (src/api/operations.ts).

import { SCORING_CONFIG_FIELDS } from '../api/operations';

/** One row of a rate table: a score band or a priority tier, with its interval. */
const RATE_ROW_FIELDS = /* GraphQL */ `
  fragment RateRowFields on RateRow {
    label
    count
    conversions
    rate
    intervalLow
    intervalHigh
  }
`;

/** A model's report against the tenant's outcomes (the report adds `calibration`). */
const MODEL_REPORT_FIELDS = /* GraphQL */ `
  fragment ModelReportFields on ModelReport {
    leads
    conversions
    excluded
    overallRate
    auc
    topDecileLift
    trustworthy
    verdict
    bands {
      ...RateRowFields
    }
    tiers {
      ...RateRowFields
    }
  }
`;

/** The suggestion job as both its status query and its start mutation answer. */
const MODEL_SUGGESTION_FIELDS = /* GraphQL */ `
  fragment ModelSuggestionFields on ModelSuggestion {
    status
    startedAt
    finishedAt
    reason
    cvAuc
    explanation
    config {
      ...ScoringConfigFields
    }
  }
`;

export const MODEL_IN_FORCE_QUERY = /* GraphQL */ `
  query ModelInForce {
    scoringConfig {
      ...ScoringConfigFields
      version
    }
  }
  ${SCORING_CONFIG_FIELDS}
`;

export const MODEL_VERSIONS_QUERY = /* GraphQL */ `
  query ModelVersions {
    scoringConfigVersions {
      version
      actorId
      actorName
      at
      note
      config {
        ...ScoringConfigFields
        version
      }
      changes {
        parameter
        before
        after
      }
    }
  }
  ${SCORING_CONFIG_FIELDS}
`;

export const MODEL_REPORT_QUERY = /* GraphQL */ `
  query ModelReportView($windowDays: Int) {
    modelReport(windowDays: $windowDays) {
      ...ModelReportFields
      calibration {
        low
        high
        count
        meanPredicted
        observedRate
      }
    }
  }
  ${MODEL_REPORT_FIELDS}
  ${RATE_ROW_FIELDS}
`;

export const PREVIEW_MODEL_MUTATION = /* GraphQL */ `
  mutation PreviewModel($input: ScoringConfigInput!, $limit: Int!) {
    previewScoringConfig(input: $input, limit: $limit) {
      total
      priorities {
        priority
        count
      }
      bands {
        min
        max
        count
      }
      before {
        total
        priorities {
          priority
          count
        }
        bands {
          min
          max
          count
        }
      }
      tierChanges {
        leadId
        leadName
        fromTier
        toTier
        scoreBefore
        scoreAfter
      }
      tierChangesTotal
      backtest {
        tierChangesTotal
        current {
          ...ModelReportFields
        }
        proposed {
          ...ModelReportFields
        }
      }
    }
  }
  ${MODEL_REPORT_FIELDS}
  ${RATE_ROW_FIELDS}
`;

export const MODEL_SUGGESTION_QUERY = /* GraphQL */ `
  query ModelSuggestionStatus {
    modelSuggestion {
      ...ModelSuggestionFields
    }
  }
  ${MODEL_SUGGESTION_FIELDS}
  ${SCORING_CONFIG_FIELDS}
`;

export const START_MODEL_SUGGESTION_MUTATION = /* GraphQL */ `
  mutation StartModelSuggestion {
    startModelSuggestion {
      ...ModelSuggestionFields
    }
  }
  ${MODEL_SUGGESTION_FIELDS}
  ${SCORING_CONFIG_FIELDS}
`;

export const UPDATE_MODEL_MUTATION = /* GraphQL */ `
  mutation UpdateModel($input: ScoringConfigInput!, $note: String!) {
    updateScoringConfig(input: $input, note: $note) {
      version
    }
  }
`;

export const ROLLBACK_MODEL_MUTATION = /* GraphQL */ `
  mutation RollbackModel($version: Int!, $note: String!) {
    rollbackScoringConfig(version: $version, note: $note) {
      version
    }
  }
`;
