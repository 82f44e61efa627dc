import Foundation
import UserHash
import XCTest

/// The fast lane (UserHash+Lane.swift) against the generated calls it stands for, and the guard:
/// a hot call makes no generated uniffi call (counted by the library, not flagged).
final class LaneTests: XCTestCase {
    let now: UInt64 = 1_741_761_700
    let alice = Identity(userId: "42", email: nil)

    private func outcome<T>(_ call: () throws -> T) -> String {
        do { return "\(try call())" } catch { return "error \(error)" }
    }

    func testSignEqualsTheGeneratedCall() throws {
        let texts = ["42", "", "nul\u{0}inside", "Zoë ✓ 😀", String(repeating: "x", count: 1024), String(repeating: "x", count: 1025)]
        for scheme in ["intercom", "help-scout", "subject=user_id_and_email,output=base64", "jimo"] {
            let signer = try Signer(scheme: scheme, secret: "5ec2e7")
            for text in texts {
                for identity in [Identity(userId: text, email: nil), Identity(userId: nil, email: text), Identity(userId: text, email: "a@b.c"), Identity()] {
                    if scheme == "jimo" { continue } // timestamped: the clock may tick between calls
                    XCTAssertEqual(outcome { try signer.sign(identity: identity) }, outcome { try signer.signUniffi(identity: identity) }, "\(scheme) \(identity)")
                }
            }
        }
    }

    func testVerifyAndCheckEqualTheGeneratedCalls() throws {
        let keyring = try Keyring(scheme: "jimo").withKeys(["ios": "other", "web": "5ec2e7"])
        let verifier = try Verifier(keyring: keyring)
        let token = try Signer(scheme: "jimo", secret: "5ec2e7").signAt(identity: alice, unixSeconds: now - 100)
        for at in [now, now - 100 + 3600, now + 7200, now - 1000] {
            for label in [nil, "web", "ios", "tv"] as [String?] {
                XCTAssertEqual(
                    outcome { try verifier.verifyAt(identity: alice, token: token, now: at, label: label) },
                    outcome { try verifier.verifyAtUniffi(identity: alice, token: token, now: at, label: label) })
                for mode in [Enforcement.off, .report, .enforce] {
                    let gate = try Gate(verifier: verifier, enforcement: mode)
                    for sent in [token, nil, "", "nope"] as [String?] {
                        for who in [alice, Identity(), Identity(userId: nil, email: "a@x")] {
                            XCTAssertEqual(
                                try gate.checkAt(identity: who, token: sent, now: at, label: label),
                                try gate.checkAtUniffi(identity: who, token: sent, now: at, label: label),
                                "\(mode) \(String(describing: sent)) \(who)")
                        }
                    }
                }
            }
        }
        // A JWT without an identity names its user, through the lane as through the generated call.
        let zendesk = try Keyring(scheme: "zendesk").withKeys(["app_1": "5ec2e7"])
        let jwt = try zendesk.signer(label: "app_1").signAt(identity: alice, unixSeconds: now)
        let jwtVerifier = try Verifier(keyring: zendesk)
        XCTAssertEqual(try jwtVerifier.verifyAt(identity: Identity(), token: jwt, now: now), try jwtVerifier.verifyAtUniffi(identity: Identity(), token: jwt, now: now))
        XCTAssertEqual(try jwtVerifier.verifyAt(identity: Identity(), token: jwt, now: now).claimedIdentity?.userId, "42")
    }

    private func payloadSigner() throws -> PayloadSigner {
        try ConfigBuilder()
            .vendor(app: "acme", environment: "prod", vendor: "intercom", scheme: "intercom").keySecret(label: "web", secret: "intercom-web")
            .vendor(app: "acme", environment: "prod", vendor: "zendesk", scheme: "zendesk").keySecret(label: "messaging", secret: "zendesk-secret")
            .keyId(label: "messaging", keyId: "app_64b6d9f0d7ab2e0001cd4e34").allPlatforms(label: "messaging")
            .vendor(app: "acme", environment: "prod", vendor: "crisp", scheme: "crisp").keySecret(label: "web", secret: "crisp-web")
            .build().payloadSigner(app: "acme", environment: "prod")
    }

