"""Performance benchmark: ``python -m benchmarks.run`` (``make benchmark``); see README.md."""
