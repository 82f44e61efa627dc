// Failures surface as typed, catchable Swift errors — one `UserHashError` case per cause — whose
// text never contains a secret.

import Foundation
import UserHash
import XCTest

private let secret = "TOPSECRET-swift-7f3a"
private let hexSecret = String(repeating: "7f3a9c1e", count: 8) // hex-looking: the hex paths run
private let now: UInt64 = 1_741_761_700
private let alice = Identity(userId: "42")

final class ErrorsTests: XCTestCase {
    private var intercom: Scheme!
    private var pylon: Scheme! // hex-decodes its secret, signs the email
    private var keyring: Keyring!
    private var verifier: Verifier!
    private var iosToken: String!
    private var jimo: Keyring!
    private var jimoToken: String!

    override func setUpWithError() throws {
        intercom = try Scheme.byName(name: "intercom")
        pylon = try Scheme.byName(name: "pylon")
        keyring = try Keyring(scheme: intercom).withKeys(["web": secret, "ios": hexSecret])
        verifier = try Verifier(keyring: keyring)
        iosToken = try keyring.signer(label: "ios").sign(identity: alice)
        jimo = try Keyring(scheme: "jimo").withKeys(["web": secret])
        jimoToken = try jimo.signer(label: "web").signAt(identity: alice, unixSeconds: now)
    }

