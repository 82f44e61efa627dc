// The fast lane in Swift: `sign(identity:)`, `signMany`, `verify` / `verifyAt`, `check` /
// `checkAt` and `payload` through the library's own small C interface (`userhash_lane.h`, over
// crates/userhash-ffi/src/lane.rs), not uniffi's per-argument conversion (each generated call
// writes its record arguments into a buffer Rust allocates and reads its result out of another).
//
// What it touches: the generated classes' public API only. Each object's lane handle comes from
// its one generated `laneHandle()` call, the first time a hot call needs it, and is released once
// the object is gone. The generated versions of these calls keep their code under the names
// `signUniffi`, `verifyUniffi`, ... (uniffi.toml renames them for Swift: an extension cannot
// shadow a method). No rule lives here: every lane call runs the core method the generated one
// runs, and `laneError` is the one place a failure becomes the `UserHashError` it throws.

import Foundation
import UserHashFFI

/// The lane protocol this package speaks (`LANE_VERSION` in lane.rs).
private let laneVersion: UInt32 = 4

/// Lane handles by object: the generated classes have no room for one, so they live here,
/// each beside a weak reference to its owner (an `ObjectIdentifier` is reused once its object
/// is gone; the reference tells). Handles of dead owners are released as the table is swept.
private final class LaneHandles: @unchecked Sendable {
    private final class Entry {
        weak var owner: AnyObject?
        let handle: UInt64

        init(owner: AnyObject, handle: UInt64) {
            self.owner = owner
            self.handle = handle
        }
    }

    private let lock = NSLock()
    private var entries: [ObjectIdentifier: Entry] = [:]
    private var insertsSinceSweep = 0

    func handle(of owner: AnyObject, make: () throws -> UInt64) throws -> UInt64 {
        let id = ObjectIdentifier(owner)
        lock.lock()
        defer { lock.unlock() }
        if let entry = entries[id] {
            if entry.owner === owner { return entry.handle }
            userhash_lane_release(entry.handle) // its owner is gone and the identifier reused
            entries[id] = nil
        }
        insertsSinceSweep += 1
        if insertsSinceSweep > 64 {
            insertsSinceSweep = 0
            for (key, entry) in entries where entry.owner == nil {
                userhash_lane_release(entry.handle)
                entries[key] = nil
            }
        }
        let handle = try make()
        entries[id] = Entry(owner: owner, handle: handle)
        return handle
    }
}

private let handles = LaneHandles()

/// Whether the library speaks this package's lane; checked once.
private let laneReady: Bool = userhash_lane_version() == laneVersion

/// A byte to point at for a present, empty text (a null pointer means absent).
private let emptyText: UnsafeMutablePointer<UInt8> = .allocate(capacity: 1)

/// Runs `body` with `text` as borrowed UTF-8 (null for `nil`).
private func withText<R>(_ text: String?, _ body: (UnsafePointer<UInt8>?, Int) throws -> R) rethrows -> R {
    guard var text = text else { return try body(nil, 0) }
    return try text.withUTF8 { bytes in try body(bytes.baseAddress ?? UnsafePointer(emptyText), bytes.count) }
}

/// Runs `body` with `texts` as borrowed UTF-8, in order (null for each `nil`).
private func withTexts<R>(
    _ texts: ArraySlice<String?>, _ borrowed: [(UnsafePointer<UInt8>?, Int)] = [],
    _ body: ([(UnsafePointer<UInt8>?, Int)]) throws -> R
) rethrows -> R {
    guard let first = texts.first else { return try body(borrowed) }
    return try withText(first) { text, length in try withTexts(texts.dropFirst(), borrowed + [(text, length)], body) }
}

/// The lane's answer, copied out of the thread's buffer at once. `?` stands for a text holding
/// a NUL, which `userhash_lane_answer` gives whole, with its length (lane/abi.rs).
private func copied(_ answer: UnsafePointer<CChar>?) -> [UInt8] {
    guard let answer = answer else { return Array("!lane_misuse no answer".utf8) }
    let length = strlen(answer)
    if length == 1 && answer[0] == CChar(UInt8(ascii: "?")) {
        var whole = 0
        guard let text = userhash_lane_answer(&whole) else { return Array("!lane_misuse no answer".utf8) }
        return Array(UnsafeBufferPointer(start: text, count: whole))
    }
    return Array(UnsafeRawBufferPointer(start: answer, count: length))
}

