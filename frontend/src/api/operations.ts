// GraphQL operations used by the dashboard. The `/* GraphQL */` marker lets
// graphql-codegen find them and generate result/variable types into src/gql/.

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
        history(days: 30) {
          at
          score
          kind
        }
        trend {
          change7d
          crossedAt
          crossedFrom
          crossedTo
        }
        raw {
          emailOpens
          websiteVisits
          timeSpent
        }
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
      stale
      hasActivity
      lastActivityAt
      computedAt
      status
      statusSetAt
      statusSetBy {
        userId
        name
      }
      breakdown {
        emailOpens
        websiteVisits
        timeSpent
        decayFactor
      }
      history(days: 30) {
        at
        score
        kind
      }
      trend {
        change7d
        crossedAt
        crossedFrom
        crossedTo
      }
      raw {
        emailOpens
        websiteVisits
        timeSpent
      }
    }
    scoringConfig {
      version
      halfLifeDays
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
      thresholds {
        hot
        warm
      }
    }
  }
`;
