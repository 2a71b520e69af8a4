// GraphQL operations used by the dashboard. The `/* GraphQL */` marker lets
// graphql-codegen find them and generate result/variable types into src/gql/.
// A selection used by more than one operation is a fragment, defined before its users; an
// operation appends every fragment it spreads (`${...}`), each once: src/operations.test.ts
// checks each document against the schema. scripts/bench_tools.py reads DASHBOARD_VIEW_QUERY
// from this file and expands its `${NAME}` from the constants here, so its fragments stay here.

/** A lead as the table row and the breakdown panel show it (the panel adds `breakdown`). */
export const LEAD_FIELDS = /* GraphQL */ `
  fragment LeadFields on Lead {
    leadId
    name
    email
    company
    ownerId
    owner {
      userId
      name
    }
    score
    priority
    lastActivityAt
    computedAt
    stale
    hasActivity
    status
    statusSetAt
    statusSetBy {
      userId
      name
    }
    sparkline(days: 30)
    trend {
      change7d
      crossedAt
      crossedFrom
      crossedTo
      modelChangedAt
      modelShare7d
    }
    raw {
      emailOpens
      websiteVisits
      timeSpent
    }
  }
`;

/** The scoring parameters; `version` is asked for beside it where the operation needs it. */
export const SCORING_CONFIG_FIELDS = /* GraphQL */ `
  fragment ScoringConfigFields on ScoringConfig {
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
`;

/**
 * One request per dashboard view: the leads page, the score distribution for the same
 * filter, the owners, the data-quality counts and (on first load only) `me`. The 60 s
 * auto-refresh re-sends exactly this operation.
 */
export const DASHBOARD_VIEW_QUERY = /* GraphQL */ `
  query DashboardView(
    $filter: LeadFilter
    $sort: LeadSort!
    $page: Int!
    $limit: Int!
    $refresh: Boolean!
    $staleDays: Int!
    $withMe: Boolean!
  ) {
    me @include(if: $withMe) {
      userId
      name
      role
      tenantName
    }
    leads(filter: $filter, sort: $sort, page: $page, limit: $limit, refresh: $refresh) {
      totalCount
      page
      limit
      hasNextPage
      refreshed
      items {
        ...LeadFields
      }
    }
    scoreDistribution(filter: $filter) {
      total
      bands {
        min
        max
        count
      }
      priorities {
        priority
        count
      }
    }
    owners {
      userId
      name
    }
    dataQuality(staleDays: $staleDays) {
      total
      noActivity
      stale
      staleDays
    }
  }
  ${LEAD_FIELDS}
`;

/**
 * The signed-in user for the header on a page that does not send DashboardView (/model or
 * /admin loaded directly). Its selection repeats DashboardView's `me` rather than sharing a
 * fragment: the server recognises DashboardView token for token (gql/dashboard_view.py).
 */
export const ME_QUERY = /* GraphQL */ `
  query Me {
    me {
      userId
      name
      role
      tenantName
    }
  }
`;

export const SET_LEAD_STATUS_MUTATION = /* GraphQL */ `
  mutation SetLeadStatus($leadId: String!, $status: LeadStatus!) {
    setLeadStatus(leadId: $leadId, status: $status) {
      leadId
      status
      statusSetAt
      statusSetBy {
        userId
        name
      }
    }
  }
`;

export const LEAD_DETAIL_QUERY = /* GraphQL */ `
  query LeadDetail($leadId: String!) {
    lead(leadId: $leadId) {
      ...LeadFields
      breakdown {
        emailOpens
        websiteVisits
        timeSpent
        decayFactor
      }
    }
    scoringConfig {
      ...ScoringConfigFields
      version
    }
  }
  ${LEAD_FIELDS}
  ${SCORING_CONFIG_FIELDS}
`;
