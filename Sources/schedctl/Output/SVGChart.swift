import Foundation

/// Escaping for text placed in XML or HTML content and attribute values.
enum Markup {
  /// `s` with `&`, `<`, `>`, `"` and `'` replaced by entities XML defines,
  /// and control characters other than tab/newline dropped (XML 1.0 forbids them).
  static func escape(_ s: String) -> String {
    var out = ""
    out.reserveCapacity(s.utf8.count)
    for u in s.unicodeScalars {
      switch u {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&#39;"
      case "\t", "\n", "\r": out.unicodeScalars.append(u)
      default:
        if u.value < 0x20 || (0xFFFE...0xFFFF).contains(u.value) { continue }
        out.unicodeScalars.append(u)
      }
    }
    return out
  }
}

/// One data point of a chart.
struct ChartPoint: Sendable, Hashable {
  var x: Double
  var y: Double
}

/// How a chart axis maps values and formats its tick labels.
struct ChartAxis: Sendable {
  enum Scale: Sendable { case linear, log10 }
  enum Format: Sendable {
    /// Plain numbers with as many decimals as the tick step needs (1k, 1M above 10,000).
    case number
    /// Values already in percent: "40%".
    case percent
  }

  var label: String
  var scale: Scale = .linear
  var format: Format = .number
  /// Fixed ends; nil takes the data's extent, widened to round ticks.
  var min: Double?
  var max: Double?
  /// Always include zero in the range (linear scales).
  var includeZero = true
  /// Counts: ticks at whole numbers only.
  var integer = false
  /// A fixed tick step (linear scales); nil picks a round one.
  var step: Double?
}

/// A series drawn as a polyline (or a step function) in one colour.
struct ChartSeries: Sendable {
  enum Style: Sendable {
    case line
    /// Horizontal then vertical segments (CDFs, counts between samples).
    case step
    /// A thin dashed reference line (not a measurement).
    case reference
  }

  var name: String
  var points: [ChartPoint]
  var style: Style = .line
  /// A palette colour; nil picks the next palette colour.
  var color: String?
  /// Whether the legend lists it (off for the 2nd… of many same-coloured series).
  var inLegend = true

  /// The series thinned to at most `maxPoints` points: consecutive index
  /// buckets each keep their minimum and maximum (in x order), so peaks and
  /// dips survive; the first and last points are always kept.
  ///
  /// - Complexity: O(points)
  func downsampled(to maxPoints: Int) -> ChartSeries {
    guard maxPoints >= 4, points.count > maxPoints else { return self }
    let buckets = (maxPoints - 2) / 2
    let inner = points.count - 2
    var out: [ChartPoint] = [points[0]]
    out.reserveCapacity(maxPoints)
    for b in 0..<buckets {
      let lo = 1 + b * inner / buckets, hi = 1 + (b + 1) * inner / buckets
      guard lo < hi else { continue }
      var iMin = lo, iMax = lo
      for i in lo..<hi {
        if points[i].y < points[iMin].y { iMin = i }
        if points[i].y > points[iMax].y { iMax = i }
      }
      if iMin == iMax { out.append(points[iMin]) } else {
        out.append(points[Swift.min(iMin, iMax)])
        out.append(points[Swift.max(iMin, iMax)])
      }
    }
    if let last = points.last { out.append(last) }
    var s = self
    s.points = out
    return s
  }
}

/// A vertical marker line with a label (a percentile, a threshold).
struct ChartMarker: Sendable {
  var x: Double
  var label: String
}

/// Colours distinguishable by most readers (Tableau 10), in series order.
enum ChartPalette {
  static let colors = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
                       "#9c755f", "#6b6ecf", "#17becf", "#bcbd22"]
  static func color(_ i: Int) -> String { colors[((i % colors.count) + colors.count) % colors.count] }
}

/// Linear or log mapping of one axis with round tick values.
struct AxisMapping {
  let axis: ChartAxis
  let lo: Double
  let hi: Double
  let ticks: [Double]
  /// Pixel range: `p0` for `lo`, `p1` for `hi`.
  let p0: Double
  let p1: Double

