// Filled in by the explorer feature.
