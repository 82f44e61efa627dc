// The cross-language demo: examples/demo.json in, one JSON line per (scheme, identity) out, then
// one per (platform, identity) for the payload of a config built in code — byte for byte what
// examples/python/demo.py prints (its docstring is the contract).

import Foundation
import UserHash

public enum Demo {
    struct Input: Decodable {
        struct Entry: Decodable { let name: String, scheme: String, timestamp: UInt64?, now: UInt64? }
        struct Key: Decodable { let label: String, secret: String }
        struct Person: Decodable { let userId: String?, email: String? }
        struct PayloadKey: Decodable { let label: String, secret: String, keyId: String? }
        struct Vendor: Decodable { let name: String, scheme: String, allPlatforms: String?, keys: [PayloadKey] }
        struct PayloadInput: Decodable {
            let app: String, environment: String, vendors: [Vendor], platforms: [String], at: UInt64
        }
        let schemes: [Entry], keyring: [Key], identities: [Person], payload: PayloadInput
    }

    /// For every scheme and every identity, in file order: sign with the first label's key,
    /// verify with the whole keyring at the entry's `now` (0 when null), and report the token and
    /// the matching label — or the error code where signing or verifying fails.
    public static func lines(demoJSON: Data) throws -> [String] {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let demo = try decoder.decode(Input.self, from: demoJSON)
        guard let first = demo.keyring.first else { throw ConfigError(description: "demo.json: empty keyring") }
        var lines: [String] = []
        for entry in demo.schemes {
            var keyring = try Keyring(scheme: entry.scheme)
            for key in demo.keyring { keyring = try keyring.withKey(label: key.label, secret: key.secret) }
            let signer = try keyring.signer(label: first.label)
            let verifier = try Verifier(keyring: keyring)
            for (n, person) in demo.identities.enumerated() {
                let identity = Identity(userId: person.userId, email: person.email)
                var token: String?, verified: String
                do {
                    let signed = try entry.timestamp.map { try signer.signAt(identity: identity, unixSeconds: $0) }
                        ?? signer.sign(identity: identity)
                    token = signed
                    verified = try verifier.verifyAt(identity: identity, token: signed, now: entry.now ?? 0).label
                } catch let error as UserHashError {
                    verified = error.code.name // token stays nil when signing failed
                }
                lines.append(#"{"case": \#(json("\(entry.name)/\(n)")), "token": \#(json(token)), "verified": \#(json(verified))}"#)
            }
        }
        return lines + (try payloadLines(demo))
    }

    /// One payload per (platform, identity), from a config built in code with `ConfigBuilder`:
    /// the payload's JSON as the token, `complete` or the first failing vendor's code as verdict.
    static func payloadLines(_ demo: Input) throws -> [String] {
        let given = demo.payload
        var builder = ConfigBuilder()
        for vendor in given.vendors {
            builder = try builder.vendor(app: given.app, environment: given.environment, vendor: vendor.name, scheme: vendor.scheme)
            for key in vendor.keys {
                builder = try builder.keySecret(label: key.label, secret: key.secret)
                if let keyId = key.keyId { builder = try builder.keyId(label: key.label, keyId: keyId) }
            }
            if let label = vendor.allPlatforms { builder = try builder.allPlatforms(label: label) }
        }
        let signer = try builder.build().payloadSigner(app: given.app, environment: given.environment)
        var lines: [String] = []
        for platform in given.platforms {
            for (n, person) in demo.identities.enumerated() {
                let payload = try signer.payload(
                    identity: Identity(userId: person.userId, email: person.email), platform: platform, at: given.at)
                let failed = try payload.entries().compactMap(\.errorCode).first
                lines.append(#"{"case": \#(json("payload/\(platform)/\(n)")), "token": \#(json(try payload.toJson())), "verified": \#(json(failed?.name ?? "complete"))}"#)
            }
        }
        return lines
    }

    /// A JSON string as Python's `json.dumps` writes it: ASCII only, `\uXXXX` (UTF-16) escapes.
    public static func json(_ text: String?) -> String {
        guard let text else { return "null" }
        var out = "\""
        for unit in text.utf16 {
            switch unit {
            case 0x22: out += "\\\""
            case 0x5C: out += "\\\\"
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            case 0x08: out += "\\b"
            case 0x0C: out += "\\f"
            case 0x20..<0x7F: out.unicodeScalars.append(Unicode.Scalar(UInt8(unit)))
            default: out += "\\u" + String(repeating: "0", count: 4 - String(unit, radix: 16).count) + String(unit, radix: 16)
            }
        }
        return out + "\""
    }
}