/// The `UserHashError` for a lane failure's code and message: the one re-raise of this package.
func laneError(code: String, message: String) -> Error {
    switch code {
    case "unknown_scheme": return UserHashError.UnknownScheme(message: message)
    case "invalid_scheme": return UserHashError.InvalidScheme(message: message)
    case "empty_secret": return UserHashError.EmptySecret(message: message)
    case "invalid_hex_secret": return UserHashError.InvalidHexSecret(message: message)
    case "unidentified": return UserHashError.Unidentified(message: message)
    case "missing_field": return UserHashError.MissingField(message: message)
    case "empty_field": return UserHashError.EmptyField(message: message)
    case "identifier_too_long": return UserHashError.IdentifierTooLong(message: message)
    case "timestamp_not_applicable": return UserHashError.TimestampNotApplicable(message: message)
    case "invalid_label": return UserHashError.InvalidLabel(message: message)
    case "duplicate_label": return UserHashError.DuplicateLabel(message: message)
    case "unknown_label": return UserHashError.UnknownLabel(message: message)
    case "empty_keyring": return UserHashError.EmptyKeyring(message: message)
    case "malformed_token": return UserHashError.MalformedToken(message: message)
    case "missing_timestamp": return UserHashError.MissingTimestamp(message: message)
    case "mismatch": return UserHashError.Mismatch(message: message)
    case "expired": return UserHashError.Expired(message: message)
    case "from_the_future": return UserHashError.FromTheFuture(message: message)
    case "clock_before_epoch": return UserHashError.ClockBeforeEpoch(message: message)
    case "invalid_freshness": return UserHashError.InvalidFreshness(message: message)
    case "unsupported_algorithm": return UserHashError.UnsupportedAlgorithm(message: message)
    case "missing_key_id": return UserHashError.MissingKeyId(message: message)
    case "unknown_key_id": return UserHashError.UnknownKeyId(message: message)
    case "missing_claim": return UserHashError.MissingClaim(message: message)
    case "invalid_claim": return UserHashError.InvalidClaim(message: message)
    case "not_utf8": return UserHashError.NotUtf8(message: message)
    case "malformed_batch": return UserHashError.MalformedBatch(message: message)
    case "jwt_signing_input": return UserHashError.JwtSigningInput(message: message)
    case "config_unreadable": return UserHashError.ConfigUnreadable(message: message)
    case "config_invalid": return UserHashError.ConfigInvalid(message: message)
    case "config_unknown_app": return UserHashError.ConfigUnknownApp(message: message)
    case "config_unknown_environment": return UserHashError.ConfigUnknownEnvironment(message: message)
    case "config_unknown_vendor": return UserHashError.ConfigUnknownVendor(message: message)
    case "config_unknown_platform": return UserHashError.ConfigUnknownPlatform(message: message)
    case "secret_unavailable": return UserHashError.SecretUnavailable(message: message)
    case "config_shared_key": return UserHashError.ConfigSharedKey(message: message)
    default: return LaneFailure(code: code, message: message)
    }
}

/// A failure code of the lane's own (a misused handle, a panic): a bug, never bad input.
public struct LaneFailure: Error, CustomStringConvertible {
    /// The lane's code.
    public let code: String
    /// What went wrong.
    public let message: String
    public var description: String { "userhash lane: \(code): \(message)" }
}

/// A lane text read in order: plain lines, then fields (`-` for none, or a UTF-8 byte length,
/// a newline and the bytes); see lane.rs.
private struct Answer {
    let bytes: [UInt8]
    var at = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var failed: Bool { bytes.first == UInt8(ascii: "!") }

    func error() -> Error {
        let text = bytes.dropFirst()
        let space = text.firstIndex(of: UInt8(ascii: " ")) ?? text.endIndex
        let code = String(decoding: text[text.startIndex..<space], as: UTF8.self)
        let message = space < text.endIndex ? String(decoding: text[(space + 1)...], as: UTF8.self) : ""
        return laneError(code: code, message: message)
    }