  /// Fits `values` (all finite) into round ticks, about `tickCount` of them.
  init(axis: ChartAxis, values: [Double], p0: Double, p1: Double, tickCount: Int) {
    self.axis = axis
    self.p0 = p0
    self.p1 = p1
    switch axis.scale {
    case .log10:
      let positive = values.filter { $0 > 0 }
      let vmin = axis.min ?? positive.min() ?? 1
      let vmax = axis.max ?? positive.max() ?? 10
      var e0 = Foundation.floor(Foundation.log10(Swift.max(vmin, 1e-12)))
      var e1 = Foundation.ceil(Foundation.log10(Swift.max(vmax, 1e-12)))
      if e1 <= e0 { e1 = e0 + 1 }
      e0 = Swift.max(e0, e1 - 12)
      lo = Foundation.pow(10, e0)
      hi = Foundation.pow(10, e1)
      let every = Swift.max(1, Int(((e1 - e0) / Double(Swift.max(tickCount - 1, 1))).rounded(.up)))
      ticks = stride(from: Int(e0), through: Int(e1), by: every).map { Foundation.pow(10, Double($0)) }
    case .linear:
      var vmin = axis.min ?? values.min() ?? 0
      var vmax = axis.max ?? values.max() ?? 1
      if axis.includeZero {
        if axis.min == nil { vmin = Swift.min(vmin, 0) }
        if axis.max == nil { vmax = Swift.max(vmax, 0) }
      }
      if vmax - vmin < 1e-12 { vmax = vmin + (vmin == 0 ? 1 : Swift.abs(vmin) * 0.1) }
      var step = AxisMapping.niceStep((vmax - vmin) / Double(Swift.max(tickCount - 1, 1)))
      if axis.integer { step = Swift.max(step, 1) }
      if let fixed = axis.step, fixed > 0, (vmax - vmin) / fixed <= 40 { step = fixed }
      let first = axis.min ?? Foundation.floor(vmin / step) * step
      let last = axis.max ?? Foundation.ceil(vmax / step - 1e-9) * step
      lo = first
      hi = last > first ? last : first + step
      var t: [Double] = []
      var v = Foundation.ceil(lo / step - 1e-9) * step
      while v <= hi + step * 1e-9, t.count < 50 {
        t.append(Swift.abs(v) < step * 1e-9 ? 0 : v)
        v += step
      }
      ticks = t
    }
  }

  /// 1, 2 or 5 × 10^k, the smallest at least `raw`.
  static func niceStep(_ raw: Double) -> Double {
    guard raw.isFinite, raw > 0 else { return 1 }
    let p = Foundation.pow(10, Foundation.floor(Foundation.log10(raw)))
    for m in [1.0, 2, 5, 10] where m * p >= raw * (1 - 1e-9) { return m * p }
    return 10 * p
  }

  /// The pixel coordinate of `v` (clamped to the axis range).
  func map(_ v: Double) -> Double {
    let f: Double
    switch axis.scale {
    case .linear: f = (v - lo) / (hi - lo)
    case .log10: f = (Foundation.log10(Swift.max(v, lo)) - Foundation.log10(lo)) / (Foundation.log10(hi) - Foundation.log10(lo))
    }
    let c = Swift.min(Swift.max(f.isFinite ? f : 0, 0), 1)
    return p0 + (p1 - p0) * c
  }

  /// A tick label: decimals follow the tick step.
  func label(_ v: Double) -> String {
    let step = ticks.count > 1 ? Swift.abs(ticks[1] - ticks[0]) : Swift.abs(v)
    var s: String
    if axis.scale == .log10 {
      s = AxisMapping.compact(v, decimals: v < 1 ? Int(-Foundation.log10(v).rounded()) : 0)
    } else {
      let decimals = step >= 1 || step == 0 ? 0 : Swift.min(6, Int(Foundation.ceil(-Foundation.log10(step) - 1e-9)))
      s = AxisMapping.compact(v, decimals: decimals)
    }
    if axis.format == .percent { s += "%" }
    return s
  }

