"""Scale benchmarks of govcloud: synthetic sites of N agencies, validate and synth timings, the SDK floor."""
