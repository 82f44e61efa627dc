// The app server's and the auth server's side of userhash, as two JSON handlers that any Swift
// HTTP framework can mount (the routes and bodies are those of examples/python/server.py):
//
//   POST /login   {"user_id", "email", "platform"?}  -> 200 {"user_id", "email", "user_hash"}
//   POST /verify  {"user_id", "email", "user_hash", "platform"?}
//                 -> 200 if allowed, 403 if denied: {"allowed", "outcome", "enforcement", "label",
//                    "error_code", "would_deny_when_enforced", "diagnosis"}
//
// Configuration comes from the environment only, and secrets are never logged or echoed:
//   USERHASH_SCHEME        preset name or custom spec (default `intercom`)
//   USERHASH_ENFORCEMENT   `off` | `report` | `enforce` (default `report`)
//   USERHASH_SECRET_<P>    the secret of platform <P>: USERHASH_SECRET_WEB is label `web`

import Foundation
import UserHash

/// The environment does not describe a usable configuration. The message never holds a secret.
public struct ConfigError: Error, CustomStringConvertible {
    public let description: String
}

/// Everything the handlers share, built once at start-up. The userhash objects are immutable and
/// `Sendable`: one service serves every request, on any thread or task.
public struct IdentityService: Sendable {
    public static let secretPrefix = "USERHASH_SECRET_"
    public static let maxBodyBytes = 64 * 1024

    public let schemeName: String
    public let keyring: Keyring
    public let verifier: Verifier
    public let gate: Gate

    public init(environment: [String: String]) throws {
        schemeName = environment["USERHASH_SCHEME"] ?? "intercom"
        let mode = environment["USERHASH_ENFORCEMENT"] ?? "report"
        guard let enforcement = ["off": Enforcement.off, "report": .report, "enforce": .enforce][mode.lowercased()] else {
            throw ConfigError(description: "USERHASH_ENFORCEMENT=\(mode): use off, report or enforce")
        }
        do {
            var keyring = try Keyring(scheme: schemeName)
            for name in environment.keys.filter({ $0.hasPrefix(Self.secretPrefix) }).sorted() {
                let label = name.dropFirst(Self.secretPrefix.count).lowercased()
                keyring = try keyring.withKey(label: label, secret: environment[name] ?? "")
            }
            guard try !keyring.labels().isEmpty else {
                throw ConfigError(description: "no secrets: set \(Self.secretPrefix)WEB, \(Self.secretPrefix)IOS, ...")
            }
            self.keyring = keyring
            verifier = try Verifier(keyring: keyring)
            gate = try Gate(verifier: verifier, enforcement: enforcement)
        } catch let error as UserHashError {
            throw ConfigError(description: error.description) // names the scheme or label, never the secret
        }
    }

    /// One-line start-up summary: scheme, mode and each key's fingerprint (never the key).
    public func summary() throws -> String {
        let keys = try keyring.labels().map { "\($0) (\(try keyring.fingerprint(label: $0)))" }
        return "scheme \(schemeName), enforcement \(name(of: try gate.enforcement())), keys \(keys.joined(separator: ", "))"
    }

    /// Routes a request: `path` and the JSON body in, an HTTP status and a JSON body out.
    public func handle(path: String, body: Data, now: UInt64) -> (status: Int, body: Data) {
        do {
            guard body.count <= Self.maxBodyBytes else { throw BadRequest("body over \(Self.maxBodyBytes) bytes") }
            switch path {
            case "/login": return try login(decode(LoginRequest.self, body))
            case "/verify": return try verify(decode(VerifyRequest.self, body), now: now)
            default: return reply(404, ["error": "no route \(path)"])
            }
        } catch {
            return reply(400, ["error": "\(error)"])
        }
    }

    /// What the app server returns to its client for the logged-in user, signed with the key of
    /// the client's platform.
    public func login(_ request: LoginRequest) -> (status: Int, body: Data) {
        do {
            let signer = try keyring.signer(label: request.platform ?? "web")
            let hash = try signer.sign(identity: Identity(userId: request.userId, email: request.email))
            return reply(200, LoginResponse(userId: request.userId, email: request.email, userHash: hash))
        } catch let error as UserHashError {
            return reply(400, ["error_code": error.code.name, "error": error.message])
        } catch {
            return reply(500, ["error": "\(error)"])
        }
    }

