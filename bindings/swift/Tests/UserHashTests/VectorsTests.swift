// Every case of the shared vectors, through the Swift package. A failure names the file and the
// case id. Semantics: crates/userhash/tests/vectors.rs and testdata/vectors/README.md.

import Foundation
import UserHash
import XCTest

extension Case {
    var identity: Identity { Identity(userId: userId, email: email) }

    func sign() throws -> String {
        var signer = try Signer(scheme: Scheme.parse(text: scheme), secret: secret ?? "")
        if let keyId { signer = try signer.withKeyId(keyId: keyId) }
        switch (attributes?.attributes, timestamp) {
        case let (attributes?, timestamp?):
            return try signer.signWithAt(identity: identity, attributes: attributes, unixSeconds: timestamp)
        case let (attributes?, nil): return try signer.signWith(identity: identity, attributes: attributes)
        case let (nil, timestamp?): return try signer.signAt(identity: identity, unixSeconds: timestamp)
        case (nil, nil): return try signer.sign(identity: identity)
        }
    }

    /// The keyring, in order, and a verifier with the case's freshness windows (nil: defaults).
    func verifier() throws -> Verifier {
        var keys = try Keyring(scheme: Scheme.parse(text: scheme))
        for key in keyring ?? [] { keys = try keys.withKey(label: key.label, secret: key.secret) }
        let defaults = try defaultFreshness()
        let freshness = Freshness(
            maxAgeSeconds: maxAge ?? defaults.maxAgeSeconds,
            maxFutureSkewSeconds: maxFutureSkew ?? defaults.maxFutureSkewSeconds,
            requireExp: requireExp ?? defaults.requireExp)
        return try Verifier(keyring: keys, freshness: freshness)
    }

    func verify() throws -> Verified {
        let verifier = try verifier()
        // Non-timestamped schemes ignore the clock; 0 keeps the run independent of real time.
        if let onlyLabel {
            return try verifier.verifyAt(identity: identity, token: token ?? "", now: now ?? 0, label: onlyLabel)
        }
        return try verifier.verifyAt(identity: identity, token: token ?? "", now: now ?? 0)
    }

    func run(operation: String) throws {
        switch operation {
        case "scheme": _ = try Scheme.parse(text: scheme)
        case "secret": _ = try Signer(scheme: Scheme.parse(text: scheme), secret: secret ?? "")
        case "sign": _ = try sign()
        // A keyring is built to verify with; an empty one is rejected when the verifier is made.
        case "keyring": _ = try verifier()
        case "verify": _ = try verify()
        default: XCTFail("\(id): unknown operation \(operation)")
        }
    }

    var outcome: Outcome? { if case .outcome(let outcome) = expected { return outcome } else { return nil } }
}

/// The vectors' code of whatever was thrown: the variant's `ErrorCode`, never the message text.
func code(of error: Error) -> String {
    (error as? UserHashError)?.code.name ?? "not a UserHashError: \(error)"
}

/// What an operation gave: its value, or the code of the error it threw.
enum Got: Equatable {
    case value(String), error(String)
    init(_ body: () throws -> String) {
        do { self = .value(try body()) } catch { self = .error(code(of: error)) }
    }
}

final class VectorsTests: XCTestCase {
    func testEveryFileIsLoaded() throws {
        let files = try vectorFiles()
        XCTAssertGreaterThanOrEqual(files.count, 20, "vector files in \(vectorsDirectory.path)")
        for name in try presetNames() {
            XCTAssert(files.contains { $0.name == "\(name).json" }, "no vectors for preset \(name)")
        }
        let all = files.flatMap { $0.vectors.sign + $0.vectors.verify + $0.vectors.errors + $0.vectors.explain + $0.vectors.gate }
        XCTAssertEqual(Set(all.map(\.id)).count, all.count, "case ids are unique")
        print("vectors: \(all.count) cases in \(files.count) files from \(vectorsDirectory.path)")
    }

    /// u64 values up to 2^64-1 decode exactly, here and in the files (freshness.json has them),
    /// and the signed freshness windows down to negative values.
    func testIntegersDecodeAsUInt64() throws {
        let json = #"{"sign": [], "verify": [{"id": "x", "scheme": "jimo", "now": 18446744073709551615, "max_age": -1}], "errors": [], "explain": [], "gate": []}"#
        let decoded = try decodeVectors(Data(json.utf8)).verify[0]
        XCTAssertEqual(decoded.now, UInt64.max)
        XCTAssertEqual(decoded.maxAge, -1)
        let fromFiles = try cases(\.verify).map(\.case) + cases(\.errors).map(\.case) + cases(\.sign).map(\.case)
        XCTAssert(fromFiles.contains { [$0.now, $0.timestamp].contains(UInt64.max) })
        XCTAssert(fromFiles.contains { [$0.maxAge, $0.maxFutureSkew].contains(-1) })
    }

