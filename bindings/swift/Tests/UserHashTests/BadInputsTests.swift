// The bad-input matrix (testdata/bad-inputs.json, next to the vectors; format in testdata/README.md):
// every row marked for `swift`. A bad input must throw the `UserHashError` of exactly its code, a
// tricky valid input must give exactly its token or label, and no error text may show a secret or
// the token. A row marked `known_bug` must keep failing until the bug is fixed. Swift strings
// cannot hold a lone surrogate, so the rows about unencodable text are not marked for Swift.

import Foundation
import UserHash
import XCTest

/// testdata/bad-inputs.json, found from the vectors directory.
let badInputsURL = vectorsDirectory.deletingLastPathComponent().appendingPathComponent("bad-inputs.json")

/// A text input: a string, or `{"repeat": s, "count": n}`, or `{"utf16": [...]}` (nil here: it
/// may hold a lone surrogate, which a Swift String cannot).
enum MatrixText: Decodable {
    case text(String), repeated(String, Int), utf16([UInt16])

    private struct Shape: Decodable {
        let unit: String?, count: Int?, utf16: [UInt16]?
        enum CodingKeys: String, CodingKey { case unit = "repeat", count, utf16 }
    }

    init(from decoder: Decoder) throws {
        let value = try decoder.singleValueContainer()
        if let text = try? value.decode(String.self) {
            self = .text(text)
            return
        }
        let shape = try value.decode(Shape.self)
        if let unit = shape.unit, let count = shape.count {
            self = .repeated(unit, count)
        } else {
            self = .utf16(shape.utf16 ?? [])
        }
    }

    var value: String? {
        switch self {
        case .text(let text): return text
        case .repeated(let unit, let count): return String(repeating: unit, count: count)
        case .utf16: return nil
        }
    }
}

struct MatrixRow: Decodable {
    struct Key: Decodable { let label: MatrixText, secret: MatrixText }
    struct Inputs: Decodable {
        let scheme: MatrixText?, secret: MatrixText?, keyring: [Key]?, userId: MatrixText?, email: MatrixText?
        let token: MatrixText?, label: MatrixText?
        let timestamp: UInt64?, now: UInt64?, maxAge: Window?, maxFutureSkew: Window?
    }
    /// A freshness window, signed 64-bit as the binding's `Freshness` holds it. A value past
    /// `Int64` (in a row only Rust and the CLI run) decodes as `nil` rather than failing the file.
    struct Window: Decodable {
        let seconds: Int64?
        init(from decoder: Decoder) throws { seconds = try? decoder.singleValueContainer().decode(Int64.self) }
    }
    struct Expect: Decodable { let error: String?, token: String?, label: String?, hostError: String? }
    let id: String, operation: String, inputs: Inputs, expect: Expect, languages: [String], knownBug: String?
}

struct Matrix: Decodable {
    struct Canary: Decodable { let secret: String, hex: String }
    let canary: Canary, rows: [MatrixRow]
}

func loadMatrix() throws -> Matrix {
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    return try decoder.decode(Matrix.self, from: Data(contentsOf: badInputsURL))
}

/// What a row's operation gave when it did not throw.
private enum Success: Equatable { case token(String), label(String), done }

/// A row that lacks an input its operation needs: a mistake in the file, not in the library.
private struct IncompleteRow: Error { let reason: String }

private struct RowRunner {
    let row: MatrixRow

    func required(_ text: MatrixText?, _ name: String) throws -> String {
        guard let value = text?.value else { throw IncompleteRow(reason: "\(row.id): no \(name)") }
        return value
    }

    var identity: Identity { Identity(userId: row.inputs.userId?.value, email: row.inputs.email?.value) }

    func scheme() throws -> Scheme { try Scheme.parse(text: required(row.inputs.scheme, "scheme")) }

    func signer() throws -> Signer { try Signer(scheme: scheme(), secret: required(row.inputs.secret, "secret")) }

    func keyring() throws -> Keyring {
        var keyring = try Keyring(scheme: scheme())
        for key in row.inputs.keyring ?? [] {
            keyring = try keyring.withKey(label: required(key.label, "label"), secret: required(key.secret, "secret"))
        }
        return keyring
    }

