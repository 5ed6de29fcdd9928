"""Magentic-One: an orchestrator that plans, tracks progress and picks each speaker."""
