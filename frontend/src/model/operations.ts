// GraphQL operations of the model editor (/model). The `/* GraphQL */` marker lets
// graphql-codegen type them into src/gql/. Fields are spelled out (no fragments) so each
// operation reads on its own.

export const MODEL_IN_FORCE_QUERY = /* GraphQL */ `
  query ModelInForce {
    scoringConfig {
      weights {
        emailOpens
        websiteVisits
        timeSpent
      }
      caps {
        emailOpens
        websiteVisits
        timeSpent
      }
      halfLifeDays
      thresholds {
        hot
        warm
      }
      version
    }
  }
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
        weights {
          emailOpens
          websiteVisits
          timeSpent
        }
        caps {
          emailOpens
          websiteVisits
          timeSpent
        }
        halfLifeDays
        thresholds {
          hot
          warm
        }
        version
      }
      changes {
        parameter
        before
        after
      }
    }
  }
`;

export const MODEL_REPORT_QUERY = /* GraphQL */ `
  query ModelReportView($windowDays: Int) {
    modelReport(windowDays: $windowDays) {
      leads
      conversions
      excluded
      overallRate
      auc
      topDecileLift
      trustworthy
      verdict
      bands {
        label
        count
        conversions
        rate
        intervalLow
        intervalHigh
      }
      tiers {
        label
        count
        conversions
        rate
        intervalLow
        intervalHigh
      }
      calibration {
        low
        high
        count
        meanPredicted
        observedRate
      }
    }
  }
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
        fromTier
        toTier
        scoreBefore
        scoreAfter
      }
      tierChangesTotal
      backtest {
        tierChangesTotal
        current {
          leads
          conversions
          excluded
          overallRate
          auc
          topDecileLift
          trustworthy
          verdict
          tiers {
            label
            count
            conversions
            rate
            intervalLow
            intervalHigh
          }
          bands {
            label
            count
            conversions
            rate
            intervalLow
            intervalHigh
          }
        }
        proposed {
          leads
          conversions
          excluded
          overallRate
          auc
          topDecileLift
          trustworthy
          verdict
          tiers {
            label
            count
            conversions
            rate
            intervalLow
            intervalHigh
          }
          bands {
            label
            count
            conversions
            rate
            intervalLow
            intervalHigh
          }
        }
      }
    }
  }
`;

export const MODEL_SUGGESTION_QUERY = /* GraphQL */ `
  query ModelSuggestionStatus {
    modelSuggestion {
      status
      startedAt
      finishedAt
      reason
      cvAuc
      explanation
      config {
        weights {
          emailOpens
          websiteVisits
          timeSpent
        }
        caps {
          emailOpens
          websiteVisits
          timeSpent
        }
        halfLifeDays
        thresholds {
          hot
          warm
        }
      }
    }
  }
`;

export const START_MODEL_SUGGESTION_MUTATION = /* GraphQL */ `
  mutation StartModelSuggestion {
    startModelSuggestion {
      status
      startedAt
      finishedAt
      reason
      cvAuc
      explanation
      config {
        weights {
          emailOpens
          websiteVisits
          timeSpent
        }
        caps {
          emailOpens
          websiteVisits
          timeSpent
        }
        halfLifeDays
        thresholds {
          hot
          warm
        }
      }
    }
  }
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
