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
        case .UnsupportedAlgorithm: return .unsupportedAlgorithm
        case .MissingKeyId: return .missingKeyId
        case .UnknownKeyId: return .unknownKeyId
        case .MissingClaim: return .missingClaim
        case .InvalidClaim: return .invalidClaim
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
             .UnsupportedAlgorithm(let message), .MissingKeyId(let message),
             .UnknownKeyId(let message), .MissingClaim(let message), .InvalidClaim(let message):
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
