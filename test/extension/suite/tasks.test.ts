// Filled in by the tasks feature.