    /// What the auth server does with the hash: the rollout gate, plus the diagnosis of a hash
    /// that did not verify, in words support can act on.
    public func verify(_ request: VerifyRequest, now: UInt64) -> (status: Int, body: Data) {
        let identity = Identity(userId: request.userId, email: request.email)
        do {
            let decision: Decision
            if let platform = request.platform {
                decision = try gate.checkAt(identity: identity, token: request.userHash, now: now, label: platform)
            } else {
                decision = try gate.checkAt(identity: identity, token: request.userHash, now: now)
            }
            var diagnosis: String?
            if decision.outcome == .invalid, let token = request.userHash, !token.isEmpty {
                diagnosis = (try? verifier.explainAt(identity: identity, token: token, now: now, expectedLabel: request.platform).summary)
                    ?? decision.errorMessage // e.g. an unknown platform: the decision already says why
            }
            let response = VerifyResponse(
                allowed: decision.allowed, outcome: name(of: decision.outcome),
                enforcement: name(of: decision.enforcement), label: decision.label,
                errorCode: decision.errorCode?.name, wouldDenyWhenEnforced: decision.wouldDenyWhenEnforced,
                diagnosis: diagnosis)
            return reply(decision.allowed ? 200 : 403, response)
        } catch {
            return reply(500, ["error": "\(error)"])
        }
    }
}

public struct LoginRequest: Codable, Sendable {
    public var userId: String?, email: String?, platform: String?
    enum CodingKeys: String, CodingKey { case userId = "user_id", email, platform }
    public init(userId: String? = nil, email: String? = nil, platform: String? = nil) {
        (self.userId, self.email, self.platform) = (userId, email, platform)
    }
}

public struct VerifyRequest: Codable, Sendable {
    public var userId: String?, email: String?, userHash: String?, platform: String?
    enum CodingKeys: String, CodingKey { case userId = "user_id", email, userHash = "user_hash", platform }
    public init(userId: String? = nil, email: String? = nil, userHash: String? = nil, platform: String? = nil) {
        (self.userId, self.email, self.userHash, self.platform) = (userId, email, userHash, platform)
    }
}

public struct LoginResponse: Encodable, Sendable {
    public var userId: String?
    public var email: String?
    public var userHash: String
    enum CodingKeys: String, CodingKey { case userId = "user_id", email, userHash = "user_hash" }

    public func encode(to encoder: Encoder) throws { // nulls included, like the Python server
        var out = encoder.container(keyedBy: CodingKeys.self)
        try out.encode(userId, forKey: .userId)
        try out.encode(email, forKey: .email)
        try out.encode(userHash, forKey: .userHash)
    }
}

public struct VerifyResponse: Encodable, Sendable {
    public var allowed: Bool
    public var outcome: String
    public var enforcement: String
    public var label: String?
    public var errorCode: String?
    public var wouldDenyWhenEnforced: Bool
    public var diagnosis: String?
    enum CodingKeys: String, CodingKey {
        case allowed, outcome, enforcement, label, errorCode = "error_code"
        case wouldDenyWhenEnforced = "would_deny_when_enforced", diagnosis
    }

    public func encode(to encoder: Encoder) throws { // nulls included, like the Python server
        var out = encoder.container(keyedBy: CodingKeys.self)
        try out.encode(allowed, forKey: .allowed)
        try out.encode(outcome, forKey: .outcome)
        try out.encode(enforcement, forKey: .enforcement)
        try out.encode(label, forKey: .label)
        try out.encode(errorCode, forKey: .errorCode)
        try out.encode(wouldDenyWhenEnforced, forKey: .wouldDenyWhenEnforced)
        try out.encode(diagnosis, forKey: .diagnosis)
    }
}

/// The request body is not what the endpoint expects.
struct BadRequest: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

private func decode<T: Decodable>(_ type: T.Type, _ body: Data) throws -> T {
    do {
        return try JSONDecoder().decode(type, from: body.isEmpty ? Data("{}".utf8) : body)
    } catch DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context) {
        let field = context.codingPath.map(\.stringValue).joined(separator: ".")
        throw BadRequest(field.isEmpty ? "body must be a JSON object" : "\(field) must be a string or null")
    } catch {
        throw BadRequest("body is not JSON")
    }
}

private func reply<T: Encodable>(_ status: Int, _ payload: T) -> (status: Int, body: Data) {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return (status, (try? encoder.encode(payload)) ?? Data(#"{"error": "unencodable reply"}"#.utf8))
}

private func name(of outcome: Outcome) -> String {
    switch outcome {
    case .verified: return "verified"
    case .missing: return "missing"
    case .invalid: return "invalid"
    case .unidentified: return "unidentified"
    case .notChecked: return "not_checked"
    }
}

private func name(of enforcement: Enforcement) -> String {
    switch enforcement {
    case .off: return "off"
    case .report: return "report"
    case .enforce: return "enforce"
    }
}
