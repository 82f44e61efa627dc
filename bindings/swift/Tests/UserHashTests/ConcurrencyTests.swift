// One Signer and one Verifier shared by 8 concurrent tasks give exactly the single-thread results.
// The objects are `Sendable`: the compiler lets them cross into child tasks without a copy.

import Foundation
import UserHash
import XCTest

private let tasks = 8
private let perTask = 12_500 // 100k identities in total
private let now: UInt64 = 1_741_761_700

/// Distinct identities, some non-ASCII, some email-only.
private let identities: [Identity] = (0..<tasks * perTask).map { key in
    key % 7 == 0
        ? Identity(email: "user\(key)@example.com")
        : Identity(userId: "usér-\(key)", email: "user\(key)@example.com")
}

/// Runs `work` on each of `tasks` slices of 0..<count in a task group; the results in slice order.
private func inTasks<T: Sendable>(
    count: Int, _ work: @escaping @Sendable (Range<Int>) async throws -> [T]
) async throws -> [T] {
    let share = count / tasks
    return try await withThrowingTaskGroup(of: (Int, [T]).self) { group in
        for task in 0..<tasks {
            group.addTask { (task, try await work(task * share..<(task + 1) * share)) }
        }
        var slices = [[T]](repeating: [], count: tasks)
        for try await (task, slice) in group { slices[task] = slice }
        return slices.flatMap { $0 }
    }
}

final class ConcurrencyTests: XCTestCase {
    func testValueAndObjectTypesAreSendable() {
        func sendable<T: Sendable>(_: T.Type) {}
        sendable(Signer.self); sendable(Keyring.self); sendable(Verifier.self); sendable(Gate.self)
        sendable(Scheme.self)
        #if compiler(>=6) // the generated code declares the value types Sendable from Swift 6 compilers on
        sendable(Identity.self); sendable(Verified.self); sendable(Decision.self)
        sendable(Diagnosis.self); sendable(BatchEntry.self); sendable(UserHashError.self)
        #endif
    }

    func testSharedSignerAcrossEightTasks() async throws {
        let signer = try Keyring(scheme: "intercom").withKeys(["web": "demo-web-secret-for-tasks"]).signer(label: "web")
        let single = try identities.map { try signer.sign(identity: $0) }
        XCTAssertEqual(Set(single).count, identities.count)
        XCTAssertEqual(try signer.signBatch(identities: identities).map(\.token), single)

        let shared = try await inTasks(count: identities.count) { range in
            var tokens: [String] = []
            tokens.reserveCapacity(range.count)
            for n in range {
                tokens.append(try signer.sign(identity: identities[n]))
                if n % 1_000 == 0 { await Task.yield() } // interleave all 8 tasks on the pool
            }
            return tokens
        }
        XCTAssertEqual(shared.count, single.count)
        XCTAssert(shared == single, "the 8 tasks' tokens differ from the single-thread tokens")
    }

    func testSharedVerifierAcrossEightTasks() async throws {
        let keyring = try Keyring(scheme: "intercom").withKeys(["web": "demo-web-secret-for-tasks", "ios": "demo-ios-secret-for-tasks"])
        let chosen = Array(identities.prefix(20_000))
        let web = try chosen.map { try keyring.signer(label: "web").sign(identity: $0) }
        let ios = try chosen.map { try keyring.signer(label: "ios").sign(identity: $0) }
        // A third each: made with the web key, with the ios key, or tampered with (last digit).
        let kinds = chosen.indices.map { ["web", "ios", "mismatch"][$0 % 3] }
        let tokens = chosen.indices.map { n -> String in
            switch kinds[n] {
            case "web": return web[n]
            case "ios": return ios[n]
            default: return String(web[n].dropLast()) + (web[n].hasSuffix("0") ? "1" : "0")
            }
        }
        let verifier = try Verifier(keyring: keyring)
        let verify: @Sendable (Range<Int>) async throws -> [String] = { range in
            try range.map { n in
                do {
                    return try verifier.verifyAt(identity: chosen[n], token: tokens[n], now: now).label
                } catch UserHashError.Mismatch {
                    return ErrorCode.mismatch.name
                }
            }
        }
        let single = try await verify(chosen.indices)
        XCTAssertEqual(single, kinds) // the single-thread results are also right by construction
        let shared = try await inTasks(count: chosen.count, verify)
        XCTAssert(shared == single, "the 8 tasks' verdicts differ from the single-thread verdicts")
    }
}
