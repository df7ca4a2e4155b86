"""Domain logic. Nothing here knows about GraphQL; errors are ``server.errors`` exceptions."""
