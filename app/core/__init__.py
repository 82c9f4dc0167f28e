"""Pure domain: records, forgetting curve, time expressions, ranking. Standard library only."""