    /// Every reading of a payload, as one comparable text.
    private func readAll(_ payload: Payload) throws -> String {
        "\(try payload.platform()) \(try payload.vendors()) \(try payload.entries()) \(try payload.entry(vendor: "intercom")) "
            + "\(String(describing: try payload.token(vendor: "crisp"))) \(try payload.payloadKey(vendor: "zendesk")) "
            + "\(try payload.isComplete()) \(try payload.toJson())"
    }

    func testPayloadsEqualTheGeneratedOnes() throws {
        let signer = try payloadSigner()
        let attributes = Attributes(name: "Ada \"L\"", emailVerified: false, accountId: "a1", expiresIn: 60)
        let identities = [
            Identity(userId: "42", email: "ada@example.com"), alice, Identity(),
            Identity(userId: "nul\u{0}inside", email: "x@y"), Identity(userId: "", email: nil),
        ]
        for identity in identities {
            for platform in ["web", "ios", "\u{e9}"] {
                for (given, failures) in [(nil, nil), (attributes, VendorFailures.report), (nil, .raise)] as [(Attributes?, VendorFailures?)] {
                    XCTAssertEqual(
                        outcome { try self.readAll(signer.payload(identity: identity, platform: platform, attributes: given, at: self.now, failures: failures)) },
                        outcome { try self.readAll(signer.payloadUniffi(identity: identity, platform: platform, attributes: given, at: self.now, failures: failures)) },
                        "\(identity) \(platform) \(String(describing: failures))")
                }
            }
        }
        let ada = Identity(userId: "42", email: "ada@example.com")
        XCTAssertEqual(
            outcome { try signer.payload(identity: ada, platform: "web", at: self.now).entry(vendor: "pylon") },
            outcome { try signer.payloadUniffi(identity: ada, platform: "web", at: self.now).entry(vendor: "pylon") })
    }

    func testAHotCallMakesNoGeneratedCall() throws {
        let signer = try Signer(scheme: "intercom", secret: "5ec2e7")
        let verifier = try Verifier(keyring: try Keyring(scheme: "intercom").withKeys(["web": "5ec2e7"]))
        let gate = try Gate(verifier: verifier, enforcement: .enforce)
        let token = try signer.sign(identity: alice)
        let payloads = try payloadSigner()
        let ada = Identity(userId: "42", email: "ada@example.com")
        let calls: [(String, () throws -> Void)] = [
            ("payload().toJson()", { _ = try payloads.payload(identity: ada, platform: "web").toJson() }),
            ("payload at a time, with attributes, raising", {
                _ = try payloads.payload(
                    identity: ada, platform: "web", attributes: Attributes(name: "Ada", emailVerified: true),
                    at: self.now, failures: .raise)
            }),
            ("payload: every reading", { _ = try self.readAll(payloads.payload(identity: self.alice, platform: "web")) }),
            ("payload (a vendor without the platform, raising)", {
                XCTAssertThrowsError(try payloads.payload(identity: ada, platform: "tv", failures: .raise))
            }),
            ("payload: an unknown vendor", {
                XCTAssertThrowsError(try payloads.payload(identity: ada, platform: "web").entry(vendor: "pylon"))
            }),
            ("signMany", { _ = try signer.signManyOrNil(["1", "", "2"]) }),
            ("signMany (a failure)", { XCTAssertThrowsError(try signer.signMany(["1", "", "2"])) }),
            ("sign", { _ = try signer.sign(identity: self.alice) }),
            ("verify", { _ = try verifier.verify(identity: self.alice, token: token) }),
            ("verifyAt with a label", { _ = try verifier.verifyAt(identity: self.alice, token: token, now: self.now, label: "web") }),
            ("verify (a rejection)", { _ = try? verifier.verify(identity: self.alice, token: String(repeating: "0", count: 64)) }),
            ("check", { _ = try gate.check(identity: self.alice, token: token) }),
            ("checkAt (missing)", { _ = try gate.checkAt(identity: self.alice, token: nil, now: self.now) }),
        ]
        for (name, call) in calls {
            try call() // the first call of an object fetches its lane handle: one generated call, once
            let before = laneGeneratedCalls()
            try call()
            try call()
            XCTAssertEqual(laneGeneratedCalls(), before, "\(name) went through uniffi's generated code")
        }
        let before = laneGeneratedCalls()
        _ = try signer.fingerprint()
        _ = try signer.signUniffi(identity: alice)
        XCTAssertEqual(laneGeneratedCalls(), before + 2, "the counter counts generated calls")
    }
}
