import OpenAIClient
import BatchCore
import OutputParser

// The types the coordinator answers with, under BatchService's name, so that a layer above it (the REST API)
// speaks to BatchService alone and does not import the modules BatchService is built on.

/// A batch as the API returns it (OpenAIClient's model).
public typealias Batch = OpenAIClient.Batch
/// A batch's request counts: total, completed, failed (OpenAIClient's model).
public typealias BatchRequestCounts = OpenAIClient.BatchRequestCounts
/// One bad line of an input file (BatchCore's validation).
public typealias ValidationIssue = BatchCore.ValidationIssue
/// What a parse run wrote: `index.json` (OutputParser's model).
public typealias ParseIndex = OutputParser.ParseIndex
