import Foundation

/// `--web.config.file`, in Prometheus exporter-toolkit's format: TLS and basic authentication.
///
/// Supported: `tls_server_config` with `cert_file`, `key_file`, `min_version`, `max_version`
/// (`TLS12`, `TLS13`; default minimum TLS12) and `client_auth_type: NoClientCert`;
/// `basic_auth_users` mapping users to bcrypt hashes. Other keys exporter-toolkit knows are
/// refused by name, so a setting is never silently ignored.
public struct WebConfig: Sendable, Equatable {
    public struct TLS: Sendable, Equatable {
        public var certFile: String
        public var keyFile: String
        /// TLS versions as 0x0303 (1.2) and 0x0304 (1.3).
        public var minVersion: Int32
        public var maxVersion: Int32?
    }

    public var tls: TLS?
    public var basicAuthUsers: [String: String]

    public init(tls: TLS? = nil, basicAuthUsers: [String: String] = [:]) {
        self.tls = tls
        self.basicAuthUsers = basicAuthUsers
    }

    /// Reads and checks the file; paths in it are relative to its folder.
    public static func load(path: String) throws(WebConfigError) -> WebConfig {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw WebConfigError("cannot read --web.config.file \(path); check the path and permissions.")
        }
        return try parse(text, directory: (path as NSString).deletingLastPathComponent, file: path)
    }

    public static func parse(_ text: String, directory: String, file: String = "the web config") throws(WebConfigError) -> WebConfig {
        let document: MiniYAML.Value
        do {
            document = try MiniYAML.parse(text)
        } catch {
            throw WebConfigError("\(file) is not valid here (\(error)); see exporter-toolkit's web-config format.")
        }
        var config = WebConfig()
        for (key, value) in document.entries {
            switch key {
            case "tls_server_config":
                guard case .mapping = value, !value.entries.isEmpty else {
                    throw WebConfigError("\(file): tls_server_config must be a mapping with cert_file and key_file.")
                }
                config.tls = try tls(value, directory: directory, file: file)
            case "basic_auth_users":
                config.basicAuthUsers = try users(value, file: file)
            case "http_server_config":
                throw WebConfigError("\(file): http_server_config is not supported by copilot_exporter; remove it.")
            default:
                throw WebConfigError("\(file): unknown key \(key); the supported keys are tls_server_config and basic_auth_users.")
            }
        }
        return config
    }

    /// `basic_auth_users`: a mapping of user names to valid bcrypt hashes (empty: no users).
    /// Anything else is an error, as in exporter-toolkit, rather than authentication silently off.
    static func users(_ value: MiniYAML.Value, file: String) throws(WebConfigError) -> [String: String] {
        let howTo = "make a hash with htpasswd -nBC 10 \"\" | tr -d ':\\n'"
        if case .scalar(let text) = value {
            guard text.isEmpty else {
                throw WebConfigError(
                    "\(file): basic_auth_users must be a mapping of user names to bcrypt hashes, one `user: hash` per line, not a single value; \(howTo)."
                )
            }
            return [:]
        }
        var users: [String: String] = [:]
        for (user, hash) in value.entries {
            guard case .scalar(let text) = hash, BCrypt.isValid(text) else {
                throw WebConfigError(
                    "\(file): basic_auth_users.\(user) must be a bcrypt hash ($2y$, $2b$ or $2a$, a cost from 04 to 31, then 53 characters of bcrypt base64: 60 characters); \(howTo)."
                )
            }
            users[user] = text
        }
        return users
    }

    static func tls(_ value: MiniYAML.Value, directory: String, file: String) throws(WebConfigError) -> TLS {
        var cert: String?
        var key: String?
        var minVersion: Int32 = 0x0303
        var maxVersion: Int32?
        func resolve(_ path: String) -> String { path.hasPrefix("/") || directory.isEmpty ? path : directory + "/" + path }
        func version(_ text: String, _ name: String) throws(WebConfigError) -> Int32 {
            switch text {
            case "TLS12": return 0x0303
            case "TLS13": return 0x0304
            case "TLS10", "TLS11":
                throw WebConfigError("\(file): \(name) \(text) is refused: TLS below 1.2 is insecure; use TLS12 or TLS13.")
            default: throw WebConfigError("\(file): \(name) must be TLS12 or TLS13 (got \(text)).")
            }
        }
        for (key2, entry) in value.entries {
            guard case .scalar(let text) = entry else { throw WebConfigError("\(file): tls_server_config.\(key2) must be a value.") }
            switch key2 {
            case "cert_file": cert = resolve(text)
            case "key_file": key = resolve(text)
            case "min_version": minVersion = try version(text, "min_version")
            case "max_version": maxVersion = try version(text, "max_version")
            case "client_auth_type":
                guard text == "NoClientCert" || text.isEmpty else {
                    throw WebConfigError(
                        "\(file): client_auth_type \(text) (client certificates) is not supported; use basic_auth_users."
                    )
                }
            default:
                throw WebConfigError(
                    "\(file): tls_server_config.\(key2) is not supported; the supported keys are cert_file, key_file, min_version, max_version and client_auth_type."
                )
            }
        }
        guard let cert, let key else { throw WebConfigError("\(file): tls_server_config needs both cert_file and key_file.") }
        if let maxVersion, maxVersion < minVersion { throw WebConfigError("\(file): max_version is below min_version.") }
        return TLS(certFile: cert, keyFile: key, minVersion: minVersion, maxVersion: maxVersion)
    }
}

/// A web-config or TLS file problem, as one sentence that names the file and the fix; the
/// process exits 2.
public struct WebConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
