import Foundation
import Testing

/// The command-line tools some tests run, at the paths they run them from. `.ci/run` installs
/// both (Debian's `openssl` and `curl` packages); elsewhere the tests that need one are skipped,
/// with the reason in the test report, rather than failing on a missing file.
enum ExternalTool {
    static let openssl = "/usr/bin/openssl"
    static let curl = "/usr/bin/curl"

    static func installed(_ path: String) -> Bool { FileManager.default.isExecutableFile(atPath: path) }
}

extension TestTrait where Self == ConditionTrait {
    /// Skips a test that makes keys or certificates with the `openssl` command when it is missing.
    static var requiresOpenSSL: Self {
        .enabled(if: ExternalTool.installed(ExternalTool.openssl), "needs /usr/bin/openssl: apt-get install openssl")
    }

    /// Skips a test that talks TLS through the `curl` command when it is missing.
    static var requiresCurl: Self {
        .enabled(if: ExternalTool.installed(ExternalTool.curl), "needs /usr/bin/curl: apt-get install curl")
    }
}