    mutating func line() -> String {
        let end = bytes[at...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.endIndex
        let text = String(decoding: bytes[at..<end], as: UTF8.self)
        at = min(end + 1, bytes.endIndex)
        return text
    }

    mutating func field() -> String? {
        let head = line()
        if head == "-" { return nil }
        let length = Int(head) ?? 0
        let end = min(at + length, bytes.endIndex)
        let text = String(decoding: bytes[at..<end], as: UTF8.self)
        at = end
        return text
    }

    /// The line `0` (none) or `1`, then a user id and an email field.
    mutating func claimed() -> Identity? {
        let present = line() == "1"
        let userId = field()
        let email = field()
        return present ? Identity(userId: userId, email: email) : nil
    }
}

extension Signer {
    /// The token for `identity`; timestamped schemes use the current time, and JWTs are issued
    /// now. Through the fast lane; the generated call is `signUniffi(identity:)`.
    public func sign(identity: Identity) throws -> String {
        guard laneReady else { return try signUniffi(identity: identity) }
        let handle = try handles.handle(of: self) { try laneHandle() }
        let answer = withText(identity.userId) { user, userLength in
            withText(identity.email) { email, emailLength in
                copied(userhash_lane_sign(handle, user, userLength, email, emailLength))
            }
        }
        withExtendedLifetime(self) {}
        if answer.first == UInt8(ascii: "!") { throw Answer(answer).error() }
        return String(decoding: answer, as: UTF8.self)
    }
}

extension Verifier {
    /// Verifies `token` for `identity` now: under every key, or under the key labelled `label`
    /// only. Through the fast lane; the generated call is `verifyUniffi(identity:token:label:)`.
    public func verify(identity: Identity, token: String, label: String? = nil) throws -> Verified {
        try laneVerify(identity: identity, token: token, now: nil, label: label)
    }

    /// `verify` at the time `now` (Unix seconds).
    public func verifyAt(identity: Identity, token: String, now: UInt64, label: String? = nil) throws -> Verified {
        try laneVerify(identity: identity, token: token, now: now, label: label)
    }

    private func laneVerify(identity: Identity, token: String, now: UInt64?, label: String?) throws -> Verified {
        guard laneReady else {
            if let now = now { return try verifyAtUniffi(identity: identity, token: token, now: now, label: label) }
            return try verifyUniffi(identity: identity, token: token, label: label)
        }
        let handle = try handles.handle(of: self) { try laneHandle() }
        let bytes = withText(identity.userId) { user, userLength in
            withText(identity.email) { email, emailLength in
                withText(token) { token, tokenLength in
                    withText(label) { label, labelLength in
                        copied(userhash_lane_verify(
                            handle, user, userLength, email, emailLength, token, tokenLength, label, labelLength,
                            now ?? 0, now == nil ? 0 : 1))
                    }
                }
            }
        }
        withExtendedLifetime(self) {}
        var answer = Answer(bytes)
        if answer.failed { throw answer.error() }
        let label = answer.line()
        let fingerprint = answer.line()
        let timestamp = answer.line()
        let claimed = answer.claimed()
        return Verified(
            label: label, fingerprint: fingerprint, timestamp: UInt64(timestamp),
            claims: answer.field(), claimedIdentity: claimed)
    }
}

extension Gate {
    /// Decides on a request now. An absent or empty token counts as missing; a token is always
    /// verified, even without an identity. Through the fast lane; the generated call is
    /// `checkUniffi(identity:token:label:)`.
    public func check(identity: Identity, token: String? = nil, label: String? = nil) throws -> Decision {
        try laneCheck(identity: identity, token: token, now: nil, label: label)
    }

    /// `check` at the time `now` (Unix seconds).
    public func checkAt(identity: Identity, token: String?, now: UInt64, label: String? = nil) throws -> Decision {
        try laneCheck(identity: identity, token: token, now: now, label: label)
    }

    private func laneCheck(identity: Identity, token: String?, now: UInt64?, label: String?) throws -> Decision {
        guard laneReady else {
            if let now = now { return try checkAtUniffi(identity: identity, token: token, now: now, label: label) }
            return try checkUniffi(identity: identity, token: token, label: label)
        }
        let handle = try handles.handle(of: self) { try laneHandle() }
        let bytes = withText(identity.userId) { user, userLength in
            withText(identity.email) { email, emailLength in
                withText(token) { token, tokenLength in
                    withText(label) { label, labelLength in
                        copied(userhash_lane_check(
                            handle, user, userLength, email, emailLength, token, tokenLength, label, labelLength,
                            now ?? 0, now == nil ? 0 : 1))
                    }
                }
            }
        }
        withExtendedLifetime(self) {}
        var answer = Answer(bytes)
        if answer.failed { throw answer.error() }
        let allowed = answer.line() == "1"
        let wouldDeny = answer.line() == "1"
        let outcome = answer.line()
        let enforcement = answer.line()
        let verifiedLabel = answer.line()
        let code = answer.line()
        let claimed = answer.claimed()
        let message = answer.field()
        return Decision(
            allowed: allowed,
            outcome: try Self.outcome(outcome),
            enforcement: try Self.enforcement(enforcement),
            label: verifiedLabel.isEmpty ? nil : verifiedLabel,
            errorCode: code.isEmpty ? nil : (laneError(code: code, message: "") as? UserHashError)?.code,
            errorMessage: message,
            wouldDenyWhenEnforced: wouldDeny,
            claimedIdentity: claimed)
    }