  /// `v` with `decimals` decimals; 10,000 and above as 10k, 1M, 1G.
  static func compact(_ v: Double, decimals: Int) -> String {
    let a = Swift.abs(v)
    if a >= 1e9 { return trimmed(v / 1e9) + "G" }
    if a >= 1e6 { return trimmed(v / 1e6) + "M" }
    if a >= 1e4 { return trimmed(v / 1e3) + "k" }
    return String(format: "%.\(decimals)f", v)
  }

  static func trimmed(_ v: Double) -> String {
    var s = String(format: "%.1f", v)
    if s.hasSuffix(".0") { s.removeLast(2) }
    return s
  }
}

/// Builds one self-contained `<svg class="chart">`: a title, axes with ticks,
/// grid lines and labels, any number of series, optional markers and a legend
/// under the plot that wraps onto as many rows as it needs. All text is escaped;
/// coordinates are rounded to 0.1 px so the markup stays small.
struct SVGChart: Sendable {
  /// Element id (`chart-…`); tests and scripts find charts by it.
  var id: String
  var title: String
  var subtitle: String?
  var x: ChartAxis
  var y: ChartAxis
  var series: [ChartSeries]
  var markers: [ChartMarker] = []
  var width = 640.0
  var plotHeight = 220.0
  /// Shown in the plot area when no series has points.
  var emptyNote = "no data"
  /// Series are thinned to this many points each.
  var maxPointsPerSeries = 400
  /// A legend under the plot (series with `inLegend`).
  var showLegend = true

  static let fontSize = 12.0
  /// Rough width of one character at `fontSize` (sans-serif), for layout.
  static let charWidth = 6.8

  func svg() -> String {
    let thinned = series.map { $0.downsampled(to: maxPointsPerSeries) }
    let left = 58.0, right = 18.0
    let plotW = width - left - right
    let subtitleLines = subtitle.map { SVGChart.wrap($0, width: width - left - 8) } ?? []
    let top = 34.0 + Double(subtitleLines.count) * 15 + (subtitleLines.isEmpty ? 0 : 2)
    let xs = thinned.flatMap { $0.points.map(\.x) } + markers.map(\.x)
    let ys = thinned.flatMap { $0.points.map(\.y) }
    let xm = AxisMapping(axis: x, values: xs.filter(\.isFinite), p0: left, p1: left + plotW, tickCount: 7)
    let ym = AxisMapping(axis: y, values: ys.filter(\.isFinite), p0: top + plotHeight, p1: top, tickCount: 6)
    let legend = showLegend ? legendLayout(thinned, x0: 24, width: width - 34) : []
    let legendRows = (legend.map(\.row).max() ?? -1) + 1
    let axisBottom = top + plotHeight + 42
    let height = axisBottom + Double(legendRows) * 20 + (legendRows > 0 ? 6 : 0)

    var s = "<svg class=\"chart\" id=\"\(Markup.escape(id))\" "
      + "viewBox=\"0 0 \(f(width)) \(f(height))\" width=\"\(f(width))\" height=\"\(f(height))\" role=\"img\" "
      + "aria-labelledby=\"\(Markup.escape(id))-title\">\n"
    s += "<title id=\"\(Markup.escape(id))-title\">\(Markup.escape(title))</title>\n"
    s += "<text class=\"chart-title\" x=\"\(f(left))\" y=\"20\">\(Markup.escape(title))</text>\n"
    for (i, line) in subtitleLines.enumerated() {
      s += "<text class=\"chart-subtitle\" x=\"\(f(left))\" y=\"\(f(37 + 15 * Double(i)))\">\(Markup.escape(line))</text>\n"
    }
    s += axes(xm, ym, top: top, left: left, plotW: plotW, xLabelY: axisBottom - 6)
    s += "<g class=\"plot\">\n"
    var drawn = 0
    for (i, se) in thinned.enumerated() where !se.points.isEmpty {
      s += path(se, color: se.color ?? ChartPalette.color(i), xm, ym)
      drawn += 1
    }
    for (i, m) in markers.enumerated() {
      // Labels step down so close markers do not print over each other.
      let px = xm.map(m.x), ly = top + 12 + 14 * Double(i % 4)
      s += "<line class=\"marker\" x1=\"\(f(px))\" y1=\"\(f(top))\" x2=\"\(f(px))\" y2=\"\(f(top + plotHeight))\"/>\n"
      s += "<text class=\"marker-label\" x=\"\(f(px + 3))\" y=\"\(f(ly))\">\(Markup.escape(m.label))</text>\n"
    }
    if drawn == 0 {
      s += "<text class=\"empty-note\" x=\"\(f(left + plotW / 2))\" y=\"\(f(top + plotHeight / 2))\" "
        + "text-anchor=\"middle\">\(Markup.escape(emptyNote))</text>\n"
    }
    s += "</g>\n"
    if !legend.isEmpty {
      s += "<g class=\"legend\">\n"
      for item in legend {
        let ly = axisBottom + 14 + Double(item.row) * 20
        let se = thinned[item.index]
        let color = se.color ?? ChartPalette.color(item.index)
        let dash = se.style == .reference ? " stroke-dasharray=\"5 3\"" : ""
        s += "<line x1=\"\(f(item.x))\" y1=\"\(f(ly - 4))\" x2=\"\(f(item.x + 18))\" y2=\"\(f(ly - 4))\" "
          + "stroke=\"\(color)\" stroke-width=\"3\"\(dash)/>"
        s += "<text x=\"\(f(item.x + 23))\" y=\"\(f(ly))\">\(Markup.escape(se.name))</text>\n"
      }
      s += "</g>\n"
    }
    s += "</svg>\n"
    return s
  }

