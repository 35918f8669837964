"""Behaviour state (scenario states, sequence positions, counters) behind one interface."""
