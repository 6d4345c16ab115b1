// OpenAIClient: a typed client of the OpenAI Files + Batches API and the models it exchanges.
