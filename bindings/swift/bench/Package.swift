// swift-tools-version:5.9
// Benchmarks of the Swift binding: not part of the package's build or tests. `cargo xtask bench`
// builds it in release mode and runs it; by hand (Rust library built first):
//     swift run -c release --package-path bindings/swift/bench -Xlinker -L<dir holding libuserhash_ffi.a>
import PackageDescription

let package = Package(
    name: "userhash-bench",
    platforms: [.macOS(.v10_15)],
    dependencies: [
        // The binding itself, by path (its package identity is its directory name, `swift`).
        .package(path: ".."),
    ],
    targets: [
        .executableTarget(
            name: "userhash-bench",
            dependencies: [.product(name: "UserHash", package: "swift")]
        ),
    ]
)
