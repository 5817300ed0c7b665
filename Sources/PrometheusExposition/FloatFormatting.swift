/// Formats floating-point sample values exactly as Go's `strconv.FormatFloat(f, 'g', -1, 64)`,
/// which is what Prometheus' own encoders (prometheus/common `expfmt`) write.
enum FloatFormatting {
    /// Text format 0.0.4: `1`, `0`, `-1`, `NaN`, `+Inf`, `-Inf`, otherwise the shortest
    /// round-trip form, in exponent notation when the decimal exponent is below -4 or at least 6 (Go uses precision 6 for that decision when formatting the shortest form).
    static func text(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Inf" : "+Inf" }
        if value == 0 { return "0" }
        if value.magnitude < 9_007_199_254_740_992, value == value.rounded(.towardZero) { return integral(Int(value)) }
        return goShortest(value)
    }

    /// `text(value)` appended as UTF-8, without building a String for integers below 2^53
    /// (most samples: counts, days, flags, timestamps), as `integral` writes them.
    static func appendText(_ value: Double, to out: inout [UInt8]) {
        guard value.magnitude < 9_007_199_254_740_992, value == value.rounded(.towardZero) else {
            if value.isFinite {
                appendGoShortest(value, to: &out)
            } else {
                out.append(contentsOf: text(value).utf8)
            }
            return
        }
        var magnitude = UInt64(value.magnitude)
        if value < 0 { out.append(UInt8(ascii: "-")) }
        let start = out.count
        repeat {
            out.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: magnitude % 10))
            magnitude /= 10
        } while magnitude > 0
        out[start...].reverse()
        let count = out.count - start
        guard count > 6 else { return }
        // 10^6 and above: d.ddde+XX, trailing zeros of the digits dropped.
        var end = out.count
        while end > start + 1 && out[end - 1] == UInt8(ascii: "0") { end -= 1 }
        out.removeSubrange(end...)
        if end - start > 1 { out.insert(UInt8(ascii: "."), at: start + 1) }
        let exponent = count - 1
        out.append(contentsOf: [UInt8(ascii: "e"), UInt8(ascii: "+")])
        if exponent < 10 { out.append(UInt8(ascii: "0")) }
        if exponent >= 10 { out.append(UInt8(ascii: "0") &+ UInt8(exponent / 10)) }
        out.append(UInt8(ascii: "0") &+ UInt8(exponent % 10))
    }

    /// `goShortest(value)` appended as UTF-8 for a finite, non-zero value, from the bytes of
    /// Swift's shortest `description` without intermediate strings (fractions: AI credits and
    /// costs are most of the values that are not integers).
    static func appendGoShortest(_ value: Double, to out: inout [UInt8]) {
        var description = value.magnitude.description
        description.withUTF8 { text in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { digits in
                // The digits without the point, where the point was, and the exponent.
                var count = 0
                var integerCount = -1
                var exponent = 0
                var index = 0
                while index < text.count {
                    let byte = text[index]
                    if byte == UInt8(ascii: ".") {
                        integerCount = count
                    } else if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
                        var sign = 1
                        index += 1
                        if index < text.count, text[index] == UInt8(ascii: "-") || text[index] == UInt8(ascii: "+") {
                            sign = text[index] == UInt8(ascii: "-") ? -1 : 1
                            index += 1
                        }
                        var magnitude = 0
                        while index < text.count {
                            magnitude = magnitude * 10 + Int(text[index] &- UInt8(ascii: "0"))
                            index += 1
                        }
                        exponent = sign * magnitude
                        break
                    } else if count < 32 {
                        digits[count] = byte
                        count += 1
                    }
                    index += 1
                }
                if integerCount < 0 { integerCount = count }
                var pointPosition = integerCount + exponent
                var first = 0
                while first < count - 1, digits[first] == UInt8(ascii: "0") {
                    first += 1
                    pointPosition -= 1
                }
                while count - first > 1, digits[count - 1] == UInt8(ascii: "0") { count -= 1 }
                let significant = UnsafeBufferPointer(rebasing: digits[first..<count])
                if value < 0 { out.append(UInt8(ascii: "-")) }
                let decimalExponent = pointPosition - 1
                if decimalExponent < -4 || decimalExponent >= 6 {
                    out.append(significant[0])
                    if significant.count > 1 {
                        out.append(UInt8(ascii: "."))
                        out.append(contentsOf: significant[1...])
                    }
                    out.append(UInt8(ascii: "e"))
                    out.append(decimalExponent < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
                    let magnitude = abs(decimalExponent)
                    if magnitude < 10 { out.append(UInt8(ascii: "0")) }
                    out.append(contentsOf: String(magnitude).utf8)
                } else if pointPosition <= 0 {
                    out.append(contentsOf: [UInt8(ascii: "0"), UInt8(ascii: ".")])
                    out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: -pointPosition))
                    out.append(contentsOf: significant)
                } else if pointPosition >= significant.count {
                    out.append(contentsOf: significant)
                    out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: pointPosition - significant.count))
                } else {
                    out.append(contentsOf: significant[..<pointPosition])
                    out.append(UInt8(ascii: "."))
                    out.append(contentsOf: significant[pointPosition...])
                }
            }
        }
    }

    /// Most samples are counts and timestamps. Below 2^53 every integer is a double exactly,
    /// and no shorter decimal lies within half an ulp (at most 0.5) of it, so its shortest
    /// round-trip digits are its own digits without trailing zeros: Go's `%g` of those.
    static func integral(_ value: Int) -> String {
        let digits = String(value.magnitude)
        guard digits.utf8.count > 6 else { return value < 0 ? "-" + digits : digits }
        // 10^6 and above: d.ddde+XX
        let exponent = digits.utf8.count - 1
        var significant = Substring(digits)
        while significant.utf8.count > 1, significant.utf8.last == UInt8(ascii: "0") { significant = significant.dropLast() }
        var out = value < 0 ? "-" : ""
        out.append(contentsOf: significant.prefix(1))
        if significant.utf8.count > 1 {
            out.append(".")
            out.append(contentsOf: significant.dropFirst())
        }
        out.append(exponent < 10 ? "e+0" : "e+")
        out.append(String(exponent))
        return out
    }

    /// OpenMetrics 1.0.0: as the text format, but a number with neither `.` nor `e` gains `.0`.
    static func openMetrics(_ value: Double) -> String {
        let text = text(value)
        if value.isNaN || value.isInfinite { return text }
        if text.contains(".") || text.contains("e") { return text }
        return text + ".0"
    }

    /// Go's `%g` with shortest precision: digits from the shortest round-trip representation,
    /// `%e` when exponent < -4 or exponent >= 6, else `%f`.
    static func goShortest(_ value: Double) -> String {
        let (negative, digits, pointPosition) = shortestDigits(value)
        var out = negative ? "-" : ""
        let exponent = pointPosition - 1
        if exponent < -4 || exponent >= 6 {
            out.append(digits.first!)
            if digits.count > 1 {
                out.append(".")
                out.append(contentsOf: digits.dropFirst())
            }
            out.append("e")
            out.append(exponent < 0 ? "-" : "+")
            let magnitude = abs(exponent)
            if magnitude < 10 { out.append("0") }
            out.append(String(magnitude))
            return out
        }
        if pointPosition <= 0 {
            out.append("0.")
            out.append(String(repeating: "0", count: -pointPosition))
            out.append(digits)
        } else if pointPosition >= digits.count {
            out.append(digits)
            out.append(String(repeating: "0", count: pointPosition - digits.count))
        } else {
            let split = digits.index(digits.startIndex, offsetBy: pointPosition)
            out.append(contentsOf: digits[..<split])
            out.append(".")
            out.append(contentsOf: digits[split...])
        }
        return out
    }

    /// The shortest decimal digits that round-trip `value` (Swift's `description` produces the
    /// same shortest digits as Go), with the position of the decimal point relative to them:
    /// value = 0.DIGITS × 10^pointPosition.
    static func shortestDigits(_ value: Double) -> (negative: Bool, digits: String, pointPosition: Int) {
        var text = Substring(value.magnitude.description)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: e)...])!
            text = text[..<e]
        }
        var integerPart = Substring(text)
        var fractionPart = Substring("")
        if let dot = text.firstIndex(of: ".") {
            integerPart = text[..<dot]
            fractionPart = text[text.index(after: dot)...]
        }
        var digits = String(integerPart) + String(fractionPart)
        var pointPosition = integerPart.count + exponent
        while digits.hasPrefix("0") && digits.count > 1 {
            digits.removeFirst()
            pointPosition -= 1
        }
        while digits.hasSuffix("0") && digits.count > 1 {
            digits.removeLast()
        }
        return (value < 0, digits, pointPosition)
    }
}
