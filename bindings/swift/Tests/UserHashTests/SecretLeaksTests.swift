// A recognisable secret, and its hex form for the schemes that hex-decode their secret, shows
// nowhere: in no error (message, description, reflection), and in no description of a scheme,
// keyring, signer, verifier, gate, verdict, decision, batch entry or diagnosis — for every kind of
// scheme, whatever the token and whatever goes wrong.
//
// ErrorsTests checks the same for one text-key scheme; this adds the hex-key, base64 and
// timestamped schemes, the canary's hex form, and the canary pasted where a token or an
// identifier belongs. Scheme names and keyring labels are echoed by design (to say which one is
// wrong), so the canary is never put there.

import Foundation
import UserHash
import XCTest

private let canary = "LEAKCANARY-7f3a9c"
private let other = "OTHERCANARY-0b1d2e"
private let now: UInt64 = 1_741_761_700
private let issued = now - 96
private let ada = Identity(userId: "42", email: "ada@example.com")

private func hex(_ text: String) -> String { text.utf8.map { String(format: "%02x", $0) }.joined() }

private let forbidden = [canary, hex(canary), hex(canary).uppercased()]

/// A secret as the scheme wants it typed into a dashboard: text, or hex for hex-key schemes.
private func typed(_ scheme: Scheme, _ secret: String) throws -> String {
    try scheme.info().keyEncoding == .hex ? hex(secret) : secret
}

private func timestamped(_ scheme: Scheme) throws -> Bool { try scheme.info().timestamp == .suffix }

private func sign(_ signer: Signer, _ identity: Identity, at: UInt64) throws -> String {
    try timestamped(signer.scheme()) ? signer.signAt(identity: identity, unixSeconds: at) : signer.sign(identity: identity)
}

final class SecretLeaksTests: XCTestCase {
    /// Everything made or caught, as the text a log line would show.
    private var shown: [(what: String, text: String)] = []

    private func show(_ what: String, _ action: () throws -> Any) {
        do {
            let value = try action()
            shown += [(what, String(describing: value)), (what, String(reflecting: value))]
        } catch {
            shown += [(what, "\(error)"), (what, String(reflecting: error)), (what, error.localizedDescription)]
        }
    }

    func testTheCanarySecretNeverShows() throws {
        let specs = ["intercom", "helpshift", "jimo", "pylon", "channel-io", "subject=user_id_and_email,key=hex,output=base64,timestamp=suffix"]
        for spec in specs {
            try exercise(spec)
        }
        XCTAssertGreaterThan(shown.count, 3000)
        for (what, text) in shown {
            for secret in forbidden {
                XCTAssertFalse(text.contains(secret), "\(secret) shown by \(what): \(text)")
            }
        }
    }

    private func exercise(_ spec: String) throws {
        let scheme = try Scheme.parse(text: spec)
        let secret = try typed(scheme, canary)
        let keyring = try Keyring(scheme: scheme).withKeys(["web": secret, "ios": typed(scheme, other)])
        let verifier = try Verifier(keyring: keyring)
        let gates = try [Enforcement.off, .report, .enforce].map { try Gate(verifier: verifier, enforcement: $0) }
        let signer = try keyring.signer(label: "web")
        let objects: [Any] = [scheme, try scheme.info(), keyring, try keyring.labels(), verifier, signer] + gates
        for object in objects {
            show("object") { object }
        }

        let genuine = try sign(signer, ada, at: issued)
        let fromIos = try sign(keyring.signer(label: "ios"), ada, at: issued)
        var tokens = [genuine, genuine.uppercased(), fromIos, canary, hex(canary), secret, ""]
        if try scheme.info().keyEncoding == .hex {
            // The hex secret used as text: a secret_used_as_text finding.
            let asText = try Scheme.parse(text: scheme.info().spec.replacingOccurrences(of: "key=hex", with: "key=utf8"))
            tokens.append(try sign(Signer(scheme: asText, secret: secret), ada, at: issued))
            let findings = try verifier.explainAt(identity: ada, token: tokens.last!, now: now, expectedLabel: "web").findings
            XCTAssert(findings.contains { $0.cause == .secretUsedAsText }, "\(spec): \(findings)")
        }
        if try timestamped(scheme) {
            for at in [issued * 1000, now - 7200, now + 7200] {
                tokens.append(try sign(signer, ada, at: at))
            }
            tokens.append(String(genuine.prefix { $0 != "-" }))
        }
        let findings = try verifier.explainAt(identity: ada, token: fromIos, now: now, expectedLabel: "web").findings
        XCTAssert(findings.contains { $0.cause == .wrongKey }, "\(spec): \(findings)")

        let confused = Identity(userId: canary, email: secret)
        for identity in [ada, confused, Identity(), Identity(userId: ""), Identity(email: "")] {
            for token in tokens {
                show("verifyAt") { try verifier.verifyAt(identity: identity, token: token, now: now) }
                show("verifyAt web") { try verifier.verifyAt(identity: identity, token: token, now: now, label: "web") }
                show("explainAt") { try verifier.explainAt(identity: identity, token: token, now: now) }
                show("explainAt web") { try verifier.explainAt(identity: identity, token: token, now: now, expectedLabel: "web") }
                for gate in gates {
                    show("checkAt") { try gate.checkAt(identity: identity, token: token, now: now) }
                    show("checkAt web") { try gate.checkAt(identity: identity, token: token, now: now, label: "web") }
                }
            }
            show("sign") { try signer.sign(identity: identity) }
            show("signAt") { try signer.signAt(identity: identity, unixSeconds: now) }
            show("signBatch") { try signer.signBatch(identities: [identity, ada]) }
        }
        let long = Identity(userId: String(repeating: canary, count: 70), email: String(repeating: canary, count: 70))
        show("too long") { try signer.sign(identity: long) }
        show("unknown label") { try keyring.signer(label: "android") }
        show("duplicate label") { try keyring.withKey(label: "web", secret: secret) }
        show("empty keyring") { try Verifier(keyring: Keyring(scheme: scheme)) }
        for bad in [secret + "a", "0x" + secret, secret + " ", secret.uppercased()] {
            show("secret") { try Signer(scheme: scheme, secret: bad) }
            show("keyring secret") { try Keyring(scheme: scheme).withKey(label: "web", secret: bad) }
        }
    }
}
