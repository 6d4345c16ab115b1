// Placeholder: the InputBuilder target is built by a later issue (see DESIGN.md §3 for its job).
