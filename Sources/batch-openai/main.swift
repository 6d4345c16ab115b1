print("batch-openai")
