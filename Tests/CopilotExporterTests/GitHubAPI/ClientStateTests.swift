import Testing

@testable import CopilotExporter
@testable import GitHubAPI
@testable import WebServer

/// The client's ETag cache stays within its bounds, evicting the least recently used body.
@Suite struct ClientStateTests {
    static func body(_ count: Int) -> [UInt8] { [UInt8](repeating: 0x61, count: count) }

    /// The URLs of `urls` the cache holds; reading marks each as just used.
    static func held(_ state: ClientState, _ urls: [String]) async -> [String] {
        var found: [String] = []
        for url in urls where await state.cached(url) != nil { found.append(url) }
        return found
    }

    @Test func pastMaxEntriesTheLeastRecentlyUsedIsEvicted() async {
        let state = ClientState(maxEntries: 3, maxBytes: 1 << 20)
        await state.store("a", etag: "W/\"a\"", body: Self.body(1))
        await state.store("b", etag: "W/\"b\"", body: Self.body(1))
        await state.store("c", etag: "W/\"c\"", body: Self.body(1))
        #expect(await state.cached("a")?.etag == "W/\"a\"")  // a is now more recent than b
        await state.store("d", etag: "W/\"d\"", body: Self.body(1))
        #expect(await state.cached("b") == nil)
        #expect(await Self.held(state, ["a", "c", "d"]) == ["a", "c", "d"])
    }

    @Test func pastMaxBytesTheOldestBodiesGoUntilTheRestFits() async {
        let state = ClientState(maxEntries: 100, maxBytes: 400)
        for url in ["a", "b", "c", "d"] { await state.store(url, etag: url, body: Self.body(100)) }
        #expect(await Self.held(state, ["a", "b", "c", "d"]) == ["a", "b", "c", "d"], "exactly at the bound")
        await state.store("e", etag: "e", body: Self.body(60))
        #expect(await Self.held(state, ["a", "b", "c", "d", "e"]) == ["b", "c", "d", "e"])
        await state.store("f", etag: "f", body: Self.body(100))
        // Reading touched b, c, d and e in that order: b is now the least recently used.
        #expect(await Self.held(state, ["b", "c", "d", "e", "f"]) == ["c", "d", "e", "f"])
    }

    @Test func aBodyOverAQuarterOfTheBoundIsNotKeptAndEvictsNothing() async {
        let state = ClientState(maxEntries: 100, maxBytes: 400)
        await state.store("small", etag: "s", body: Self.body(100))
        await state.store("big", etag: "b", body: Self.body(101))
        #expect(await state.cached("big") == nil)
        #expect(await state.cached("small")?.body.count == 100)
    }

    @Test func replacingABodyCountsOnlyTheNewOne() async {
        let state = ClientState(maxEntries: 100, maxBytes: 400)
        for round in 0..<10 { await state.store("same", etag: "v\(round)", body: Self.body(100)) }
        for url in ["x", "y", "z"] { await state.store(url, etag: url, body: Self.body(100)) }
        #expect(await Self.held(state, ["same", "x", "y", "z"]) == ["same", "x", "y", "z"])
        #expect(await state.cached("same")?.etag == "v9")
    }

    @Test func anEvictedURLFreesItsBytes() async {
        let state = ClientState(maxEntries: 100, maxBytes: 400)
        for url in ["a", "b", "c", "d"] { await state.store(url, etag: url, body: Self.body(100)) }
        await state.evict("a")
        await state.store("e", etag: "e", body: Self.body(100))
        #expect(await Self.held(state, ["a", "b", "c", "d", "e"]) == ["b", "c", "d", "e"])
    }

    @Test func aBlockOnlyEverGrowsAndEndsAtItsTime() async {
        let state = ClientState()
        await state.block("core", until: 100)
        await state.block("core", until: 50)
        #expect(await state.blocked("core", now: 60)?.until == 100, "an earlier end does not shorten a block")
        #expect(await state.blocked("core", now: 100) == nil)
        #expect(await state.blocked("search", now: 0) == nil)
    }

    @Test func anExpiredBlockIsForgottenAndTheBlocksAreBounded() async {
        let state = ClientState()
        await state.block("core", until: 100)
        #expect(await state.sizes().blocks == 1)
        #expect(await state.blocked("core", now: 100) == nil)
        #expect(await state.sizes().blocks == 0, "found expired, it goes")
        // Labels that are never asked for again (an App installation that changed) cannot pile up:
        // past the bound the earliest-ending go first.
        for index in 0..<(ClientState.maxBlocks + 6) { await state.block("installation-\(index)", until: Double(1_000 + index)) }
        #expect(await state.sizes().blocks == ClientState.maxBlocks)
        #expect(await state.blocked("installation-5", now: 0) == nil)
        #expect(await state.blocked("installation-6", now: 0)?.until == 1_006)
        #expect(await state.blocked("installation-\(ClientState.maxBlocks + 5)", now: 0)?.until == Double(1_005 + ClientState.maxBlocks))
        // A new block that ends before all the others is kept: its credential was just limited.
        await state.block("just-limited", until: 500)
        #expect(await state.sizes().blocks == ClientState.maxBlocks)
        #expect(await state.blocked("just-limited", now: 0)?.until == 500)
        #expect(await state.blocked("installation-6", now: 0) == nil, "the earliest-ending of the others went instead")
    }

    @Test func theGenerationCountsStoresAndEvictionsNotReads() async {
        let state = ClientState()
        await state.store("a", etag: "1", body: Self.body(10))
        let stored = await state.generation
        _ = await state.cached("a")
        #expect(await state.generation == stored, "a read changes nothing worth saving")
        #expect(await state.entries(unless: stored) == nil)
        await state.evict("missing")
        #expect(await state.generation == stored)
        await state.evict("a")
        #expect(await state.generation == stored + 1)
        #expect(await state.entries(unless: stored)?.entries == [])
        #expect(await state.entries(unless: nil)?.generation == stored + 1)
    }
}
