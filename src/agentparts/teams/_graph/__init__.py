"""GraphFlow: a team run in the order of a directed graph."""
