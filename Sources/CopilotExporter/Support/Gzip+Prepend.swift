internal import CZlib

extension Gzip {
    /// One gzip member holding `prefix` followed by the contents of `member` (a single member as
    /// `compress` writes it, `memberLength` bytes uncompressed), without compressing `member`
    /// again: `prefix` goes in as stored deflate blocks that are not final, then `member`'s own
    /// deflate blocks follow (they never refer back past their own start), then a trailer whose
    /// CRC-32 zlib's `crc32_combine` computes from the two. Nil when `member` has header fields
    /// beyond the fixed ten bytes, which `compress` never writes.
    ///
    /// One member, not two concatenated: RFC 1952 allows several, but libcurl (and so
    /// URLSession on Linux) decodes only the first and fails on the rest.
    static func prepending(_ prefix: [UInt8], to member: [UInt8], memberLength: Int) -> [UInt8]? {
        guard let parts = prependingParts(prefix, to: member, memberLength: memberLength) else { return nil }
        return parts.lead + member[parts.middle] + parts.trailer
    }

    /// The same member in three parts, so a caller can write it without copying `member`:
    /// `lead` (header and `prefix` as stored blocks), then `member[middle]` (its own deflate
    /// blocks, in place), then `trailer`.
    static func prependingParts(
        _ prefix: [UInt8],
        to member: [UInt8],
        memberLength: Int
    ) -> (lead: [UInt8], middle: Range<Int>, trailer: [UInt8])? {
        guard member.count >= 18, member[0] == 0x1F, member[1] == 0x8B, member[2] == 8, member[3] == 0 else { return nil }
        func littleEndian(_ offset: Int) -> UInt32 {
            (0..<4).reduce(UInt32(0)) { $0 | UInt32(member[offset + $1]) << (8 * UInt32($1)) }
        }
        let memberCRC = littleEndian(member.count - 8)
        let prefixCRC = prefix.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) }
        let crc = UInt32(truncatingIfNeeded: crc32_combine(prefixCRC, uLong(memberCRC), Int(memberLength)))
        let size = UInt32(truncatingIfNeeded: prefix.count + memberLength)
        var lead = Array(member[0..<10])
        lead.reserveCapacity(10 + prefix.count + prefix.count / 65_535 * 5 + 5)
        var offset = 0
        while offset < prefix.count {
            let length = min(65_535, prefix.count - offset)
            // A stored block, not the last: BFINAL 0, BTYPE 00, padded to the byte; LEN, NLEN.
            lead += [0, UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8((~length >> 8) & 0xFF)]
            lead += prefix[offset..<offset + length]
            offset += length
        }
        let trailer = [crc, size].flatMap { value in (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * UInt32($0))) } }
        return (lead, 10..<(member.count - 8), trailer)
    }
}
