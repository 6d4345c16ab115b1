import BatchCore

/// Why the vocabularies of `BATCH_OPENAI_TOKENIZER_DIR` could not be loaded: the path and what is wrong.
public struct TokenizerError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Code: Equatable {
        case noVocabulary(folder: String)
        case unreadable(path: String, reason: String)
        case corrupt(path: String, reason: String)
    }

    private let code: Code

    /// The folder holds none of the vocabulary files (or is not a folder).
    static func noVocabulary(_ folder: String) -> TokenizerError { TokenizerError(code: .noVocabulary(folder: folder)) }
    /// A file could not be read.
    static func unreadable(_ path: String, _ reason: String) -> TokenizerError {
        TokenizerError(code: .unreadable(path: path, reason: reason))
    }
    /// A file is not a gzip stream or not a `.tiktoken` vocabulary.
    static func corrupt(_ path: String, _ reason: String) -> TokenizerError {
        TokenizerError(code: .corrupt(path: path, reason: reason))
    }

    /// What failed, in words.
    public var description: String {
        switch code {
        case .noVocabulary(let folder):
            let names = BPEEncoding.Name.allCases.map { "\($0.fileName)[.gz]" }.joined(separator: " or ")
            return "the tokenizer folder \(folder) holds no vocabulary (\(names))"
        case .unreadable(let path, let reason): return "cannot read the vocabulary \(path): \(reason)"
        case .corrupt(let path, let reason): return "the vocabulary \(path) is corrupt: \(reason)"
        }
    }
}
