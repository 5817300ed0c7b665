import COpenSSL

/// HMAC-SHA256 through libcrypto.
public enum HMACSHA256 {
    public static func mac(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        _ = key.withUnsafeBufferPointer { keyBytes in
            message.withUnsafeBufferPointer { messageBytes in
                out.withUnsafeMutableBufferPointer {
                    cx_hmac_sha256(
                        keyBytes.baseAddress,
                        Int32(keyBytes.count),
                        messageBytes.baseAddress,
                        messageBytes.count,
                        $0.baseAddress
                    )
                }
            }
        }
        return out
    }
}
