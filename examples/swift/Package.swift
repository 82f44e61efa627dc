// swift-tools-version:5.9
// The Swift example: depends on the UserHash package the way an app on Linux or macOS would, by
// path. Build it with the directory of the Rust library on the command line (see README.md):
//     swift build -Xlinker -L<dir holding libuserhash_ffi.a>
import PackageDescription

let package = Package(
    name: "userhash-example",
    platforms: [.macOS(.v10_15)],
    dependencies: [
        // Dependencies/UserHash is a symlink to ../../bindings/swift: a path dependency's package
        // identity is its directory name, and this package's own directory is also named `swift`.
        .package(path: "Dependencies/UserHash"),
    ],
    targets: [
        // What an app server embeds: configuration from the environment and the two handlers,
        // independent of any HTTP framework (Vapor, Hummingbird, ...).
        .target(
            name: "IdentityVerification",
            dependencies: [.product(name: "UserHash", package: "UserHash")]
        ),
        // `userhash-example login | verify | demo`: the handlers over stdin and stdout.
        .executableTarget(name: "userhash-example", dependencies: ["IdentityVerification"]),
        .testTarget(
            name: "IdentityVerificationTests",
            dependencies: ["IdentityVerification", "userhash-example"]
        ),
    ]
)
