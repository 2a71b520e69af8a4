// GraphQL operations used by the dashboard. The `/* GraphQL */` marker lets
// graphql-codegen find them and generate result/variable types into src/gql/.

export const LEADS_QUERY = /* GraphQL */ `
  query Leads($filter: LeadFilter, $sort: LeadSort!, $page: Int!, $limit: Int!, $refresh: Boolean!) {
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
        raw {
          emailOpens
          websiteVisits
          timeSpent
        }
      }
    }
  }
`;

export const OWNERS_QUERY = /* GraphQL */ `
  query Owners {
    owners {
      userId
      name
    }
  }
`;

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

export const SCORE_DISTRIBUTION_QUERY = /* GraphQL */ `
  query ScoreDistribution($filter: LeadFilter) {
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
  }
`;

export const LEAD_DETAIL_QUERY = /* GraphQL */ `
  query LeadDetail($leadId: String!) {
    lead(leadId: $leadId) {
      leadId
      name
      email
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
      breakdown {
        emailOpens
        websiteVisits
        timeSpent
        decayFactor
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
