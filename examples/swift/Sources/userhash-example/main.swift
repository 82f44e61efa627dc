// userhash-example: the example's handlers over stdin and stdout, and the cross-language demo.
//
//   USERHASH_SECRET_WEB=... userhash-example login  < '{"user_id": "42"}'
//   USERHASH_SECRET_WEB=... userhash-example verify < '{"user_id": "42", "user_hash": "...", "platform": "web"}'
//   userhash-example demo [examples/demo.json]
//
// login and verify print the JSON reply on stdout and the status on stderr; they exit 0 when the
// request was served (200), 1 when the gate denied it (403), 2 on a bad request or configuration.
// Nothing printed contains a secret.

import Foundation
import IdentityVerification

let usage = """
    usage: userhash-example login | verify   (the JSON request body on stdin)
           userhash-example demo [demo.json]
    configuration: USERHASH_SCHEME, USERHASH_ENFORCEMENT, USERHASH_SECRET_<PLATFORM>
    """

func standardError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

func run(_ arguments: [String]) -> Int32 {
    switch arguments.first {
    case "login", "verify":
        let service: IdentityService
        do {
            service = try IdentityService(environment: ProcessInfo.processInfo.environment)
            standardError(try service.summary())
        } catch {
            standardError("userhash-example: \(error)")
            return 2
        }
        let body = FileHandle.standardInput.readDataToEndOfFile()
        let now = UInt64(max(0, Date().timeIntervalSince1970))
        let (status, reply) = service.handle(path: "/" + arguments[0], body: body, now: now)
        print(String(decoding: reply, as: UTF8.self))
        standardError("POST /\(arguments[0]) \(status)") // never the body: identities and hashes stay out of logs
        return status == 200 ? 0 : status == 403 ? 1 : 2
    case "demo" where arguments.count <= 2:
        let path = arguments.count == 2
            ? URL(fileURLWithPath: arguments[1])
            : URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("examples/demo.json")
        do {
            for line in try Demo.lines(demoJSON: Data(contentsOf: path)) { print(line) }
            return 0
        } catch {
            standardError("userhash-example: demo \(path.path): \(error)")
            return 2
        }
    default:
        standardError(usage)
        return 2
    }
}

exit(run(Array(CommandLine.arguments.dropFirst())))
