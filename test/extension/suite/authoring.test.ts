// Filled in by the authoring feature.
