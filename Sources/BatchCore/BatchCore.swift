// Placeholder: the request-line model and validation rules come with the service issue.
