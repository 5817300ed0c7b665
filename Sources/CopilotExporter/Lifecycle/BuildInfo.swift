/// What `github_copilot_exporter_build_info` labels: the source revision and the compiler.
public enum BuildInfo {
    /// The git revision built; the Dockerfile replaces this line from its `REVISION` build
    /// argument (Swift has no compile-time environment), other builds say `unknown`.
    public static let revision = "unknown"

    /// The Swift compiler's language version, from conditional compilation.
    public static var swiftVersion: String {
        #if compiler(>=6.4)
        return "6.4"
        #elseif compiler(>=6.3)
        return "6.3"
        #elseif compiler(>=6.2)
        return "6.2"
        #elseif compiler(>=6.1)
        return "6.1"
        #else
        return "6.0"
        #endif
    }
}
