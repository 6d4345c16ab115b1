// Placeholder: tests for this target arrive with its implementation.
