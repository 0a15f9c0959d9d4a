"""The GraphQL API: a Strawberry schema over the repositories, served at `/graphql`."""
