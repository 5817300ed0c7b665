import COpenSSL
import Glibc

/// A failed system call, with its name and errno.
public struct SocketError: Error, Sendable, Equatable, CustomStringConvertible {
    public let call: String
    public let code: Int32
    public let detail: String

    init(_ call: String, code: Int32 = errno, detail: String = "") {
        self.call = call
        self.code = code
        self.detail = detail
    }

    public var description: String {
        let message = String(cString: strerror(code))
        return "\(call) failed: \(message)" + (detail.isEmpty ? "" : " (\(detail))")
    }
}

/// Thin, Sendable wrappers over the Glibc socket calls the server needs.
enum Socket {
    /// Opens a listening TCP socket on `host:port` (empty host: every interface, IPv6
    /// dual-stack when available) and returns it with the port actually bound.
    static func listen(host: String, port: Int, backlog: Int32 = 512) throws(SocketError) -> (fd: Int32, port: Int) {
        var hints = addrinfo()
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let wildcard = host.isEmpty || host == "*"
        let status =
            wildcard
            ? getaddrinfo(nil, String(port), &hints, &list)
            : getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw SocketError("getaddrinfo", code: status, detail: String(cString: gai_strerror(status)) + " for \(host)")
        }
        defer { freeaddrinfo(list) }
        var candidates: [UnsafeMutablePointer<addrinfo>] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            candidates.append(entry)
            cursor = entry.pointee.ai_next
        }
        if wildcard { candidates.sort { a, _ in a.pointee.ai_family == AF_INET6 } }
        var lastError = SocketError("bind", code: EADDRNOTAVAIL, detail: "no usable address for \(host)")
        for entry in candidates {
            let fd = socket(entry.pointee.ai_family, entry.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), entry.pointee.ai_protocol)
            guard fd >= 0 else {
                lastError = SocketError("socket")
                continue
            }
            var one: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
            if entry.pointee.ai_family == AF_INET6 {
                var v6only: Int32 = wildcard ? 0 : 1
                setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &v6only, socklen_t(MemoryLayout<Int32>.size))
            }
            guard bind(fd, entry.pointee.ai_addr, entry.pointee.ai_addrlen) == 0 else {
                lastError = SocketError("bind", detail: "\(host):\(port)")
                close(fd)
                continue
            }
            guard Glibc.listen(fd, backlog) == 0 else {
                lastError = SocketError("listen")
                close(fd)
                continue
            }
            return (fd, boundPort(fd))
        }
        throw lastError
    }

    static func boundPort(_ fd: Int32) -> Int {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(fd, $0, &length) }
        }
        switch Int32(storage.ss_family) {
        case AF_INET:
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
            }
        case AF_INET6:
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin6_port)) }
            }
        default:
            return 0
        }
    }

    /// Accepts a connection as a non-blocking, close-on-exec socket, with its peer's address
    /// (an IPv4-mapped IPv6 address counts as the IPv4 address); nil with errno set on failure.
    static func accept(_ listenFD: Int32) -> (fd: Int32, peer: [UInt8])? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let fd = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.accept(listenFD, $0, &length) }
        }
        guard fd >= 0 else { return nil }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        var peer: [UInt8] = []
        switch Int32(storage.ss_family) {
        case AF_INET:
            peer = withUnsafeBytes(of: &storage) { Array($0[4..<8]) }
        case AF_INET6:
            peer = withUnsafeBytes(of: &storage) { Array($0[8..<24]) }
            if peer.prefix(12).elementsEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF]) { peer.removeFirst(12) }
        default:
            break
        }
        return (fd, peer)
    }

    /// Sets options every accepted connection gets: no Nagle delay.
    static func configureConnection(_ fd: Int32) {
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    /// Seconds on the monotonic clock: what every deadline here is measured in.
    static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    /// Waits until `fd` is ready for `events` (or has an error or hang-up to report); false once
    /// `deadline` passes first.
    static func wait(_ fd: Int32, for events: Int32, until deadline: Double) -> Bool {
        var descriptor = pollfd(fd: fd, events: Int16(events), revents: 0)
        while true {
            let remaining = deadline - now()
            guard remaining > 0 else { return false }
            let result = poll(&descriptor, 1, Int32(min(remaining * 1000 + 1, 3_600_000)))
            if result < 0 && errno == EINTR { continue }
            if result == 0 { continue }
            return result > 0
        }
    }

    /// Receives what has arrived, waiting for something until `deadline`.
    static func receive(_ fd: Int32, into buffer: inout [UInt8], until deadline: Double) -> Received {
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if count > 0 { return .bytes(count) }
            if count == 0 { return .closed }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK:
                guard wait(fd, for: Int32(POLLIN), until: deadline) else { return .timedOut }
            default: return .closed
            }
        }
    }

    /// Writes `head` then `body` completely (gathered in one `sendmsg` where possible); false
    /// when the peer is gone or `deadline` passed. Never raises SIGPIPE.
    static func writeAll(_ fd: Int32, head: [UInt8], body: [UInt8], until deadline: Double) -> Bool {
        var headOffset = 0
        var bodyOffset = 0
        while headOffset < head.count || bodyOffset < body.count {
            let written: Int = head.withUnsafeBytes { headBytes in
                body.withUnsafeBytes { bodyBytes in
                    var vectors = [
                        iovec(
                            iov_base: UnsafeMutableRawPointer(mutating: headBytes.baseAddress?.advanced(by: headOffset)),
                            iov_len: head.count - headOffset
                        ),
                        iovec(
                            iov_base: UnsafeMutableRawPointer(mutating: bodyBytes.baseAddress?.advanced(by: bodyOffset)),
                            iov_len: body.count - bodyOffset
                        ),
                    ]
                    var message = msghdr()
                    return vectors.withUnsafeMutableBufferPointer { pointer in
                        message.msg_iov = pointer.baseAddress
                        message.msg_iovlen = 2
                        return sendmsg(fd, &message, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT))
                    }
                }
            }
            if written < 0 {
                guard retryWrite(fd, until: deadline) else { return false }
                continue
            }
            let fromHead = min(written, head.count - headOffset)
            headOffset += fromHead
            bodyOffset += written - fromHead
        }
        return true
    }

    /// Writes all of `bytes`; false when the peer is gone or `deadline` passed.
    static func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, until deadline: Double) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = send(fd, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT))
            if written < 0 {
                guard retryWrite(fd, until: deadline) else { return false }
                continue
            }
            offset += written
        }
        return true
    }

    /// After a failed send: true when it is worth trying again (interrupted, or the socket
    /// became writable before `deadline`).
    private static func retryWrite(_ fd: Int32, until deadline: Double) -> Bool {
        switch errno {
        case EINTR: return true
        case EAGAIN, EWOULDBLOCK: return wait(fd, for: Int32(POLLOUT), until: deadline)
        default: return false
        }
    }

    /// Stops sending and discards what the peer still sends, until it closes, `deadline`
    /// passes or 1 MiB was discarded: closing with unread input would reset the connection and
    /// could destroy the error response just written before the client reads it.
    static func drain(_ fd: Int32, until deadline: Double) {
        Glibc.shutdown(fd, Int32(SHUT_WR))
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        var discarded = 0
        while discarded < 1 << 20, case .bytes(let count) = receive(fd, into: &buffer, until: deadline) { discarded += count }
    }
}

/// What one receive got.
enum Received: Equatable {
    /// This many bytes.
    case bytes(Int)
    /// The peer closed the connection, or it failed.
    case closed
    /// Nothing arrived before the deadline.
    case timedOut
}