    /// Every error reachable from Swift, each provoked while a recognisable secret is in play.
    private func failures() -> [(name: String, code: ErrorCode, action: () throws -> Void)] {
        let verifyJimo = { (token: String, at: UInt64) in _ = try Verifier(keyring: self.jimo).verifyAt(identity: alice, token: token, now: at) }
        return [
            ("unknown_scheme", .unknownScheme, { _ = try Scheme.byName(name: "intercomm") }),
            ("invalid_scheme", .invalidScheme, { _ = try Scheme.parse(text: "subject=nobody") }),
            ("empty_secret", .emptySecret, { _ = try Signer(scheme: self.intercom, secret: "") }),
            ("invalid_hex_secret", .invalidHexSecret, { _ = try Signer(scheme: self.pylon, secret: secret) }),
            ("invalid_hex_secret_keyring", .invalidHexSecret, { _ = try Keyring(scheme: self.pylon).withKey(label: "web", secret: secret) }),
            ("unidentified", .unidentified, { _ = try Signer(scheme: self.intercom, secret: secret).sign(identity: Identity()) }),
            ("missing_field", .missingField, { _ = try Signer(scheme: self.pylon, secret: hexSecret).sign(identity: alice) }),
            ("empty_field", .emptyField, { _ = try Signer(scheme: self.intercom, secret: secret).sign(identity: Identity(userId: "")) }),
            ("identifier_too_long", .identifierTooLong, {
                _ = try Signer(scheme: self.intercom, secret: secret).sign(identity: Identity(userId: String(repeating: "x", count: 1025)))
            }),
            ("timestamp_not_applicable", .timestampNotApplicable, { _ = try Signer(scheme: self.intercom, secret: secret).signAt(identity: alice, unixSeconds: now) }),
            ("invalid_label", .invalidLabel, { _ = try self.keyring.withKey(label: "Web!", secret: secret) }),
            // Arguments swapped by mistake: the secret lands in the label's place.
            ("invalid_label_swapped", .invalidLabel, { _ = try self.keyring.withKey(label: secret, secret: "web") }),
            ("duplicate_label", .duplicateLabel, { _ = try self.keyring.withKey(label: "web", secret: secret) }),
            ("unknown_label", .unknownLabel, { _ = try self.keyring.signer(label: "android") }),
            ("unknown_label_verify", .unknownLabel, { _ = try self.verifier.verifyAt(identity: alice, token: self.iosToken, now: now, label: "android") }),
            ("unknown_label_explain", .unknownLabel, { _ = try self.verifier.explainAt(identity: alice, token: self.iosToken, now: now, expectedLabel: "android") }),
            ("empty_keyring", .emptyKeyring, { _ = try Verifier(keyring: Keyring(scheme: self.intercom)) }),
            // The secret pasted where the token goes.
            ("malformed_token", .malformedToken, { _ = try self.verifier.verifyAt(identity: alice, token: secret, now: now) }),
            ("missing_timestamp", .missingTimestamp, { try verifyJimo(String(self.jimoToken.prefix(64)), now) }),
            ("mismatch", .mismatch, { _ = try self.verifier.verifyAt(identity: alice, token: self.iosToken, now: now, label: "web") }),
            ("expired", .expired, { try verifyJimo(self.jimoToken, now + 3601) }),
            ("from_the_future", .fromTheFuture, { try verifyJimo(self.jimoToken, now - 301) }),
            // A negative window was once a trap (UInt64) or, wrapped, a verifier whose tokens
            // never expire: now the core refuses it, and one above its ceiling, with a typed error.
            ("invalid_freshness", .invalidFreshness, {
                _ = try Verifier(keyring: self.jimo, freshness: Freshness(maxAgeSeconds: -1, maxFutureSkewSeconds: 300, requireExp: true))
            }),
            ("invalid_freshness_ceiling", .invalidFreshness, {
                _ = try Verifier(keyring: self.jimo, freshness: Freshness(maxAgeSeconds: 3600, maxFutureSkewSeconds: 3601, requireExp: true))
            }),
            // JWT schemes: {"alg":"none"}.{"external_id":"42","scope":"user"}. is an unsigned JWT.
            ("unsupported_algorithm", .unsupportedAlgorithm, {
                let verifier = try Verifier(keyring: Keyring(scheme: "zendesk").withKeys(["app_1": secret]))
                _ = try verifier.verifyAt(
                    identity: alice, token: "eyJhbGciOiJub25lIn0.eyJleHRlcm5hbF9pZCI6IjQyIiwic2NvcGUiOiJ1c2VyIn0.", now: now)
            }),
            ("missing_key_id", .missingKeyId, { _ = try Signer(scheme: "zendesk", secret: secret).signAt(identity: alice, unixSeconds: now) }),
            ("unknown_key_id", .unknownKeyId, {
                let token = try Keyring(scheme: "zendesk").withKeys(["app_1": secret]).signer(label: "app_1").signAt(identity: alice, unixSeconds: now)
                let verifier = try Verifier(keyring: Keyring(scheme: "zendesk").withKeys(["app_2": secret]))
                _ = try verifier.verifyAt(identity: alice, token: token, now: now)
            }),
            ("missing_claim", .missingClaim, { _ = try Signer(scheme: "pendo", secret: secret).signAt(identity: alice, unixSeconds: now) }),
            // Packed batches (issue 14 item 13): their own codes, not missing_field.
            ("not_utf8", .notUtf8, { _ = try Signer(scheme: self.intercom, secret: secret).signUtf8(userId: Data([0xFF]), email: Data(), present: 1) }),
            ("malformed_batch", .malformedBatch, {
                _ = try Signer(scheme: self.intercom, secret: secret).signPacked(fields: .userId, data: Data([0x61]), lengths: Data([2, 0, 0, 0]))
            }),
            // {"alg":"HS256","typ":"JWT"}.{"user_id":"victim"}, refused by a signer whose key a JWT
            // scheme shares: its hash would be that JWT's signature.
            ("jwt_signing_input", .jwtSigningInput, {
                _ = try Signer(scheme: self.intercom, secret: secret).withJwtInputGuard()
                    .sign(identity: Identity(userId: "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VyX2lkIjoidmljdGltIn0"))
            }),
            ("invalid_claim", .invalidClaim, {
                _ = try Signer(scheme: "zendesk", secret: secret).withKeyId(keyId: "app_1")
                    .signAt(identity: Identity(userId: String(repeating: "x", count: 256)), unixSeconds: now)
            }),
        ]
    }

    func testEveryFailureIsATypedCatchableError() {
        for (name, code, action) in failures() {
            XCTAssertThrowsError(try action(), name) { error in
                guard let error = error as? UserHashError else { return XCTFail("\(name): \(type(of: error)) thrown") }
                XCTAssertEqual(error.code, code, name)
                XCTAssert(name.hasPrefix(error.code.name), "\(name): \(error.code.name)")
                XCTAssertGreaterThan(error.message.count, 15, name)
                XCTAssertEqual(error.description, "\(code.name): \(error.message)", name)
                XCTAssertEqual(error.localizedDescription, error.description, name)
                for text in [error.message, error.description, "\(error)", String(reflecting: error), error.localizedDescription] {
                    XCTAssertFalse(text.contains(secret) || text.contains(hexSecret), "\(name): secret in \(text)")
                }
            }
        }
    }