    private static func outcome(_ name: String) throws -> Outcome {
        switch name {
        case "verified": return .verified
        case "missing": return .missing
        case "invalid": return .invalid
        case "unidentified": return .unidentified
        case "not_checked": return .notChecked
        default: throw LaneFailure(code: "lane_misuse", message: "unknown outcome \(name)")
        }
    }

    private static func enforcement(_ name: String) throws -> Enforcement {
        switch name {
        case "off": return .off
        case "report": return .report
        case "enforce": return .enforce
        default: throw LaneFailure(code: "lane_misuse", message: "unknown enforcement \(name)")
        }
    }
}

extension PayloadSigner {
    /// Every vendor's token for `identity` on `platform` (`web`, `ios`, `android`, ...), each
    /// signed with that platform's key (or the one key a vendor says serves every platform). JWT
    /// vendors take the `attributes` they have claims for and are issued at `at` (Unix seconds;
    /// the clock, read once, when `nil`). A vendor that cannot be signed fails in its slot, or
    /// throws its error with `failures: .raise`. A platform no vendor has a key for throws
    /// `ConfigUnknownPlatform`. Through the fast lane (the payload is then plain data); the
    /// generated call is `payloadUniffi(identity:platform:attributes:at:failures:)`.
    public func payload(
        identity: Identity, platform: String, attributes: Attributes? = nil, at: UInt64? = nil,
        failures: VendorFailures? = nil
    ) throws -> Payload {
        guard laneReady else {
            return try payloadUniffi(identity: identity, platform: platform, attributes: attributes, at: at, failures: failures)
        }
        let handle = try handles.handle(of: self) { try laneHandle() }
        let texts: [String?] = [
            identity.userId, identity.email, platform, attributes?.name, attributes?.accountId,
            attributes?.nonce, attributes?.extraClaims,
        ]
        let verified: UInt32 = attributes?.emailVerified.map { $0 ? 2 : 1 } ?? 0
        let bytes = withTexts(texts[...]) { t in
            copied(userhash_lane_payload(
                handle, t[0].0, t[0].1, t[1].0, t[1].1, t[2].0, t[2].1, t[3].0, t[3].1, t[4].0, t[4].1,
                t[5].0, t[5].1, t[6].0, t[6].1, verified, attributes?.expiresIn ?? 0,
                attributes?.expiresIn == nil ? 0 : 1, at ?? 0, at == nil ? 0 : 1,
                failures == .raise ? 1 : 0))
        }
        withExtendedLifetime(self) {}
        var answer = Answer(bytes)
        if answer.failed { throw answer.error() }
        let complete = answer.line() == "1"
        let count = Int(answer.line()) ?? 0
        let payload = LanePayload(noHandle: Payload.NoHandle())
        payload.complete = complete
        payload.json = answer.field() ?? ""
        payload.signedFor = answer.field() ?? ""
        payload.signer = self
        for _ in 0..<count {
            let vendor = answer.field() ?? "", scheme = answer.field() ?? "", key = answer.field() ?? ""
            let token = answer.field(), userId = answer.field(), email = answer.field()
            let code = answer.field(), message = answer.field()
            payload.rows.append(PayloadEntry(
                vendor: vendor, scheme: scheme, payloadKey: key, token: token, userId: userId, email: email,
                errorCode: code.flatMap { (laneError(code: $0, message: "") as? UserHashError)?.code },
                errorMessage: message))
        }
        return payload
    }

    /// The error `payload.entry(vendor:)` throws on this signer's payloads, which lack `vendor`.
    fileprivate func laneUnknownVendor(_ vendor: String) -> Error {
        do {
            let handle = try handles.handle(of: self) { try laneHandle() }
            let bytes = withText(vendor) { text, length in
                copied(userhash_lane_payload_unknown_vendor(handle, text, length))
            }
            withExtendedLifetime(self) {}
            return Answer(bytes).error()
        } catch {
            return error
        }
    }
}

/// A payload made by the lane: the generated `Payload`'s API, answered from the lane's text. No
/// native object stands behind it (it is made with the generated class's handle-less
/// initialiser), so nothing but the error of a vendor it lacks crosses to Rust. Its fields are set
/// once, before it is returned, and never again.
private final class LanePayload: Payload, @unchecked Sendable {
    var signedFor = ""
    var json = ""
    var complete = false
    var rows: [PayloadEntry] = []
    var signer: PayloadSigner?

