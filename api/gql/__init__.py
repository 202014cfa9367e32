"""The GraphQL API: contract/core.graphql and the navigation an investigator expects around it."""