    func testEveryCodeIsProvokedOrUnreachable() {
        let provoked = Set(failures().map(\.code))
        // The system clock before 1970 cannot be arranged in a test.
        let unreachable: Set<ErrorCode> = [.clockBeforeEpoch]
        let every: [ErrorCode] = [
            .unknownScheme, .invalidScheme, .emptySecret, .invalidHexSecret, .unidentified, .missingField, .emptyField,
            .identifierTooLong, .timestampNotApplicable, .invalidLabel, .duplicateLabel, .unknownLabel, .emptyKeyring,
            .malformedToken, .missingTimestamp, .mismatch, .expired, .fromTheFuture, .clockBeforeEpoch,
            .invalidFreshness, .unsupportedAlgorithm, .missingKeyId, .unknownKeyId, .missingClaim, .invalidClaim,
            .notUtf8, .malformedBatch, .jwtSigningInput,
        ]
        XCTAssertEqual(provoked.union(unreachable), Set(every))
        XCTAssertEqual(Set(every.map(\.name)).count, every.count, "distinct snake_case names")
    }

    func testCatchingOneCaseByPattern() throws {
        do {
            _ = try Signer(scheme: "intercom", secret: "")
            XCTFail("an empty secret was accepted")
        } catch UserHashError.EmptySecret(let message) {
            XCTAssert(message.contains("empty"), message)
        }
        do {
            _ = try verifier.verifyAt(identity: alice, token: iosToken, now: now, label: "web")
            XCTFail("the ios token verified under the web key")
        } catch let error as UserHashError where error.code == .mismatch {
            XCTAssertEqual(error, .Mismatch(message: error.message)) // Equatable, like any Swift enum
        }
        XCTAssertThrowsError(try Scheme.byName(name: "intercomm")) { error in
            guard case UserHashError.UnknownScheme(let message) = error else { return XCTFail("\(error)") }
            XCTAssert(message.contains("intercomm"), message) // names the problem
        }
    }

    func testErrorsCrossTaskBoundaries() async throws {
        let signer = try Signer(scheme: "intercom", secret: secret)
        let task = Task { try signer.sign(identity: Identity(userId: "")) }
        do {
            _ = try await task.value
            XCTFail("an empty user id was signed")
        } catch let error as UserHashError {
            XCTAssertEqual(error.code, .emptyField)
        }
        // A failed call leaves the object usable.
        XCTAssertEqual(try signer.sign(identity: alice), try keyring.signer(label: "web").sign(identity: alice))
    }

    func testNoSecretInAnyObjectText() throws {
        let gate = try Gate(verifier: verifier, enforcement: .enforce)
        let signer = try keyring.signer(label: "ios")
        let diagnosis = try verifier.explainAt(identity: alice, token: iosToken, now: now, expectedLabel: "web")
        XCTAssertEqual(diagnosis.findings.first?.cause, .wrongKey)
        let objects: [Any] = [
            intercom!, try intercom.info(), keyring!, try keyring.labels(), try keyring.fingerprint(label: "web"),
            verifier!, gate, signer, try signer.fingerprint(),
            try signer.signBatch(identities: [alice, Identity(), Identity(userId: "")]),
            try verifier.verifyAt(identity: alice, token: iosToken, now: now), diagnosis,
            try verifier.explainAt(identity: alice, token: secret.lowercased(), now: now, expectedLabel: nil),
            try gate.checkAt(identity: alice, token: secret, now: now),
            try gate.checkAt(identity: alice, token: iosToken, now: now, label: "web"),
        ]
        for object in objects {
            for text in [String(describing: object), String(reflecting: object)] {
                XCTAssertFalse(text.contains(secret.prefix(12)) || text.contains(hexSecret.prefix(16)), text)
            }
        }
    }
}