    override func platform() throws -> String { signedFor }
    override func toJson() throws -> String { json }
    override func isComplete() throws -> Bool { complete }
    override func vendors() throws -> [String] { rows.map { $0.vendor } }
    override func entries() throws -> [PayloadEntry] { rows }

    override func entry(vendor: String) throws -> PayloadEntry {
        if let entry = rows.first(where: { $0.vendor == vendor }) { return entry }
        guard let signer = signer else { throw LaneFailure(code: "lane_misuse", message: "a payload without its signer") }
        throw signer.laneUnknownVendor(vendor)
    }

    override func token(vendor: String) throws -> String? { try entry(vendor: vendor).token }
    override func payloadKey(vendor: String) throws -> String { try entry(vendor: vendor).payloadKey }
}

// MARK: - Many identities in one call

extension Signer {
    /// Signs a packed batch (the layout `Packer` makes) through the lane's batch call, with the
    /// clock read once: `count` tokens (`nil` where an item failed) and the failures, in order.
    func lanePackedBatch(fields: PackedFields, data: [UInt8], lengths: [UInt8], count: Int) throws -> SignedBatch {
        if count == 0 { return SignedBatch(tokens: [], failures: []) }
        let code: UInt32
        switch fields {
        case .userId: code = 0
        case .email: code = 1
        case .userIdAndEmail: code = 2
        }
        let handle = try handles.handle(of: self) { try laneHandle() }
        var length = 0
        let text = data.withUnsafeBufferPointer { data in
            lengths.withUnsafeBufferPointer { lengths in
                userhash_lane_sign_packed(
                    handle, code, data.baseAddress, data.count, lengths.baseAddress, lengths.count, 0, 0, 0, &length)
            }
        }
        withExtendedLifetime(self) {}
        guard let text = text else { throw LaneFailure(code: "lane_misuse", message: "no answer") }
        defer { userhash_lane_free(text, length) }
        return try SignedBatch(text: UnsafeBufferPointer(start: text, count: length), count: count)
    }
}

/// The tokens of a packed batch, `nil` where an item failed, and the failures in input order.
struct SignedBatch {
    let tokens: [String?]
    /// Each failed item's index, code and message.
    let failures: [(index: Int, code: String, message: String)]

    init(tokens: [String?], failures: [(index: Int, code: String, message: String)]) {
        self.tokens = tokens
        self.failures = failures
    }

    /// Reads the lane's batch text: `count` token lines (empty where an item failed), then one
    /// `!<index> <code> <message>` line per failed item; a whole-batch failure (`!<code>
    /// <message>`, no index) throws.
    init(text: UnsafeBufferPointer<UInt8>, count: Int) throws {
        if text.first == UInt8(ascii: "!"), text.count > 1, !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(text[1]) {
            throw Answer(Array(text)).error()
        }
        var tokens: [String?] = []
        tokens.reserveCapacity(count)
        var failures: [(index: Int, code: String, message: String)] = []
        var start = 0
        for end in text.indices where text[end] == UInt8(ascii: "\n") {
            let line = UnsafeBufferPointer(rebasing: text[start..<end])
            start = end + 1
            if tokens.count < count {
                tokens.append(line.isEmpty ? nil : String(decoding: line, as: UTF8.self))
                continue
            }
            let fields = line.dropFirst().split(separator: UInt8(ascii: " "), maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count >= 2, let index = Int(String(decoding: fields[0], as: UTF8.self)) else { continue }
            failures.append((
                index, String(decoding: fields[1], as: UTF8.self),
                fields.count > 2 ? String(decoding: fields[2], as: UTF8.self) : ""))
        }
        if tokens.count != count {
            throw UserHashError.MalformedBatch(message: "the batch answered \(tokens.count) lines for \(count) items")
        }
        self.tokens = tokens
        self.failures = failures
    }

    /// Throws what `sign` throws for the first failed item, its message prefixed with its index:
    /// the batch's own failure line, raised by the one re-raise (`laneError`).
    func throwFirstFailure() throws {
        guard let first = failures.first else { return }
        throw laneError(code: first.code, message: "item \(first.index): \(first.message)")
    }
}

/// The generated calls counted by the library so far: a hot call must add none (the guard
/// tests read this).
public func laneGeneratedCalls() -> UInt64 {
    userhash_lane_generated_calls()
}