  /// `text` broken at spaces into lines of at most `width` pixels (estimated).
  static func wrap(_ text: String, width: Double) -> [String] {
    let perLine = Swift.max(10, Int(width / charWidth))
    var lines: [String] = []
    var cur = ""
    for word in text.split(separator: " ") {
      if !cur.isEmpty, cur.count + 1 + word.count > perLine {
        lines.append(cur)
        cur = String(word)
      } else {
        cur += cur.isEmpty ? String(word) : " " + word
      }
    }
    if !cur.isEmpty { lines.append(cur) }
    return lines
  }

  struct LegendItem { var index: Int; var x: Double; var row: Int }

  /// Legend entries flowed left to right, wrapping at `width`.
  func legendLayout(_ ss: [ChartSeries], x0: Double, width: Double) -> [LegendItem] {
    var out: [LegendItem] = []
    var cx = x0, row = 0
    for (i, se) in ss.enumerated() where se.inLegend {
      let w = 23 + Double(se.name.count) * Self.charWidth + 18
      if cx > x0, cx + w > x0 + width {
        row += 1
        cx = x0
      }
      out.append(LegendItem(index: i, x: cx, row: row))
      cx += w
    }
    return out
  }

  /// Frame, grid lines, tick labels and axis titles.
  func axes(_ xm: AxisMapping, _ ym: AxisMapping, top: Double, left: Double, plotW: Double, xLabelY: Double) -> String {
    var s = "<g class=\"axes\">\n"
    let bottom = top + plotHeight
    s += SVGChart.gridAndTicks(xm, ym, left: left, right: left + plotW, top: top, bottom: bottom,
                               yLabelGap: 6, xLabelGap: 16)
    s += "<text class=\"axis-label\" x=\"\(f(left + plotW / 2))\" y=\"\(f(xLabelY))\" text-anchor=\"middle\">\(Markup.escape(x.label))</text>\n"
    let cy = top + plotHeight / 2
    s += "<text class=\"axis-label\" x=\"14\" y=\"\(f(cy))\" text-anchor=\"middle\" "
      + "transform=\"rotate(-90 14 \(f(cy)))\">\(Markup.escape(y.label))</text>\n"
    s += "</g>\n"
    return s
  }

