// The example's handlers, its configuration, its demo output format, and the built executable.

import Foundation
import IdentityVerification
import UserHash
import XCTest

private let webSecret = "TOPSECRET-example-web"
private let iosSecret = "TOPSECRET-example-ios"
private let now: UInt64 = 1_741_761_700

private func service(_ extra: [String: String] = [:]) throws -> IdentityService {
    let base = ["USERHASH_SECRET_WEB": webSecret, "USERHASH_SECRET_IOS": iosSecret, "USERHASH_ENFORCEMENT": "enforce"]
    return try IdentityService(environment: base.merging(extra) { $1 })
}

/// Sends `body` to `path`; the status and the reply as a JSON object.
private func post(_ service: IdentityService, _ path: String, _ body: String) throws -> (Int, [String: Any]) {
    let (status, reply) = service.handle(path: path, body: Data(body.utf8), now: now)
    return (status, try XCTUnwrap(JSONSerialization.jsonObject(with: reply) as? [String: Any]))
}

final class ExampleTests: XCTestCase {
    func testLoginThenVerify() throws {
        let service = try service()
        let (status, login) = try post(service, "/login", #"{"user_id": "42", "email": null}"#)
        XCTAssertEqual(status, 200)
        let hash = try XCTUnwrap(login["user_hash"] as? String)
        XCTAssertEqual(hash, try Signer(scheme: "intercom", secret: webSecret).sign(identity: Identity(userId: "42")))
        XCTAssert(login["email"] is NSNull, "nulls are written, like the Python server")

        let (ok, verified) = try post(service, "/verify", #"{"user_id": "42", "user_hash": "\#(hash)", "platform": "web"}"#)
        XCTAssertEqual(ok, 200)
        XCTAssertEqual(verified["outcome"] as? String, "verified")
        XCTAssertEqual(verified["label"] as? String, "web")
        XCTAssert(verified["diagnosis"] is NSNull)

        // The web app's hash sent from the iOS app: denied, and the diagnosis says why.
        let (denied, wrong) = try post(service, "/verify", #"{"user_id": "42", "user_hash": "\#(hash)", "platform": "ios"}"#)
        XCTAssertEqual(denied, 403)
        XCTAssertEqual(wrong["outcome"] as? String, "invalid")
        XCTAssertEqual(wrong["error_code"] as? String, "mismatch")
        XCTAssertEqual(wrong["would_deny_when_enforced"] as? Bool, true)
        let diagnosis = try XCTUnwrap(wrong["diagnosis"] as? String)
        XCTAssert(diagnosis.contains("web"), diagnosis)

        let (missing, noHash) = try post(service, "/verify", #"{"user_id": "42"}"#)
        XCTAssertEqual(missing, 403)
        XCTAssertEqual(noHash["outcome"] as? String, "missing")
        let (anonymous, visitor) = try post(service, "/verify", "{}")
        XCTAssertEqual(anonymous, 200)
        XCTAssertEqual(visitor["outcome"] as? String, "unidentified")
    }

    func testReportModeAllowsButCounts() throws {
        let (status, reply) = try post(service(["USERHASH_ENFORCEMENT": "report"]), "/verify", #"{"user_id": "42", "user_hash": "00"}"#)
        XCTAssertEqual(status, 200)
        XCTAssertEqual(reply["allowed"] as? Bool, true)
        XCTAssertEqual(reply["would_deny_when_enforced"] as? Bool, true)
        XCTAssertEqual(reply["error_code"] as? String, "malformed_token")
    }

    func testBadRequests() throws {
        let service = try service()
        let cases: [(String, String, Int, String)] = [
            ("/login", "not json", 400, "body is not JSON"),
            ("/login", "[1]", 400, "body must be a JSON object"),
            ("/login", #"{"user_id": 42}"#, 400, "user_id must be a string or null"),
            ("/verify", #"{"user_hash": true}"#, 400, "user_hash must be a string or null"),
            ("/logout", "{}", 404, "no route /logout"),
            ("/login", String(repeating: " ", count: IdentityService.maxBodyBytes + 1), 400, "body over 65536 bytes"),
        ]
        for (path, body, status, error) in cases {
            let (got, reply) = try post(service, path, body)
            XCTAssertEqual(got, status, body)
            XCTAssertEqual(reply["error"] as? String, error, body)
        }
        let (status, reply) = try post(service, "/login", #"{"user_id": "42", "platform": "android"}"#)
        XCTAssertEqual(status, 400)
        XCTAssertEqual(reply["error_code"] as? String, "unknown_label")
        let (empty, emptyReply) = try post(service, "/login", #"{"user_id": ""}"#)
        XCTAssertEqual(empty, 400)
        XCTAssertEqual(emptyReply["error_code"] as? String, "empty_field")
    }

    func testConfigurationErrorsNeverShowTheSecret() throws {
        let bad: [([String: String], String)] = [
            (["USERHASH_ENFORCEMENT": "strict"], "USERHASH_ENFORCEMENT=strict"),
            (["USERHASH_SCHEME": "intercomm"], "unknown_scheme"),
            (["USERHASH_SCHEME": "pylon"], "invalid_hex_secret"), // the secrets are not hex
            (["USERHASH_SECRET_WEB!": webSecret], "invalid_label"),
        ]
        for (environment, expected) in bad {
            XCTAssertThrowsError(try service(environment)) { error in
                let text = "\(error)"
                XCTAssert(text.contains(expected), text)
                XCTAssertFalse(text.contains(webSecret) || text.contains(iosSecret), text)
            }
        }
        XCTAssertThrowsError(try IdentityService(environment: [:])) { XCTAssert("\($0)".hasPrefix("no secrets"), "\($0)") }
        let summary = try service().summary()
        XCTAssert(summary.hasPrefix("scheme intercom, enforcement enforce, keys ios ("), summary)
        XCTAssertFalse(summary.contains(webSecret) || summary.contains(iosSecret), summary)
    }

    func testDemoFollowsTheContract() throws {
        var demo = URL(fileURLWithPath: #filePath) // examples/swift/Tests/IdentityVerificationTests/…
        for _ in 0..<4 { demo.deleteLastPathComponent() }
        demo.appendPathComponent("demo.json") // examples/demo.json
        let input = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: demo)) as? [String: Any])
        let schemes = try XCTUnwrap(input["schemes"] as? [[String: Any]])
        let identities = try XCTUnwrap(input["identities"] as? [Any])
        let payload = try XCTUnwrap(input["payload"] as? [String: Any])
        let platforms = try XCTUnwrap(payload["platforms"] as? [String])
        let all = try Demo.lines(demoJSON: Data(contentsOf: demo))
        XCTAssertEqual(all.count, (schemes.count + platforms.count) * identities.count)
        // The payload lines: the payload's JSON, vendors in the config's order.
        let vendors = try XCTUnwrap(payload["vendors"] as? [[String: Any]]).compactMap { $0["name"] as? String }
        for (n, line) in all.dropFirst(schemes.count * identities.count).enumerated() {
            XCTAssert(line.allSatisfy(\.isASCII), line)
            let fields = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            XCTAssertEqual(fields["case"] as? String, "payload/\(platforms[n / identities.count])/\(n % identities.count)")
            let body = try XCTUnwrap(fields["token"] as? String)
            let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
            XCTAssertEqual(Set(object.keys), Set(vendors), line)
            XCTAssert(body.hasPrefix(#"{"intercom":{"#), body)
        }
        let lines = Array(all.prefix(schemes.count * identities.count))
        for (n, line) in lines.enumerated() {
            XCTAssert(line.allSatisfy(\.isASCII), line)
            XCTAssert(line.hasPrefix(#"{"case": ""#) && line.contains(#", "token": "#) && line.contains(#", "verified": "#), line)
            let fields = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let name = try XCTUnwrap(schemes[n / identities.count]["name"] as? String)
            XCTAssertEqual(fields["case"] as? String, "\(name)/\(n % identities.count)")
            let verified = try XCTUnwrap(fields["verified"] as? String)
            if fields["token"] is NSNull { XCTAssertFalse(["web", "ios"].contains(verified), line) } // an error code
        }
    }

    func testJSONStringsAreWrittenLikePython() {
        XCTAssertEqual(Demo.json(nil), "null")
        XCTAssertEqual(Demo.json("a/b+c="), #""a/b+c=""#)
        XCTAssertEqual(Demo.json("\"\\\n\r\t\u{8}\u{c}\u{0}\u{1f}"), #""\"\\\n\r\t\b\f\u0000\u001f""#)
        XCTAssertEqual(Demo.json("renée 東京-🦀 \u{7f}"), #""ren\u00e9e \u6771\u4eac-\ud83e\udd80 \u007f""#)
    }

    func testExecutable() throws {
        let built = productsDirectory.appendingPathComponent("userhash-example")
        let login = try launch(built, ["login"], stdin: #"{"user_id": "42"}"#, environment: ["USERHASH_SECRET_WEB": webSecret])
        XCTAssertEqual(login.status, 0, login.stderr)
        let reply = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(login.stdout.utf8)) as? [String: Any])
        let hash = try XCTUnwrap(reply["user_hash"] as? String)
        XCTAssertFalse(login.stderr.contains(webSecret) || login.stderr.contains(hash), login.stderr)
        XCTAssert(login.stderr.contains("POST /login 200"), login.stderr)

        let environment = ["USERHASH_SECRET_WEB": webSecret, "USERHASH_ENFORCEMENT": "enforce"]
        let good = try launch(built, ["verify"], stdin: #"{"user_id": "42", "user_hash": "\#(hash)"}"#, environment: environment)
        XCTAssertEqual(good.status, 0, good.stdout)
        let bad = try launch(built, ["verify"], stdin: #"{"user_id": "43", "user_hash": "\#(hash)"}"#, environment: environment)
        XCTAssertEqual(bad.status, 1, bad.stdout)
        let unconfigured = try launch(built, ["login"], stdin: "{}", environment: [:])
        XCTAssertEqual(unconfigured.status, 2)
        XCTAssert(unconfigured.stderr.contains("no secrets"), unconfigured.stderr)
        XCTAssertEqual(try launch(built, ["nonsense"], stdin: "", environment: [:]).status, 2)
    }
}

/// Where SwiftPM put the built products (the executable sits next to the test bundle).
private var productsDirectory: URL {
    #if os(macOS)
    for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
        return bundle.bundleURL.deletingLastPathComponent()
    }
    fatalError("no .xctest bundle")
    #else
    return Bundle.main.bundleURL
    #endif
}

private func launch(_ executable: URL, _ arguments: [String], stdin: String, environment: [String: String]) throws
    -> (status: Int32, stdout: String, stderr: String)
{
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.environment = environment
    let (input, output, errors) = (Pipe(), Pipe(), Pipe())
    (process.standardInput, process.standardOutput, process.standardError) = (input, output, errors)
    try process.run()
    input.fileHandleForWriting.write(Data(stdin.utf8))
    try input.fileHandleForWriting.close()
    let out = output.fileHandleForReading.readDataToEndOfFile()
    let err = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
}
