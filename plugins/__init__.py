"""The platform plugins that ship with order-import, each registered through an entry point."""
