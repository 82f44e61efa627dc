// userhash from Swift, per call and in bulk, beside a baseline measured in the same process.
//
// Apple's CryptoKit is not on Linux and swift-crypto is a network dependency, so the in-process
// baseline is a plain-Swift HMAC-SHA256 (below): what a Swift server without a crypto package
// would write. `cargo xtask bench` also reads the Rust core's criterion figures beside these.
// Prints one JSON object: median nanoseconds. `--quick` only checks that everything runs.

import Foundation
import UserHash

let quick = CommandLine.arguments.contains("--quick")
let secret = "a6c93e058a4ab236449bd321002352483a85138489d2ee4fb2eaa4cfd3ab2ba8"
let userId = "user-4f1c9a2e-7d3b-4c8e-9f01-2b3c4d5e6f70"  // 41 bytes, as in the Rust benchmark
let (calls, repeats, count) = quick ? (200, 2, 2_000) : (20_000, 9, 100_000)

/// Nanoseconds on a monotonic clock.
func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

/// The median over `repeats` runs of `body`, in nanoseconds per item (`items` per run).
func median(items: Int, _ body: () throws -> Void) rethrows -> Double {
    var samples: [Double] = []
    for _ in 0..<repeats {
        let start = now()
        try body()
        samples.append(Double(now() - start) / Double(items))
    }
    samples.sort()
    return samples[samples.count / 2]
}

// MARK: - Plain-Swift HMAC-SHA256 (FIPS 180-4, RFC 2104), the baseline

private let roundConstants: [UInt32] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]

func sha256(_ message: [UInt8]) -> [UInt8] {
    var state: [UInt32] = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]
    var padded = message
    padded.append(0x80)
    while padded.count % 64 != 56 { padded.append(0) }
    let bits = UInt64(message.count) * 8
    for shift in stride(from: 56, through: 0, by: -8) { padded.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift))) }
    var w = [UInt32](repeating: 0, count: 64)
    for block in stride(from: 0, to: padded.count, by: 64) {
        for i in 0..<16 {
            let b = block + 4 * i
            w[i] = UInt32(padded[b]) << 24 | UInt32(padded[b + 1]) << 16 | UInt32(padded[b + 2]) << 8 | UInt32(padded[b + 3])
        }
        for i in 16..<64 {
            let s0 = (w[i - 15] >> 7 | w[i - 15] << 25) ^ (w[i - 15] >> 18 | w[i - 15] << 14) ^ (w[i - 15] >> 3)
            let s1 = (w[i - 2] >> 17 | w[i - 2] << 15) ^ (w[i - 2] >> 19 | w[i - 2] << 13) ^ (w[i - 2] >> 10)
            w[i] = w[i - 16] &+ s0 &+ w[i - 7] &+ s1
        }
        var (a, b, c, d, e, f, g, h) = (state[0], state[1], state[2], state[3], state[4], state[5], state[6], state[7])
        for i in 0..<64 {
            let s1 = (e >> 6 | e << 26) ^ (e >> 11 | e << 21) ^ (e >> 25 | e << 7)
            let t1 = h &+ s1 &+ ((e & f) ^ (~e & g)) &+ roundConstants[i] &+ w[i]
            let s0 = (a >> 2 | a << 30) ^ (a >> 13 | a << 19) ^ (a >> 22 | a << 10)
            let t2 = s0 &+ ((a & b) ^ (a & c) ^ (b & c))
            (h, g, f, e, d, c, b, a) = (g, f, e, d &+ t1, c, b, a, t1 &+ t2)
        }
        for (i, value) in [a, b, c, d, e, f, g, h].enumerated() { state[i] = state[i] &+ value }
    }
    return state.flatMap { word in (0..<4).map { UInt8(truncatingIfNeeded: word >> UInt32(24 - 8 * $0)) } }
}

func hmacHex(key: [UInt8], message: String) -> String {
    var block = key.count > 64 ? sha256(key) : key
    block += [UInt8](repeating: 0, count: 64 - block.count)
    let inner = sha256(block.map { $0 ^ 0x36 } + Array(message.utf8))
    let tag = sha256(block.map { $0 ^ 0x5c } + inner)
    return tag.map { String(format: "%02x", $0) }.joined()
}

// MARK: - Runs

let signer = try Signer(scheme: "intercom", secret: secret)
let identity = Identity(userId: userId, email: nil)
let key = Array(secret.utf8)
let ids = (0..<count).map { "user-\($0)" }
guard try signer.sign(identity: identity) == hmacHex(key: key, message: userId),
      try signer.signMany(ids) == ids.map({ hmacHex(key: key, message: $0) }) else {
    fatalError("userhash and the Swift HMAC disagree")
}

var results: [String: Double] = [:]
results["swift_hmac_hex"] = median(items: calls) {
    for _ in 0..<calls { _ = hmacHex(key: key, message: userId) }
}
results["sign"] = try median(items: calls) {
    for _ in 0..<calls { _ = try signer.sign(identity: identity) }
}
let token = try signer.sign(identity: identity)
let verifier = try Verifier(keyring: Keyring(scheme: "intercom").withKeys(["web": secret]))
let gate = try Gate(verifier: verifier, enforcement: .enforce)
guard try verifier.verify(identity: identity, token: token).label == "web",
      try gate.check(identity: identity, token: token).allowed else {
    fatalError("verification disagrees")
}
results["verify"] = try median(items: calls) {
    for _ in 0..<calls { _ = try verifier.verify(identity: identity, token: token) }
}
results["check"] = try median(items: calls) {
    for _ in 0..<calls { _ = try gate.check(identity: identity, token: token) }
}
// The generated calls the lane stands in for, in the same run.
results["sign_generated"] = try median(items: calls) {
    for _ in 0..<calls { _ = try signer.signUniffi(identity: identity) }
}
results["verify_generated"] = try median(items: calls) {
    for _ in 0..<calls { _ = try verifier.verifyUniffi(identity: identity, token: token) }
}
results["fingerprint_call"] = try median(items: calls) {
    for _ in 0..<calls { _ = try signer.fingerprint() }
}
results["swift_hmac_loop_per_id"] = median(items: count) {
    _ = ids.map { hmacHex(key: key, message: $0) }
}
results["sign_loop_per_id"] = try median(items: count) {
    _ = try ids.map { try signer.sign(identity: Identity(userId: $0, email: nil)) }
}
results["sign_many_per_id"] = try median(items: count) {
    _ = try signer.signMany(ids)
}
// Where `signMany`'s time goes: the one call across with the buffers already packed.
var packed: [UInt8] = []
var lengths: [UInt8] = []
for id in ids {
    packed.append(contentsOf: id.utf8)
    withUnsafeBytes(of: UInt32(id.utf8.count).littleEndian) { lengths.append(contentsOf: $0) }
}
let packedData = Data(packed)
let lengthsData = Data(lengths)
results["sign_packed_call_per_id"] = try median(items: count) {
    _ = try signer.signPacked(fields: .userId, data: packedData, lengths: lengthsData)
}
results["bulk_count"] = Double(count)
let json = try JSONSerialization.data(withJSONObject: results, options: [.sortedKeys])
print(String(decoding: json, as: UTF8.self))
