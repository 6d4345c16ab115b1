@testable import BatchAPI
import HTTPServer
import BatchService
import Testing

/// Request bodies read with FastAPI's tolerance, and refused with messages that name the field.
@Suite("request fields")
struct RequestFieldTests {
    static func fields(_ json: String) throws -> FieldReader {
        try FieldReader.decode(Array(json.utf8), expected: "things", emptyIsObject: true)
    }

    @Test(arguments: [(#"{"poll_interval":5}"#, 5.0), (#"{"poll_interval":"2.5"}"#, 2.5), (#"{"poll_interval":" 7 "}"#, 7.0), ("{}", 5.0)])
    func pollIntervalIsANumberOrANumericString(json: String, expected: Double) throws {
        #expect(try WaitBody(try Self.fields(json)).pollInterval == expected)
    }

    @Test(arguments: [("true", true), ("\"true\"", true), ("\"False\"", false), ("\"1\"", true), ("0", false), ("\"off\"", false)])
    func doParseIsABooleanOrItsSpelling(value: String, expected: Bool) throws {
        let run = try RunBody(try Self.fields(#"{"input_path":"a.jsonl","do_parse":\#(value)}"#), defaultModel: "m")
        #expect(run.request.doParse == expected)
    }

    @Test func formFieldsAreText() throws {
        let fields = FieldReader(form: [("poll_interval", "5"), ("do_parse", "true"), ("job_name", "demo"), ("completion_window", "24h")])
        let run = try RunBody(upload: .uploadedFile(path: "/tmp/x.jsonl", filename: "x.jsonl"), form: fields)
        #expect(run.request.pollInterval == 5)
        #expect(run.request.doParse)
        #expect(run.request.submission.jobName == "demo")
    }

    @Test func requestsBecomeLinesAndSpecTakesTheDefaultModel() throws {
        let submit = try SubmitBody(try Self.fields(#"{"requests":[{"custom_id":"a","body":{"max_tokens":1000,"temperature":0.7}}],"force":"true"}"#), defaultModel: "m")
        guard case .lines(let lines) = submit.request.input else { Issue.record("not lines"); return }
        #expect(lines == [#"{"body":{"max_tokens":1000,"temperature":0.7},"custom_id":"a"}"#])
        #expect(submit.request.force)
        // Issue 11 §18: a spec without a model takes the configured default (BATCH_OPENAI_MODEL), as the CLI does.
        let defaulted = try SubmitBody(try Self.fields(#"{"spec":"user: hi"}"#), defaultModel: "gpt-test-default")
        guard case .spec(_, let model) = defaulted.request.input else { Issue.record("not a spec"); return }
        #expect(model == "gpt-test-default")
        #expect(throws: APIProblem.self) { try SubmitBody(try Self.fields(#"{"spec":"user: hi","model":""}"#), defaultModel: "m") }
        #expect(throws: APIProblem.self) { try SubmitBody(try Self.fields(#"{"input_path":"a.jsonl","model":"x"}"#), defaultModel: "m") }
        let spec = try SubmitBody(try Self.fields(#"{"spec":"user: hi","model":"gpt-4o-mini","metadata":{"n":3}}"#), defaultModel: "m")
        #expect(spec.request.metadata == ["n": "3"])
        guard case .spec(_, let named) = spec.request.input else { Issue.record("not a spec"); return }
        #expect(named == "gpt-4o-mini")
    }

    @Test(arguments: [
        (#"{"input_path":5}"#, "'input_path' is a number; expected a string."),
        (#"{"requests":[1]}"#, "'requests[0]' is a number; expected a request line object"),
        (#"{"requests":[]}"#, "'requests' is empty"),
        (#"{"input_path":"a.jsonl","completion_window":"48h"}"#, "supports only \"24h\""),
        (#"{"input_path":"a.jsonl","metadata":"x"}"#, "'metadata' is a string; expected an object of strings."),
        (#"{}"#, "Missing the requests: expected 'input_path'"),
        ("[]", "The request body is an array; expected a JSON object with"),
        ("{\"a\":", "The request body is not valid JSON"),
    ])
    func refusalsNameTheFieldAndWhatWasExpected(json: String, message: String) throws {
        do {
            _ = try SubmitBody(try FieldReader.decode(Array(json.utf8), expected: SubmitBody.expected, emptyIsObject: false), defaultModel: "m")
            Issue.record("accepted \(json)")
        } catch {
            #expect(error.status.code == 400)
            #expect(error.detail?.contains(message) == true, "\(error.detail ?? "")")
        }
    }

    /// Issue 11 §11: a member a body does not define is a 400 naming it, never silently dropped.
    @Test(arguments: [
        ("submit", #"{"input_path":"a.jsonl","poll_interval":5}"#, "poll_interval"),
        ("submit", #"{"input_path":"a.jsonl","jobname":"x"}"#, "jobname"),
        ("run", #"{"input_path":"a.jsonl","do_parse":true,"only":["x"]}"#, "only"),
        ("wait", #"{"poll_interval":1,"force":true}"#, "force"),
        ("parse", #"{"force":true,"poll_interval":1}"#, "poll_interval"),
    ])
    func unknownMembersAreRefusedByName(body: String, json: String, member: String) throws {
        let fields = try Self.fields(json)
        do {
            switch body {
            case "submit": _ = try SubmitBody(fields, defaultModel: "m")
            case "run": _ = try RunBody(fields, defaultModel: "m")
            case "wait": _ = try WaitBody(fields)
            default: _ = try ParseBody(fields)
            }
            Issue.record("accepted \(json)")
        } catch {
            #expect(error.status.code == 400)
            #expect(error.detail?.contains("'\(member)' is not a member") == true, "\(error.detail ?? "")")
            #expect(error.extensions["param"] as? String == member)
        }
    }

    /// Found by schemathesis: `null` for a typed member was read as "not given" though the schema forbids it.
    @Test(arguments: [#"{"force":false,"only":null}"#, #"{"input_path":null,"spec":"user: hi"}"#])
    func nullMembersAreRefused(json: String) throws {
        let fields = try Self.fields(json)
        let result = json.contains("only") ? Result { try ParseBody(fields) }.map { _ in () } : Result { try SubmitBody(fields, defaultModel: "m") }.map { _ in () }
        #expect(throws: APIProblem.self) { try result.get() }
    }

    /// The seed's run-file form (`job_name`, `completion_window`, `poll_interval`, `do_parse`) stays valid;
    /// another field is refused by name.
    @Test func runFileFormFieldsAreCheckedToo() throws {
        let seed = FieldReader(form: [("job_name", "demo"), ("completion_window", "24h"), ("poll_interval", "5"), ("do_parse", "true")])
        #expect(try RunBody(upload: .uploadedFile(path: "/tmp/x.jsonl", filename: "x.jsonl"), form: seed).request.pollInterval == 5)
        let typo = FieldReader(form: [("job_name", "demo"), ("pol_interval", "5")])
        #expect(throws: APIProblem.self) { try RunBody(upload: .uploadedFile(path: "/tmp/x.jsonl", filename: "x.jsonl"), form: typo) }
    }

    @Test(arguments: [("0", false), ("-1", false), ("0.01", true), ("3600", true), ("3601", false), ("\"abc\"", false), ("true", false)])
    func pollIntervalBounds(value: String, accepted: Bool) throws {
        let result = Result { try WaitBody(try Self.fields(#"{"poll_interval":\#(value)}"#)) }
        #expect(((try? result.get()) != nil) == accepted)
    }

    @Test func preferRespondAsyncIsFoundAmongOtherPreferences() {
        var headers = HTTPHeaders()
        headers.add(name: "Prefer", value: "wait=10, Respond-Async; x=1")
        #expect(Preference.respondAsync(headers))
        var other = HTTPHeaders()
        other.add(name: "Prefer", value: "return=minimal")
        #expect(!Preference.respondAsync(other))
        #expect(!Preference.respondAsync(HTTPHeaders()))
    }
}
