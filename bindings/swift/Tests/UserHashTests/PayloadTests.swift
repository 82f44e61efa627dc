// The config file and the payload through the Swift package: every case of
// testdata/vectors/payload.json (format in its README, reference runner
// crates/userhash-config/tests/payload_vectors.rs), each config written to disk and loaded as a
// user's would be; the builder; typed errors.

import Foundation
import UserHash
import XCTest

/// The payload vector file: named configs and the cases.
private struct PayloadVectors: Decodable {
    struct NamedConfig: Decodable { let toml: String, secretFiles: [String: String] }
    struct Expected: Decodable {
        let json: String?, complete: Bool?, raises: String?, error: String?, labels: [String]?
    }
    struct PayloadCase: Decodable {
        let id: String, operation: String, config: String, app: String, environment: String
        let vendor: String?, platform: String?, userId: String?, email: String?
        let attributes: Case.Claims?, at: UInt64?
        let expected: Expected
    }
    let configs: [String: NamedConfig]
    let payload: [PayloadCase]
}

/// What a case's operation gave: the payload, or the keyring's labels.
private enum Outcome { case payload(Payload), labels([String]) }

final class PayloadTests: XCTestCase {
    private func load() throws -> PayloadVectors {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(
            PayloadVectors.self, from: Data(contentsOf: vectorsDirectory.appendingPathComponent("payload.json")))
    }

    /// The named config as userhash.toml with its secret files beside it, owner-only.
    private func write(_ config: PayloadVectors.NamedConfig) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("userhash-payload-\(UUID().uuidString)")
        for (relative, secret) in config.secretFiles {
            let url = dir.appendingPathComponent(relative)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(secret.utf8).write(to: url)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)
        }
        let path = dir.appendingPathComponent("userhash.toml")
        try Data(config.toml.utf8).write(to: path)
        return path.path
    }

    private func run(_ c: PayloadVectors.PayloadCase, _ path: String, _ failures: VendorFailures) throws -> Outcome {
        let config = try Config.load(path: path)
        if c.operation == "keyring" {
            return .labels(try config.keyring(app: c.app, environment: c.environment, vendor: c.vendor).labels())
        }
        let signer = try config.payloadSigner(app: c.app, environment: c.environment)
        return .payload(try signer.payload(
            identity: Identity(userId: c.userId, email: c.email), platform: c.platform ?? "",
            attributes: c.attributes?.attributes, at: c.at, failures: failures))
    }

    private func code(_ error: Error) -> String { (error as? UserHashError)?.code.name ?? "\(type(of: error))" }

    func testEveryPayloadVector() throws {
        let vectors = try load()
        XCTAssertGreaterThanOrEqual(vectors.payload.count, 25)
        for c in vectors.payload {
            let path = try write(try XCTUnwrap(vectors.configs[c.config], c.id))
            if let error = c.expected.error {
                XCTAssertThrowsError(try run(c, path, .report), c.id) { XCTAssertEqual(self.code($0), error, c.id) }
                continue
            }
            switch try run(c, path, .report) {
            case .labels(let labels):
                XCTAssertEqual(labels, c.expected.labels, c.id)
            case .payload(let payload):
                XCTAssertEqual(try payload.toJson(), c.expected.json, c.id) // the same bytes everywhere
                XCTAssertEqual(try payload.isComplete(), c.expected.complete, c.id)
                if let raises = c.expected.raises {
                    XCTAssertThrowsError(try run(c, path, .raise), c.id) { XCTAssertEqual(self.code($0), raises, c.id) }
                } else {
                    XCTAssertNoThrow(try run(c, path, .raise), c.id)
                }
            }
        }
    }

    func testTheBuilderAndTypedErrors() throws {
        let secret = "swift-given-secret-do-not-print"
        let config = try ConfigBuilder()
            .vendor(app: "acme", environment: "production", vendor: "intercom", scheme: "intercom")
            .keySecret(label: "web", secret: secret)
            .keySecret(label: "ios", secret: secret + "-ios")
            .vendor(app: "acme", environment: "production", vendor: "crisp", scheme: "crisp")
            .keySecret(label: "website", secret: secret + "-crisp")
            .allPlatforms(label: "website")
            .build()
        let ada = Identity(userId: "42", email: "ada@example.com")
        let payload = try config.payloadSigner(app: "acme", environment: "production").payload(identity: ada, platform: "ios")
        XCTAssertTrue(try payload.isComplete())
        XCTAssertEqual(try payload.token(vendor: "intercom"), try Signer(scheme: "intercom", secret: secret + "-ios").sign(identity: ada))
        XCTAssertEqual(try payload.entry(vendor: "crisp").payloadKey, "signature")
        XCTAssertFalse(String(describing: config).contains(secret))

        let failures: [(ErrorCode, () throws -> Void)] = [
            (.configUnreadable, { _ = try Config.load(path: "/nonexistent/userhash.toml") }),
            (.configInvalid, { _ = try Config.parse(text: "[apps.a.b]\nscheme = \"intercom\"\nkeys.web = \"\(secret)\"") }),
            (.configUnknownApp, { _ = try config.payloadSigner(app: "x", environment: "production") }),
            (.configUnknownEnvironment, { _ = try config.payloadSigner(app: "acme", environment: "x") }),
            (.configUnknownVendor, { _ = try config.keyring(app: "acme", environment: "production") }),
            (.configUnknownVendor, { _ = try payload.entry(vendor: "pylon") }),
            (.configUnknownPlatform, {
                _ = try ConfigBuilder().vendor(app: "a", environment: "b", vendor: "v", scheme: "intercom")
                    .keySecret(label: "web", secret: secret).build().payloadSigner(app: "a", environment: "b")
                    .payload(identity: ada, platform: "ios")
            }),
            (.secretUnavailable, {
                _ = try ConfigBuilder().vendor(app: "a", environment: "b", vendor: "v", scheme: "intercom")
                    .keyEnv(label: "web", variable: "USERHASH_TEST_SURELY_UNSET").build().payloadSigner(app: "a", environment: "b")
            }),
            (.configSharedKey, {
                _ = try ConfigBuilder().vendor(app: "a", environment: "b", vendor: "hash", scheme: "intercom")
                    .keySecret(label: "web", secret: secret)
                    .vendor(app: "a", environment: "b", vendor: "jwt", scheme: "intercom-jwt")
                    .keySecret(label: "web", secret: secret).build().payloadSigner(app: "a", environment: "b")
            }),
            (.missingField, {
                _ = try config.payloadSigner(app: "acme", environment: "production")
                    .payload(identity: Identity(userId: "42", email: nil), platform: "web", failures: .raise)
            }),
        ]
        for (expected, action) in failures {
            XCTAssertThrowsError(try action(), expected.name) { error in
                guard let error = error as? UserHashError else { return XCTFail("\(type(of: error)) thrown") }
                XCTAssertEqual(error.code, expected)
                XCTAssertFalse(error.description.contains(secret), error.description)
            }
        }
    }
}
