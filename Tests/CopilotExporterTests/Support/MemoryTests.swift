import Testing

@testable import CopilotExporter

@Suite struct MemoryTests {
    /// Idle: trim. Attempts running: trim only once the last trim is `maxUntrimmed` old, so
    /// overlapping attempts cannot keep the heap untrimmed for good.
    @Test func theHeapIsTrimmedWhenIdleOrWhenTheLastTrimIsOld() {
        let limit = Memory.maxUntrimmed
        let now: UInt64 = 10 * limit
        #expect(Memory.shouldTrim(attempts: 0, now: now, lastTrim: now))
        #expect(!Memory.shouldTrim(attempts: 1, now: now, lastTrim: now))
        #expect(!Memory.shouldTrim(attempts: 19, now: now, lastTrim: now - limit + 1))
        #expect(Memory.shouldTrim(attempts: 19, now: now, lastTrim: now - limit))
        #expect(Memory.shouldTrim(attempts: 2, now: now, lastTrim: 0))
    }
}
