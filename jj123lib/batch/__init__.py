"""The quarterly batch: job planning, the render-and-print run, worker processes."""