    func verifier() throws -> Verifier {
        let standard = try defaultFreshness()
        let freshness = Freshness(
            maxAgeSeconds: row.inputs.maxAge?.seconds ?? standard.maxAgeSeconds,
            maxFutureSkewSeconds: row.inputs.maxFutureSkew?.seconds ?? standard.maxFutureSkewSeconds,
            requireExp: standard.requireExp
        )
        return try Verifier(keyring: keyring(), freshness: freshness)
    }

    func now() throws -> UInt64 {
        guard let now = row.inputs.now else { throw IncompleteRow(reason: "\(row.id): no now") }
        return now
    }

    func run() throws -> Success {
        let label = row.inputs.label?.value
        switch row.operation {
        case "scheme": _ = try scheme(); return .done
        case "secret": _ = try signer(); return .done
        case "sign": return .token(try signer().sign(identity: identity))
        case "sign_guarded": return .token(try signer().withJwtInputGuard().sign(identity: identity))
        case "sign_at":
            guard let at = row.inputs.timestamp else { throw IncompleteRow(reason: "\(row.id): no timestamp") }
            return .token(try signer().signAt(identity: identity, unixSeconds: at))
        case "keyring": _ = try verifier(); return .done
        case "signer": _ = try keyring().signer(label: required(row.inputs.label, "label")); return .done
        case "verify":
            let token = try required(row.inputs.token, "token")
            return .label(try verifier().verify(identity: identity, token: token, label: label).label)
        case "verify_at":
            let token = try required(row.inputs.token, "token")
            return .label(try verifier().verifyAt(identity: identity, token: token, now: now(), label: label).label)
        case "explain_at":
            let token = try required(row.inputs.token, "token")
            _ = try verifier().explainAt(identity: identity, token: token, now: now(), expectedLabel: label)
            return .done
        default: throw IncompleteRow(reason: "\(row.id): unknown operation \(row.operation)")
        }
    }

    /// Every string the row treats as secret or as the token: none may reach an error's text.
    func hidden(_ canary: Matrix.Canary) -> [String] {
        let texts = [canary.secret, canary.hex, canary.hex.uppercased(), row.inputs.secret?.value, row.inputs.token?.value]
            + (row.inputs.keyring ?? []).map { $0.secret.value }
        return texts.compactMap { $0 }.filter { !$0.isEmpty }
    }
}

final class BadInputsTests: XCTestCase {
    func testEveryRowGivesItsCodeOrItsValue() throws {
        let matrix = try loadMatrix()
        let rows = matrix.rows.filter { $0.languages.contains("swift") }
        XCTAssertGreaterThanOrEqual(rows.count, 70)
        var failures: [String] = []
        for row in rows {
            let problems = check(row, matrix.canary)
            switch (row.knownBug, problems.isEmpty) {
            case (nil, _): failures += problems
            // A strict expected failure: the row must keep failing until the bug is fixed.
            case (let bug?, false): print("known bug, expected to fail: \(row.id): \(bug)")
            case (_?, true): failures.append("\(row.id): passes now; remove its known_bug")
            }
        }
        XCTAssert(failures.isEmpty, "\(failures.count) rows failed:\n" + failures.joined(separator: "\n"))
    }

    /// What is wrong with the row's outcome, if anything.
    private func check(_ row: MatrixRow, _ canary: Matrix.Canary) -> [String] {
        let runner = RowRunner(row: row)
        let outcome = Result { try runner.run() }
        switch (row.expect.error, row.expect.token, row.expect.label, outcome) {
        case (let code?, _, _, .failure(let error)):
            guard let error = error as? UserHashError else { return ["\(row.id): \(type(of: error)) thrown: \(error)"] }
            if error.code.name != code { return ["\(row.id): expected \(code), got \(error)"] }
            let texts = [error.message, error.description, "\(error)", String(reflecting: error), error.localizedDescription]
            return runner.hidden(canary).filter { secret in texts.contains { $0.contains(secret) } }
                .map { "\(row.id): \($0.prefix(20))… shown in \(error)" }
        case (let code?, _, _, .success(let success)):
            return ["\(row.id): expected \(code), got \(success)"]
        case (nil, let token?, _, let outcome):
            if case .success(.token(token)) = outcome { return [] }
            return ["\(row.id): expected \(token), got \(outcome)"]
        case (nil, nil, let label?, let outcome):
            if case .success(.label(label)) = outcome { return [] }
            return ["\(row.id): expected label \(label), got \(outcome)"]
        default:
            return ["\(row.id): no outcome Swift can check"]
        }
    }
}
