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

    /// Sets options every accepted connection gets: no Nagle delay, a send timeout.
    static func configureConnection(_ fd: Int32, sendTimeout: Double) {
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var timeout = timeval(tv_sec: Int(sendTimeout), tv_usec: Int((sendTimeout - Double(Int(sendTimeout))) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Waits until `fd` is readable or `milliseconds` pass; false on timeout.
    static func waitReadable(_ fd: Int32, milliseconds: Int32) -> Bool {
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        while true {
            let result = poll(&descriptor, 1, max(0, milliseconds))
            if result < 0 && errno == EINTR { continue }
            return result > 0
        }
    }

    /// Receives up to `buffer.count` bytes; 0 means the peer closed, negative an error.
    static func receive(_ fd: Int32, into buffer: inout [UInt8]) -> Int {
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count < 0 && errno == EINTR { continue }
            return count
        }
    }

    /// Writes `head` then `body` completely (gathered in one `writev` where possible); false
    /// when the peer is gone or the send timeout passed.
    static func writeAll(_ fd: Int32, head: [UInt8], body: [UInt8]) -> Bool {
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
                        return sendmsg(fd, &message, Int32(MSG_NOSIGNAL))
                    }
                }
            }
            if written < 0 {
                if errno == EINTR { continue }
                return false
            }
            let fromHead = min(written, head.count - headOffset)
            headOffset += fromHead
            bodyOffset += written - fromHead
        }
        return true
    }

    /// Writes all of `bytes`; false when the peer is gone or the send timeout passed.
    static func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = send(fd, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            if written < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += written
        }
        return true
    }
}
