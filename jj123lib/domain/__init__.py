"""What the notice and the rules say: tiers, lights, quarters, vocabulary, rules, the task table, units."""