  /// Grid lines and tick labels of both axes and the axis lines of one plot
  /// area; x tick labels are thinned (every other one dropped) until they fit.
  static func gridAndTicks(_ xm: AxisMapping, _ ym: AxisMapping, left: Double, right: Double, top: Double,
                           bottom: Double, yLabelGap: Double, xLabelGap: Double) -> String {
    var s = ""
    for t in ym.ticks {
      let py = ym.map(t)
      s += "<line class=\"grid\" x1=\"\(f(left))\" y1=\"\(f(py))\" x2=\"\(f(right))\" y2=\"\(f(py))\"/>"
      s += "<text class=\"tick\" x=\"\(f(left - yLabelGap))\" y=\"\(f(py + 4))\" text-anchor=\"end\">"
        + "\(Markup.escape(ym.label(t)))</text>\n"
    }
    var xt = xm.ticks
    let widest = xt.map { Double(xm.label($0).count) * charWidth }.max() ?? 0
    while xt.count > 2, (right - left) / Double(xt.count - 1) < widest + 10 {
      xt = xt.enumerated().filter { $0.offset % 2 == 0 }.map(\.element)
    }
    for t in xt {
      let px = xm.map(t)
      s += "<line class=\"grid\" x1=\"\(f(px))\" y1=\"\(f(top))\" x2=\"\(f(px))\" y2=\"\(f(bottom))\"/>"
      s += "<text class=\"tick\" x=\"\(f(px))\" y=\"\(f(bottom + xLabelGap))\" text-anchor=\"middle\">"
        + "\(Markup.escape(xm.label(t)))</text>\n"
    }
    s += "<path class=\"axis-line\" fill=\"none\" d=\"M\(f(left)) \(f(top))V\(f(bottom))H\(f(right))\"/>\n"
    return s
  }

  /// `<path class="series">` for one series.
  func path(_ se: ChartSeries, color: String, _ xm: AxisMapping, _ ym: AxisMapping) -> String {
    let d = SVGChart.pathData(se, xm, ym)
    let cls = se.style == .reference ? "series reference" : "series"
    let dash = se.style == .reference ? " stroke-dasharray=\"5 3\"" : ""
    return "<path class=\"\(cls)\" data-series=\"\(Markup.escape(se.name))\" d=\"\(d)\" fill=\"none\" stroke=\"\(color)\"\(dash)>"
      + "<title>\(Markup.escape(se.name))</title></path>\n"
  }

  /// The `d` attribute: M then L (or H/V for steps), skipping non-finite points.
  static func pathData(_ se: ChartSeries, _ xm: AxisMapping, _ ym: AxisMapping) -> String {
    var d = ""
    var lastY: Double?
    for p in se.points where p.x.isFinite && p.y.isFinite {
      let px = xm.map(p.x), py = ym.map(p.y)
      if let ly = lastY {
        if se.style == .step {
          d += "H\(f(px))"
          if f(py) != f(ly) { d += "V\(f(py))" }
        } else {
          d += "L\(f(px)) \(f(py))"
        }
      } else {
        d += "M\(f(px)) \(f(py))"
      }
      lastY = py
    }
    return d
  }
}

/// A grid of small charts sharing one y axis (one panel per site, say), in one
/// `<svg class="chart">`; each panel has its own title, a series path and an
/// optional note (mean, peak).
struct SVGSmallMultiples: Sendable {
  struct Panel: Sendable {
    var title: String
    var note: String?
    var series: ChartSeries
  }

  var id: String
  var title: String
  var subtitle: String?
  var x: ChartAxis
  var y: ChartAxis
  var panels: [Panel]
  var columns = 4
  var width = 1280.0
  var panelPlotHeight = 90.0
  var maxPointsPerSeries = 300

