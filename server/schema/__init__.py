"""What the GraphQL API is made of, below its resolvers: object types, scalars, request checks, error presentation.

Nothing here imports ``server.resolvers`` or ``server.services``; the root types and the schema are
``server.api``.
"""
