import Foundation
import Testing

@testable import GitHubAPI

/// The two transports, for tests of the transport contract that both must keep: libcurl's
/// easy interface (what the exporter runs on) and URLSession (its fallback).
enum TransportKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case curl
    case urlSession

    var testDescription: String { rawValue }

    func make(
        timeout: Double,
        limits: ResponseLimits = ResponseLimits(),
        downloadDirectory: DownloadDirectory = .standard
    ) throws -> any HTTPTransport {
        switch self {
        case .curl:
            return try #require(CurlTransport(timeout: timeout, limits: limits), "libcurl's easy interface was not found")
        case .urlSession:
            return URLSessionTransport(timeout: timeout, limits: limits, downloadDirectory: downloadDirectory)
        }
    }
}
