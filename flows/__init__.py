"""Orchestration: the only room that knows the order of the steps, and the `deflator` command."""
