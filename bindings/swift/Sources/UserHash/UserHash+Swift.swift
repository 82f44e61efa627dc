// A small hand-written layer over the generated bindings in UserHash.swift (made by
// `cargo xtask build` from the Rust library; never edited). It holds no logic: every rule lives in
// the Rust core. It adds what a Swift caller reaches for and the generated code lacks: the
// error's code and message as properties, a readable `description`, and constructors that take a
// scheme by name.
//
// Everything the generated code exports is already idiomatic where it matters: `Signer`,
// `Keyring`, `Verifier`, `Gate` and `Scheme` are immutable classes conforming to `Sendable`
// (share one across tasks and threads); `Identity`, `Verified`, `Decision`, `Diagnosis` and the
// enums are `Sendable`, `Hashable` value types; and every call `throws` a `UserHashError`, an enum
// with one case per cause.

import Foundation

extension UserHashError {
    /// The cause as data: the same `ErrorCode` a `Decision` or a `BatchEntry` carries. Its `name`
    /// (`"empty_secret"`, `"mismatch"`, ...) is the stable code used by every userhash binding.
    public var code: ErrorCode {
        switch self {
        case .UnknownScheme: return .unknownScheme
        case .InvalidScheme: return .invalidScheme
        case .EmptySecret: return .emptySecret
        case .InvalidHexSecret: return .invalidHexSecret
        case .Unidentified: return .unidentified
        case .MissingField: return .missingField
        case .EmptyField: return .emptyField
        case .IdentifierTooLong: return .identifierTooLong
        case .TimestampNotApplicable: return .timestampNotApplicable
        case .InvalidLabel: return .invalidLabel
        case .DuplicateLabel: return .duplicateLabel
        case .UnknownLabel: return .unknownLabel
        case .EmptyKeyring: return .emptyKeyring
        case .MalformedToken: return .malformedToken
        case .MissingTimestamp: return .missingTimestamp
        case .Mismatch: return .mismatch
        case .Expired: return .expired
        case .FromTheFuture: return .fromTheFuture
        case .ClockBeforeEpoch: return .clockBeforeEpoch
        case .InvalidFreshness: return .invalidFreshness
        case .UnsupportedAlgorithm: return .unsupportedAlgorithm
        case .MissingKeyId: return .missingKeyId
        case .UnknownKeyId: return .unknownKeyId
        case .MissingClaim: return .missingClaim
        case .InvalidClaim: return .invalidClaim
        case .NotUtf8: return .notUtf8
        case .MalformedBatch: return .malformedBatch
        case .JwtSigningInput: return .jwtSigningInput
        case .ConfigUnreadable: return .configUnreadable
        case .ConfigInvalid: return .configInvalid
        case .ConfigUnknownApp: return .configUnknownApp
        case .ConfigUnknownEnvironment: return .configUnknownEnvironment
        case .ConfigUnknownVendor: return .configUnknownVendor
        case .ConfigUnknownPlatform: return .configUnknownPlatform
        case .SecretUnavailable: return .secretUnavailable
        case .ConfigSharedKey: return .configSharedKey
        }
    }

    /// What was wrong and how to fix it, in plain words. Never contains a secret or a whole token.
    public var message: String {
        switch self {
        case .UnknownScheme(let message), .InvalidScheme(let message), .EmptySecret(let message),
             .InvalidHexSecret(let message), .Unidentified(let message), .MissingField(let message),
             .EmptyField(let message), .IdentifierTooLong(let message),
             .TimestampNotApplicable(let message), .InvalidLabel(let message),
             .DuplicateLabel(let message), .UnknownLabel(let message), .EmptyKeyring(let message),
             .MalformedToken(let message), .MissingTimestamp(let message), .Mismatch(let message),
             .Expired(let message), .FromTheFuture(let message), .ClockBeforeEpoch(let message),
             .InvalidFreshness(let message),
             .UnsupportedAlgorithm(let message), .MissingKeyId(let message),
             .UnknownKeyId(let message), .MissingClaim(let message), .InvalidClaim(let message),
             .NotUtf8(let message), .MalformedBatch(let message), .JwtSigningInput(let message),
             .ConfigUnreadable(let message), .ConfigInvalid(let message), .ConfigUnknownApp(let message),
             .ConfigUnknownEnvironment(let message), .ConfigUnknownVendor(let message),
             .ConfigUnknownPlatform(let message), .SecretUnavailable(let message),
             .ConfigSharedKey(let message):
            return message
        }
    }
}

extension UserHashError: CustomStringConvertible {
    /// `"<code>: <message>"`, e.g. `"unknown_scheme: ..."`. Also what `localizedDescription`
    /// returns, so logging the error says what went wrong without revealing a secret.
    public var description: String { "\(code.name): \(message)" }
}

