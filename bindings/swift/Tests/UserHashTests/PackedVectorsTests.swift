import Foundation
@testable import UserHash
import XCTest

/// The packed protocol's shared vectors (testdata/vectors/packed/lane-v1.json): Swift's encoder
/// (`Packer`) makes each case's bytes, and its decoder reads each item's outcome.
final class PackedVectorsTests: XCTestCase {
    private func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    func testTheEncoderMakesTheVectorsBytesAndTheDecoderReadsTheirOutcomes() throws {
        let url = vectorsDirectory.appendingPathComponent("packed/lane-v1.json")
        let doc = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        XCTAssertEqual(doc["protocol"] as? Int, 1)
        var checked = 0
        for case let vector as [String: Any] in doc["cases"] as! [Any] {
            let id = vector["id"] as! String
            let fields = vector["fields"] as! String
            let items = (vector["items"] as! [[String: Any]]).map {
                Identity(userId: $0["user_id"] as? String, email: $0["email"] as? String)
            }
            var packer = Packer(fields: 2 * items.count)
            for identity in items {
                switch fields {
                case "user_id": packer.add(identity.userId)
                case "email": packer.add(identity.email)
                default:
                    packer.add(identity.userId)
                    packer.add(identity.email)
                }
            }
            XCTAssertEqual(hex(packer.data), vector["data_hex"] as? String, "\(id) data")
            XCTAssertEqual(hex(packer.lengths), vector["lengths_hex"] as? String, "\(id) lengths")
            // The answer, decoded (timestamped cases carry the vector's time, which `signMany`
            // does not take: the clock is read once per call).
            if !(vector["at"] is NSNull) { continue }
            let signer = try Signer(scheme: vector["scheme"] as! String, secret: vector["secret"] as! String)
            let packedFields: PackedFields = [.userId, .email, .userIdAndEmail][vector["field_code"] as! Int]
            let batch = try packer.sign(signer, fields: packedFields, count: items.count)
            var got: [[String: String]] = batch.tokens.map { ["token": $0 ?? ""] }
            for failure in batch.failures { got[failure.index] = ["error": failure.code] }
            XCTAssertEqual(got, vector["expect"] as? [[String: String]], id)
            checked += 1
        }
        XCTAssertGreaterThan(checked, 20)
    }
}
