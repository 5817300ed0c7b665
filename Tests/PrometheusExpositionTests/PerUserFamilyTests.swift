import Testing

@testable import PrometheusExposition

/// Per-user families (`MetricFamily(name:help:labels:users:values:)`) are the same families as
/// their `Sample` form: the same samples, the same encoded lines and clashes, byte for byte,
/// whatever the logins hold; they are only held and rendered differently.
@Suite struct PerUserFamilyTests {
    static let awkward = [
        "", "a", "a\u{0}", "a\u{0}b", "ab", "a b", "b", "é", "e\u{301}", "q\"uote", "back\\slash", "new\nline", "dev-000001",
    ]

    static func pair(_ labels: [Label], _ users: [String], _ values: [Double]) -> (perUser: MetricFamily, samples: MetricFamily) {
        let perUser = MetricFamily(name: "m_user", help: "Per user.", labels: labels, users: users, values: values)
        let samples = MetricFamily(
            name: "m_user",
            help: "Per user.",
            samples: zip(users, values).map { Sample(labels: labels + [Label("user", $0)], value: $1) }
        )
        return (perUser, samples)
    }

    static func encoded(_ family: MetricFamily) -> (text: [UInt8], clashes: [String]) {
        var clashes: [String] = []
        let exposition = Exposition([EncodedFamily.encode([family]) { clashes.append($0.description) }])
        return (exposition.bytes(.text) + [0] + exposition.bytes(.openMetrics), clashes)
    }

    @Test func encodesAsItsSampleFormWithRepeatsEscapesAndAnyOrder() {
        var generator = SystemRandomNumberGenerator()
        for labels in [[], [Label("org", "acme")], [Label("enterprise", "e\"x"), Label("org", "a\\b")]] {
            for _ in 0..<40 {
                let users = (0..<Int.random(in: 0..<60, using: &generator)).map { _ in Self.awkward.randomElement(using: &generator)! }
                let values = users.map { _ in [0, 1, 1.5, 1_764_633_600, -2, .nan].randomElement(using: &generator)! }
                let (perUser, samples) = Self.pair(labels, users, values)
                #expect(perUser.isPerUser)
                #expect(perUser.sampleCount == users.count)
                let (got, gotClashes) = Self.encoded(perUser)
                let (want, wantClashes) = Self.encoded(samples)
                #expect(got == want, "\(String(decoding: got, as: UTF8.self))")
                #expect(gotClashes == wantClashes)
                // Samples compare as values (NaN aside, which never equals itself).
                if !values.contains(where: \.isNaN) { #expect(perUser == samples) }
            }
        }
    }

    @Test func samplesAreBuiltOnDemandAndCanBeChanged() {
        var family = Self.pair([Label("org", "acme")], ["bob", "alice"], [2, 1]).perUser
        #expect(family.samples == [Sample(["org": "acme", "user": "bob"], 2), Sample(["org": "acme", "user": "alice"], 1)])
        #expect([family].normalized().first?.samples.map { $0.label("user") } == ["alice", "bob"])
        family.samples.append(Sample(["org": "acme", "user": "carol"], 3))
        #expect(!family.isPerUser)
        #expect(family.sampleCount == 3)
        #expect(family.samples.last?.label("user") == "carol")
    }

    @Test func labelsThatWouldNotComeBeforeUserAreHeldAsSamples() {
        // Label names after "user", unsorted labels, or a "user" label of their own: the
        // `Sample` form sorts labels by name, so these are held as samples, with the same result.
        for labels in [[Label("zone", "z")], [Label("org", "o"), Label("model", "m")], [Label("user", "x")]] {
            let (perUser, samples) = Self.pair(labels, ["b", "a"], [1, 2])
            #expect(!perUser.isPerUser)
            #expect(perUser.samples == samples.samples)
            #expect(Self.encoded(perUser).text == Self.encoded(samples).text)
        }
    }

    @Test func mappingUsersChangesOnlyTheUserLabel() {
        let (perUser, samples) = Self.pair([Label("org", "acme")], ["bob", "alice"], [2, 1])
        let upper = { (login: String) in login.uppercased() }
        #expect(perUser.mappingUsers(upper).isPerUser)
        #expect(perUser.mappingUsers(upper) == samples.mappingUsers(upper))
        #expect(perUser.mappingUsers(upper).samples.map { $0.label("user") } == ["BOB", "ALICE"])
        let noUsers = MetricFamily(name: "m", help: "h", samples: [Sample(["org": "acme"], 1)])
        #expect(noUsers.mappingUsers(upper) == noUsers)
    }
}
