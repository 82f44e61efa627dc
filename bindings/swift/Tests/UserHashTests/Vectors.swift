// The loader of the shared conformance vectors: every file of testdata/vectors, every case.
// Format: testdata/vectors/README.md. Reference semantics: crates/userhash/tests/vectors.rs.

import Foundation
import UserHash

/// `$USERHASH_VECTORS_DIR` (set by `cargo xtask test`), else testdata/vectors found from this
/// file's path — never from the current directory.
let vectorsDirectory: URL = {
    if let dir = ProcessInfo.processInfo.environment["USERHASH_VECTORS_DIR"], !dir.isEmpty {
        return URL(fileURLWithPath: dir, isDirectory: true)
    }
    var root = URL(fileURLWithPath: #filePath)
    for _ in 0..<5 { root.deleteLastPathComponent() } // …/Tests/UserHashTests/Vectors.swift
    return root.appendingPathComponent("testdata/vectors", isDirectory: true)
}()

/// One case of any section; a field the section does not use is nil. Integers are decoded
/// straight into `UInt64` (never through a `Double`): values reach 2^64-1. The freshness windows
/// are signed (`Int64`), as the binding's `Freshness` is: the vectors make some negative.
struct Case: Decodable {
    struct Key: Decodable { let label: String, secret: String }
    /// A JWT case's attributes (absent in hash files).
    struct Claims: Decodable {
        let name: String?, emailVerified: Bool?, accountId: String?, nonce: String?
        let expiresIn: UInt64?, extraClaims: String?
        var attributes: Attributes {
            Attributes(name: name, emailVerified: emailVerified, accountId: accountId, nonce: nonce,
                       expiresIn: expiresIn, extraClaims: extraClaims)
        }
    }
    /// `expected` of verify and explain cases.
    struct Outcome: Decodable { let valid: Bool, label: String?, error: String?, first: String?, includes: [String]? }
    /// `expected` of gate cases: the decision.
    struct Decision: Decodable {
        struct Claimed: Decodable { let userId: String?, email: String? }
        let allowed: Bool, outcome: String, label: String?, error: String?
        let wouldDenyWhenEnforced: Bool, claimedIdentity: Claimed?
    }
    /// `expected` is the token in sign cases, an outcome in verify and explain cases, and a
    /// decision in gate cases.
    enum Expected: Decodable {
        case token(String), outcome(Outcome), decision(Decision)
        init(from decoder: Decoder) throws {
            let value = try decoder.singleValueContainer()
            if let token = try? value.decode(String.self) {
                self = .token(token)
            } else if let outcome = try? value.decode(Outcome.self) {
                self = .outcome(outcome)
            } else {
                self = .decision(try value.decode(Decision.self))
            }
        }
    }
    let id: String, scheme: String, operation: String?, error: String?, expected: Expected?
    let secret: String?, keyring: [Key]?, userId: String?, email: String?, token: String?
    let timestamp: UInt64?, now: UInt64?, maxAge: Int64?, maxFutureSkew: Int64?, requireExp: Bool?
    let onlyLabel: String?, expectedLabel: String?, enforcement: String?
    let keyId: String?, attributes: Claims?
}

struct VectorFile: Decodable { let sign: [Case], verify: [Case], errors: [Case], explain: [Case], gate: [Case] }

func decodeVectors(_ data: Data) throws -> VectorFile {
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    return try decoder.decode(VectorFile.self, from: data)
}

/// Every vector file, sorted by name.
func vectorFiles() throws -> [(name: String, vectors: VectorFile)] {
    let urls = try FileManager.default.contentsOfDirectory(at: vectorsDirectory, includingPropertiesForKeys: nil)
        .filter { $0.pathExtension == "json" }
        .sorted { $0.lastPathComponent < $1.lastPathComponent }
    return try urls.map { ($0.lastPathComponent, try decodeVectors(Data(contentsOf: $0))) }
}

/// Every case of one section across every file, as "file id" and the case.
func cases(_ section: KeyPath<VectorFile, [Case]>) throws -> [(name: String, case: Case)] {
    try vectorFiles().flatMap { file in file.vectors[keyPath: section].map { ("\(file.name) \($0.id)", $0) } }
}
