import Foundation

extension Configuration {
    /// Environment variables that hold secrets; `takeProcessEnvironment` removes them.
    public static let secretVariables = ["GITHUB_TOKEN"]

    /// The process's environment, for `parse`, with each of `secretVariables` taken out of the
    /// process's own environment as it is read: child processes, `/proc/<pid>/environ` and
    /// anything that reads the environment later no longer see the token.
    public static func takeProcessEnvironment() -> [String: String] {
        let environment = ProcessInfo.processInfo.environment
        for name in secretVariables { ProcessHardening.removeEnvironmentVariable(name) }
        return environment
    }
}