  func svg() -> String {
    let thinned = panels.map { p -> Panel in var q = p; q.series = p.series.downsampled(to: maxPointsPerSeries); return q }
    let cols = Swift.max(1, Swift.min(columns, thinned.count))
    let rows = (thinned.count + cols - 1) / cols
    let headTop = subtitle == nil ? 34.0 : 50.0
    let cellW = (width - 20) / Double(cols)
    let cellH = panelPlotHeight + 72
    let height = headTop + Double(rows) * cellH + 24
    let xs = thinned.flatMap { $0.series.points.map(\.x) }.filter(\.isFinite)
    let ys = thinned.flatMap { $0.series.points.map(\.y) }.filter(\.isFinite)

    var s = "<svg class=\"chart small-multiples\" id=\"\(Markup.escape(id))\" "
      + "viewBox=\"0 0 \(f(width)) \(f(height))\" width=\"\(f(width))\" height=\"\(f(height))\" role=\"img\" "
      + "aria-labelledby=\"\(Markup.escape(id))-title\">\n"
    s += "<title id=\"\(Markup.escape(id))-title\">\(Markup.escape(title))</title>\n"
    s += "<text class=\"chart-title\" x=\"20\" y=\"20\">\(Markup.escape(title))</text>\n"
    if let subtitle { s += "<text class=\"chart-subtitle\" x=\"20\" y=\"37\">\(Markup.escape(subtitle))</text>\n" }
    for (i, p) in thinned.enumerated() {
      let cx = 10 + Double(i % cols) * cellW, cy = headTop + Double(i / cols) * cellH
      let left = cx + 46, right = cx + cellW - 12
      let top = cy + 36, bottom = top + panelPlotHeight
      let xm = AxisMapping(axis: x, values: xs, p0: left, p1: right, tickCount: 5)
      let ym = AxisMapping(axis: y, values: ys, p0: bottom, p1: top, tickCount: 3)
      s += "<g class=\"panel\" data-panel=\"\(Markup.escape(p.title))\">\n"
      s += "<text class=\"panel-title\" x=\"\(f(left))\" y=\"\(f(cy + 14))\">\(Markup.escape(p.title))</text>"
      if let note = p.note {
        s += "<text class=\"panel-note\" x=\"\(f(left))\" y=\"\(f(cy + 28))\">\(Markup.escape(note))</text>"
      }
      s += "\n"
      s += SVGChart.gridAndTicks(xm, ym, left: left, right: right, top: top, bottom: bottom,
                                 yLabelGap: 5, xLabelGap: 15)
      if p.series.points.isEmpty {
        s += "<text class=\"empty-note\" x=\"\(f((left + right) / 2))\" y=\"\(f((top + bottom) / 2))\" "
          + "text-anchor=\"middle\">no data</text>\n"
      } else {
        let d = SVGChart.pathData(p.series, xm, ym)
        s += "<path class=\"series\" data-series=\"\(Markup.escape(p.series.name))\" d=\"\(d)\" fill=\"none\" "
          + "stroke=\"\(p.series.color ?? ChartPalette.color(0))\"><title>\(Markup.escape(p.series.name))</title></path>\n"
      }
      s += "</g>\n"
    }
    let lastRowBottom = headTop + Double(rows) * cellH
    s += "<text class=\"axis-label\" x=\"\(f(width / 2))\" y=\"\(f(lastRowBottom + 8))\" text-anchor=\"middle\">"
      + "\(Markup.escape(x.label)); y: \(Markup.escape(y.label))</text>\n"
    s += "</svg>\n"
    return s
  }
}

/// A coordinate with at most one decimal, no trailing ".0".
private func f(_ v: Double) -> String {
  guard v.isFinite, Swift.abs(v) < 1e12 else { return "0" }
  let r = (v * 10).rounded() / 10
  if r == r.rounded() { return String(Int(r)) }
  return String(format: "%.1f", r)
}
