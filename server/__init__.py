"""order-import: recover orders that platform webhooks missed."""
