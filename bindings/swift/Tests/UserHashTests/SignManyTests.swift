import UserHash
import XCTest

/// `signMany`: the same tokens as `sign`, item by item, and a clear story for bad items.
final class SignManyTests: XCTestCase {
    let signer = try! Signer(scheme: "intercom", secret: "5ec2e7")

    func testEqualsSigningOneByOne() throws {
        let ids = ["42", "nul\u{0}inside", "new\nline", "Zoë ✓ 😀", String(repeating: "x", count: 1024)]
        XCTAssertEqual(try signer.signMany(ids), try ids.map { try signer.sign(identity: Identity(userId: $0, email: nil)) })
        let helpScout = try Signer(scheme: "help-scout", secret: "5ec2e7")
        XCTAssertEqual(
            try helpScout.signMany(ids, field: .email),
            try ids.map { try helpScout.sign(identity: Identity(userId: nil, email: $0)) }
        )
        let identities = ids.dropLast().map { Identity(userId: $0, email: "\($0)@example.com") }
        let helpshift = try Signer(scheme: "helpshift", secret: "5ec2e7")
        XCTAssertEqual(try helpshift.signMany(identities), try identities.map { try helpshift.sign(identity: $0) })
        XCTAssertEqual(try signer.signMany([String]()), [])
    }

    func testLargeBatchesKeepTheirOrder() throws {
        let ids = (0..<20_000).map { "user-\($0)" }
        XCTAssertEqual(try signer.signMany(ids), try ids.map { try signer.sign(identity: Identity(userId: $0, email: nil)) })
    }

    func testBadItemsThrowWithTheirIndexOrBecomeNil() throws {
        XCTAssertThrowsError(try signer.signMany(["1", "", "2"])) { error in
            guard let error = error as? UserHashError else { return XCTFail("\(error)") }
            XCTAssertEqual(error.code, .emptyField)
            XCTAssertTrue(error.message.hasPrefix("item 1: "), error.message)
        }
        let tokens = try signer.signManyOrNil(["1", "", String(repeating: "x", count: 1025)])
        XCTAssertEqual(tokens[0], try signer.sign(identity: Identity(userId: "1", email: nil)))
        XCTAssertNil(tokens[1])
        XCTAssertNil(tokens[2])
        XCTAssertEqual(try signer.signManyOrNil([Identity(userId: nil, email: nil)]), [nil])
    }

    /// A bad item throws what `sign` throws for it, case and message, after its index: the
    /// batch's own failure line, with no second signing.
    func testABadItemsErrorIsSignsAfterItsIndex() throws {
        for bad in ["", String(repeating: "x", count: 1025)] {
            var alone: UserHashError?
            XCTAssertThrowsError(try signer.sign(identity: Identity(userId: bad, email: nil))) { alone = $0 as? UserHashError }
            XCTAssertThrowsError(try signer.signMany(["ok", bad])) { error in
                guard let error = error as? UserHashError, let alone = alone else { return XCTFail("\(error)") }
                XCTAssertEqual(error.code, alone.code)
                XCTAssertEqual(error.message, "item 1: \(alone.message)")
            }
        }
    }

    /// Issue 14 item 11: library code never traps the host app. Asking for both fields with a
    /// list of strings used to hit a `precondition` and kill the process; it throws now.
    func testABadArgumentThrowsInsteadOfTrapping() {
        XCTAssertThrowsError(try signer.signMany(["42"], field: .userIdAndEmail)) { error in
            XCTAssertEqual((error as? UserHashError)?.code, .malformedBatch, "\(error)")
        }
        XCTAssertThrowsError(try signer.signManyOrNil(["42"], field: .userIdAndEmail))
    }

    /// Issue 14 item 12: a batch carries one time, the clock read once per call.
    func testATimestampedBatchCarriesOneTime() throws {
        let jimo = try Signer(scheme: "jimo", secret: "5ec2e7")
        let tokens = try jimo.signMany((0..<5_000).map { "user-\($0)" })
        XCTAssertEqual(Set(tokens.map { $0.split(separator: "-").last.map(String.init) ?? "" }).count, 1)
    }
}