    func testSign() throws {
        let all = try cases(\.sign)
        XCTAssertGreaterThan(all.count, 100)
        for (name, vector) in all {
            guard case .token(let expected) = vector.expected else { XCTFail("\(name): no expected token"); continue }
            XCTAssertEqual(Got { try vector.sign() }, .value(expected), name)
        }
    }

    func testVerify() throws {
        let all = try cases(\.verify)
        XCTAssertGreaterThan(all.count, 100)
        for (name, vector) in all {
            guard let expected = vector.outcome else { XCTFail("\(name): no expected outcome"); continue }
            let want: Got = expected.valid ? .value(expected.label ?? "") : .error(expected.error ?? "")
            XCTAssertEqual(Got { try vector.verify().label }, want, name)
        }
    }

    func testErrors() throws {
        let all = try cases(\.errors)
        XCTAssertGreaterThan(all.count, 50)
        for (name, vector) in all {
            do {
                try vector.run(operation: vector.operation ?? "")
                XCTFail("\(name): succeeded, expected \(vector.error ?? "")")
            } catch {
                XCTAssertEqual(code(of: error), vector.error, "\(name): \(error)")
                if let secret = vector.secret, secret.count >= 4 {
                    XCTAssertFalse("\(error)".contains(secret), "\(name): secret echoed")
                    XCTAssertFalse(error.localizedDescription.contains(secret), "\(name): secret echoed")
                }
            }
        }
    }

    func testExplain() throws {
        let all = try cases(\.explain)
        XCTAssertGreaterThan(all.count, 20)
        for (name, vector) in all {
            guard let expected = vector.outcome, let token = vector.token else { XCTFail("\(name): incomplete"); continue }
            let diagnosis: Diagnosis
            do {
                diagnosis = try vector.verifier().explainAt(
                    identity: vector.identity, token: token, now: vector.now ?? 0, expectedLabel: vector.expectedLabel)
            } catch {
                XCTFail("\(name): \(error)")
                continue
            }
            let codes = diagnosis.findings.map(\.code)
            let context = "\(name): found \(codes): \(diagnosis.summary)"
            XCTAssertEqual(diagnosis.valid, expected.valid, context)
            XCTAssertEqual(diagnosis.label, expected.label, context)
            XCTAssertEqual(diagnosis.rejectionCode == nil, expected.valid, context)
            if let first = expected.first { XCTAssertEqual(codes.first, first, context) }
            let includes = expected.includes ?? []
            for cause in includes { XCTAssert(codes.contains(cause), "missing \(cause); \(context)") }
            if !expected.valid && includes.isEmpty { XCTAssertEqual(codes, [], "expected no known mistake; \(context)") }
            // A valid token's only note is the ambiguity of a separator-less concatenation.
            if expected.valid { XCTAssertEqual(codes, includes, context) }
            for finding in diagnosis.findings {
                XCTAssertFalse(finding.explanation.contains(token), "\(name): token echoed")
            }
            XCTAssertFalse(diagnosis.summary.contains(token), "\(name): token echoed")
        }
    }

    func testGate() throws {
        let all = try cases(\.gate)
        XCTAssertGreaterThan(all.count, 50)
        for (name, vector) in all {
            guard case .decision(let expected) = vector.expected else { XCTFail("\(name): no expected decision"); continue }
            let enforcement: Enforcement
            switch vector.enforcement {
            case "off": enforcement = .off
            case "report": enforcement = .report
            case "enforce": enforcement = .enforce
            default: XCTFail("\(name): unknown enforcement"); continue
            }
            let decision = try Gate(verifier: vector.verifier(), enforcement: enforcement).checkAt(
                identity: vector.identity, token: vector.token, now: vector.now ?? 0, label: vector.onlyLabel)
            let context = "\(name): \(decision)"
            XCTAssertEqual(decision.allowed, expected.allowed, context)
            XCTAssertEqual(outcomeName(decision.outcome), expected.outcome, context)
            XCTAssertEqual(decision.label, expected.label, context)
            XCTAssertEqual(decision.errorCode?.name, expected.error, context)
            XCTAssertEqual(decision.wouldDenyWhenEnforced, expected.wouldDenyWhenEnforced, context)
            let claimed = expected.claimedIdentity.map { Identity(userId: $0.userId, email: $0.email) }
            XCTAssertEqual(decision.claimedIdentity, claimed, context)
        }
    }
}

/// The vectors' spelling of a gate outcome.
func outcomeName(_ outcome: Outcome) -> String {
    switch outcome {
    case .verified: return "verified"
    case .missing: return "missing"
    case .invalid: return "invalid"
    case .unidentified: return "unidentified"
    case .notChecked: return "not_checked"
    }
}
