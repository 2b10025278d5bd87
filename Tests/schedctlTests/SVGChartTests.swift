import Testing
@testable import schedctl

/// The chart builder's pieces: escaping, thinning, ticks.
@Suite struct SVGChartTests {
  @Test func escapesTextForXMLAndHTML() {
    #expect(Markup.escape(#"<a href="x">Tom & 'Jerry'</a>"#)
            == "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;")
    #expect(Markup.escape("bell\u{7}ok") == "bellok", "XML 1.0 forbids control characters")
    let chart = SVGChart(id: "chart-<x>", title: "a < b & c", x: ChartAxis(label: "t \"s\""),
                         y: ChartAxis(label: "y"), series: [ChartSeries(name: "<script>", points: [
                           ChartPoint(x: 0, y: 1), ChartPoint(x: 1, y: 2)])]).svg()
    #expect(!chart.contains("<script>") && !chart.contains("a < b") && chart.contains("a &lt; b &amp; c"))
    #expect(chart.contains("id=\"chart-&lt;x&gt;\""))
  }

  @Test func downsamplingKeepsPeaksAndEnds() {
    var pts = (0..<10_000).map { ChartPoint(x: Double($0), y: 0) }
    pts[4321].y = 99
    pts[7000].y = -5
    let s = ChartSeries(name: "s", points: pts).downsampled(to: 300)
    #expect(s.points.count <= 300)
    #expect(s.points.first == pts.first && s.points.last == pts.last)
    #expect(s.points.contains(pts[4321]) && s.points.contains(pts[7000]))
    #expect(zip(s.points, s.points.dropFirst()).allSatisfy { $0.x < $1.x }, "x order kept")
    let short = ChartSeries(name: "s", points: Array(pts.prefix(50))).downsampled(to: 300)
    #expect(short.points.count == 50)
  }

  @Test func ticksAreRound() {
    let m = AxisMapping(axis: ChartAxis(label: "x"), values: [0, 36.02], p0: 0, p1: 100, tickCount: 7)
    #expect(m.ticks == [0, 10, 20, 30, 40])
    let pct = AxisMapping(axis: ChartAxis(label: "y", format: .percent), values: [0, 23.4], p0: 100, p1: 0, tickCount: 6)
    #expect(pct.ticks == [0, 5, 10, 15, 20, 25] && pct.label(25) == "25%")
    let log = AxisMapping(axis: ChartAxis(label: "w", scale: .log10, min: 1), values: [0, 2074], p0: 0, p1: 100, tickCount: 6)
    #expect(log.ticks == [1, 10, 100, 1000, 10000] && log.label(10000) == "10k")
    #expect(log.map(0) == 0, "non-positive values sit at the left edge of a log axis")
    let counts = AxisMapping(axis: ChartAxis(label: "q", integer: true), values: [0, 1], p0: 100, p1: 0, tickCount: 6)
    #expect(counts.ticks == [0, 1])
  }
}