extension ErrorCode {
    /// The stable snake_case name of the code, as the vectors, the CLI and the other bindings
    /// spell it: `"empty_secret"`, `"from_the_future"`, ...
    public var name: String {
        // `errorCodeName` cannot fail: every Rust export returns a Result, hence the `try`.
        (try? errorCodeName(code: self)) ?? String(describing: self)
    }
}

extension Signer {
    /// A signer for `scheme` — a preset name such as `"intercom"`, or a custom spec such as
    /// `"subject=user_id_and_email,output=base64"` — keyed by the dashboard `secret`.
    public convenience init(scheme: String, secret: String) throws {
        try self.init(scheme: Scheme.parse(text: scheme), secret: secret)
    }
}

extension Keyring {
    /// An empty keyring for `scheme`, a preset name or a custom spec.
    public convenience init(scheme: String) throws {
        try self.init(scheme: Scheme.parse(text: scheme))
    }

    /// A keyring holding these keys plus `keys`, in order (the first matching label wins):
    /// `try Keyring(scheme: "intercom").withKeys(["ios": iosSecret, "web": webSecret])`.
    public func withKeys(_ keys: KeyValuePairs<String, String>) throws -> Keyring {
        var keyring = self
        for (label, secret) in keys {
            keyring = try keyring.withKey(label: label, secret: secret)
        }
        return keyring
    }
}

// MARK: - Many identities in one call

extension Signer {
    /// The tokens for many user ids, in order: what `userIds.map { try sign(identity:
    /// Identity(userId: $0)) }` gives, at a fraction of the cost per id. The batch crosses to Rust
    /// as one buffer of UTF-8 and one of lengths, is signed on every core, and comes back as one
    /// buffer (the fast lane's packed batch). With `field: .email` each string is an email instead.
    ///
    /// A bad item (an empty id, one over the length limit) throws the `UserHashError` that `sign`
    /// throws for it, its message prefixed with `item <index>: `; `signManyOrNil` gives `nil` in
    /// its slot instead. Timestamped schemes stamp every item with one time: the clock is read once
    /// per call.
    public func signMany(_ userIds: [String], field: PackedFields = .userId) throws -> [String] {
        let batch = try signPackedStrings(userIds, field: field)
        try batch.throwFirstFailure()
        return batch.tokens.map { $0 ?? "" }
    }

    /// `signMany` with `nil` in the slot of each item that cannot be signed.
    public func signManyOrNil(_ userIds: [String], field: PackedFields = .userId) throws -> [String?] {
        try signPackedStrings(userIds, field: field).tokens
    }

    /// The tokens for many identities, in order, crossing to Rust as one buffer each way. Bad
    /// items as for `signMany(_:field:)`.
    public func signMany(_ identities: [Identity]) throws -> [String] {
        let batch = try signPackedIdentities(identities)
        try batch.throwFirstFailure()
        return batch.tokens.map { $0 ?? "" }
    }

    /// `signMany(_:)` over identities, with `nil` in the slot of each item that cannot be signed.
    public func signManyOrNil(_ identities: [Identity]) throws -> [String?] {
        try signPackedIdentities(identities).tokens
    }

    private func signPackedStrings(_ items: [String], field: PackedFields) throws -> SignedBatch {
        // A library never traps its host: a bad argument is a typed error.
        if field == .userIdAndEmail {
            throw UserHashError.MalformedBatch(message: "signMany(_:field:) takes .userId or .email; pass [Identity] for both")
        }
        var packer = Packer(fields: items.count)
        for item in items {
            packer.add(item)
        }
        return try packer.sign(self, fields: field, count: items.count)
    }

    private func signPackedIdentities(_ items: [Identity]) throws -> SignedBatch {
        var packer = Packer(fields: 2 * items.count)
        for identity in items {
            packer.add(identity.userId)
            packer.add(identity.email)
        }
        return try packer.sign(self, fields: .userIdAndEmail, count: items.count)
    }
}

/// The layout the lane's packed batch reads (`PackedBatch::from_lengths`): every field's UTF-8
/// back to back, and one unsigned 32-bit little-endian length per field (`0xFFFFFFFF` for an
/// absent one). The one packed encoder of this package.
struct Packer {
    private(set) var data: [UInt8] = []
    private(set) var lengths: [UInt8] = []

    init(fields: Int) {
        data.reserveCapacity(fields * 16)
        lengths.reserveCapacity(fields * 4)
    }

    mutating func add(_ text: String?) {
        guard let text = text else {
            appendLength(UInt32.max)
            return
        }
        let before = data.count
        data.append(contentsOf: text.utf8)
        appendLength(UInt32(data.count - before))
    }

    private mutating func appendLength(_ length: UInt32) {
        withUnsafeBytes(of: length.littleEndian) { lengths.append(contentsOf: $0) }
    }

    /// Signs the packed items through the fast lane's batch call.
    func sign(_ signer: Signer, fields: PackedFields, count: Int) throws -> SignedBatch {
        try signer.lanePackedBatch(fields: fields, data: data, lengths: lengths, count: count)
    }
}
