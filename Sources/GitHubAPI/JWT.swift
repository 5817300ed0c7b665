import Foundation

/// The JSON Web Token a GitHub App authenticates with: RS256-signed, `iss` the App's client ID,
/// issued 60 s in the past (to absorb clock drift) and expiring at most 10 minutes ahead.
public enum JWT {
    /// A signed token for `clientID`, valid from `now - 60` to `now + lifetime` (at most 600 s).
    public static func githubApp(clientID: String, key: RSAKey, now: Double, lifetime: Double = 540) throws(RSAKey.Failure) -> String {
        let issued = Int(now.rounded(.down)) - 60
        let expires = Int(now.rounded(.down)) + Int(min(600, lifetime))
        let header = base64URL(Array(#"{"alg":"RS256","typ":"JWT"}"#.utf8))
        let claims = base64URL(Array("{\"iat\":\(issued),\"exp\":\(expires),\"iss\":\(JSONString.quote(clientID))}".utf8))
        let signingInput = header + "." + claims
        let signature = try key.signRS256(Array(signingInput.utf8))
        return signingInput + "." + base64URL(signature)
    }

    /// Base64url without padding (RFC 7515 §2).
    public static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
