"""Scale benchmarks of csops: landing, models and checks on simulated history (README.md)."""
