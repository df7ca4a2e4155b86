"""Thin resolvers: unpack arguments, call one service function, map the result."""
