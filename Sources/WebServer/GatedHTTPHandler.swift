/// A handler with a check that the server runs before it counts a request against its
/// in-flight limit, such as authentication.
///
/// A client that only fails the check never holds an in-flight slot, so it cannot crowd out
/// requests that pass. `admit` runs on the connection's thread with no limit from the server:
/// it must bound its own cost (and answer 429 when it cannot afford more).
public protocol GatedHTTPHandler: HTTPHandler {
    /// A refusal (such as 401 or 429), or nil to let the request through to `handleAdmitted`.
    func admit(_ request: HTTPRequest) -> HTTPResponse?
    /// Answers a request that `admit` let through.
    func handleAdmitted(_ request: HTTPRequest) -> HTTPResponse
}

extension GatedHTTPHandler {
    /// The check, then the answer: what the server does, without its in-flight limit.
    public func handle(_ request: HTTPRequest) -> HTTPResponse { admit(request) ?? handleAdmitted(request) }
}
