import Foundation

/// Which HTTP redirects the transport follows, so that a credential never leaves its origin.
///
/// Contract: a redirect that would downgrade `https` to `http` is never followed. A request
/// that carries `Authorization` follows a redirect only to the same origin (scheme, host and
/// port). A request without credentials (a signed report download, whose URL is its own
/// credential) may follow a redirect to another host.
public enum RedirectPolicy {
    /// True when a redirect from the absolute URL `source` to `target` may be followed.
    public static func allows(from source: String, to target: String, credentialed: Bool) -> Bool {
        guard let from = URLComponents(string: source), let to = URLComponents(string: target),
            let fromScheme = from.scheme?.lowercased(), let toScheme = to.scheme?.lowercased(), to.host != nil
        else { return false }
        guard toScheme == "https" || (toScheme == "http" && fromScheme == "http") else { return false }
        if !credentialed { return true }
        return fromScheme == toScheme && from.host?.lowercased() == to.host?.lowercased()
            && effectivePort(from) == effectivePort(to)
    }

    private static func effectivePort(_ url: URLComponents) -> Int? {
        url.port ?? (url.scheme?.lowercased() == "https" ? 443 : url.scheme?.lowercased() == "http" ? 80 : nil)
    }
}
