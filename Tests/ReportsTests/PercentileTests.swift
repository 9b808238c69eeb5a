import Reports
import Testing

@Suite("Percentiles (numpy's linear method)")
struct PercentileTests {
    @Test("p50 of [1,2,3,4] is 2.5 and p90 is 3.7")
    func issueExample() {
        #expect(Percentile.linear([1.0, 2, 3, 4], 50) == 2.5)
        #expect(abs(Percentile.linear([1.0, 2, 3, 4], 90)! - 3.7) < 1e-12)
    }

    @Test("matches numpy.percentile on an unsorted sample with ties")
    func numpyValues() {
        // numpy.percentile([3.5, 1.25, 10, 7, 7, 2], q) for these q.
        let sorted = [3.5, 1.25, 10, 7, 7, 2].sorted()
        let expected: [(Double, Double)] = [
            (0, 1.25), (10, 1.625), (33.3, 2.9975), (50, 5.25), (90, 8.5), (95, 9.25), (99, 9.85), (100, 10),
        ]
        for (percent, value) in expected {
            #expect(abs(Percentile.linear(sorted, percent)! - value) < 1e-9, "p\(percent)")
        }
    }

    @Test("whole-number durations give the same results as doubles")
    func integers() {
        let seconds: [Int64] = [45, 60, 90, 120, 600]
        for percent in [0.0, 50, 90, 95, 99, 100] {
            #expect(Percentile.linear(seconds, percent) == Percentile.linear(seconds.map(Double.init), percent))
        }
        #expect(abs(Percentile.linear(seconds, 99)! - 580.8) < 1e-9)
    }

    @Test("one value is every percentile; no value has none")
    func edges() {
        #expect(Percentile.linear([600.0], 99) == 600)
        #expect(Percentile.linear([Int64](), 50) == nil)
        #expect(Percentile.linear([-5.0, 0, 17, 1e6], 25) == -1.25)
    }
}
