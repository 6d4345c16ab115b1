import ArgumentParser

/// The seeds' own command lines, rewritten into this binary's before ArgumentParser reads them, so that
/// they work when pasted:
///
/// - the Go example's flags (`-action create -requests "…"`, `-action get -id X`, `-action list -limit 5
///   -after X`, `-action cancel -id X`; `-flag=value` and `--flag` too; no `-action` means `list`, as
///   there) become `create --requests "…"`, `get --id X`, …; flags the action does not take are dropped,
///   as the Go program ignores them; this binary's own `--options` may be mixed in and follow as they are;
/// - `build-input … --persist-context DIR` (a folder after the flag, as the Python seed writes it)
///   becomes `--persist-context --context-dir DIR`, with Windows separators turned into `/`.
///
/// Anything else is returned unchanged.
enum SeedArguments {
    /// The Go example's flags, and the actions that take each.
    private static let goFlags: [String: Set<String>] = [
        "model": ["create"], "requests": ["create"], "file": ["create"],
        "id": ["get", "cancel"], "after": ["list"], "limit": ["list"],
    ]
    private static let actions = ["create", "get", "cancel", "list"]

    /// `arguments` without the program name, rewritten when they are a seed's; a malformed Go form is a
    /// usage error.
    static func rewrite(_ arguments: [String]) throws -> [String] {
        if let goStyle = try rewriteGoFlags(arguments) { return goStyle }
        if arguments.first == "build-input" { return rewritePersistContext(arguments) }
        return arguments
    }

    /// `-name`, `--name`, `-name=value` → (name, inline value), for the Go example's flags only.
    private static func goFlag(_ token: String) -> (name: String, value: String?)? {
        guard token.hasPrefix("-"), token != "-", token != "--" else { return nil }
        let body = token.hasPrefix("--") ? token.dropFirst(2) : token.dropFirst()
        let parts = body.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        let name = String(parts[0])
        guard name == "action" || goFlags[name] != nil else { return nil }
        return (name, parts.count > 1 ? String(parts[1]) : nil)
    }

    /// The Go form when the line starts with one of its flags (`-action`, or `-limit`… meaning `list`).
    private static func rewriteGoFlags(_ arguments: [String]) throws -> [String]? {
        guard let first = arguments.first, let head = goFlag(first),
              first.hasPrefix("--") ? head.name == "action" : true else { return nil }
        var action = "list"
        var flags: [(String, String)] = []
        var ours: [String] = []
        var index = 0
        while index < arguments.count {
            let token = arguments[index]
            if token == "-h" || token == "-help" || token == "--help" { return [namedAction(in: arguments) ?? "list", "--help"] }
            // This binary's own options (`--json`, `--env-file F`) may be mixed in; they follow unchanged. The
            // Go form has no bare words, so one after such an option is its value.
            if token.hasPrefix("--"), goFlag(token) == nil {
                ours.append(token)
                index += 1
                if index < arguments.count, !arguments[index].hasPrefix("-") {
                    ours.append(arguments[index])
                    index += 1
                }
                continue
            }
            guard let (name, inline) = goFlag(token) else {
                throw ValidationError("\(token): not a flag of the Go example's form (expected -action, -model, -requests, -file, -id, -after or -limit)")
            }
            var value = inline
            if value == nil {
                index += 1
                guard index < arguments.count else { throw ValidationError("-\(name) needs a value") }
                value = arguments[index]
            }
            if name == "action" { action = value ?? "" } else { flags.append((name, value ?? "")) }
            index += 1
        }
        guard actions.contains(action) else {
            throw ValidationError("-action \(action): expected create, get, cancel or list")
        }
        return [action] + flags.filter { goFlags[$0.0]?.contains(action) == true }.flatMap { ["--" + $0.0, $0.1] } + ours
    }

    /// The `-action` value, for `-help`.
    private static func namedAction(in arguments: [String]) -> String? {
        for (index, token) in arguments.enumerated() {
            guard let (name, inline) = goFlag(token), name == "action" else { continue }
            let value = inline ?? (index + 1 < arguments.count ? arguments[index + 1] : nil)
            return value.flatMap { actions.contains($0) ? $0 : nil }
        }
        return nil
    }

    /// `--persist-context DIR` and `--persist-context=DIR` → `--persist-context --context-dir DIR`.
    private static func rewritePersistContext(_ arguments: [String]) -> [String] {
        var result: [String] = []
        var index = 0
        while index < arguments.count {
            let token = arguments[index]
            index += 1
            if token.hasPrefix("--persist-context=") {
                result += ["--persist-context", "--context-dir", folder(String(token.dropFirst("--persist-context=".count)))]
            } else if token == "--persist-context", index < arguments.count, !arguments[index].hasPrefix("-") {
                result += ["--persist-context", "--context-dir", folder(arguments[index])]
                index += 1
            } else {
                result.append(token)
            }
        }
        return result
    }

    /// The seed writes Windows paths (`inputs\\compiled`); here they mean the same folder.
    private static func folder(_ path: String) -> String {
        String(path.map { $0 == "\\" ? "/" : $0 })
    }
}
