import ArgumentParser
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A self-contained HTML report page: inline CSS, inline SVG charts, no
/// scripts, no external fonts, images or links. The markup is also well-formed
/// XML (void elements self-closed, only XML's five entities), so it parses
/// with `XMLDocument` as well as in a browser. Inline `<svg>` carries no
/// `xmlns`: the HTML parser puts it in the SVG namespace, and the file holds
/// no URL at all.
struct HTMLPage {
  /// `schedctl-report` meta value: `simulate` or `experiment-openb`.
  var kind: String
  var title: String
  var subtitle: String
  private(set) var body = ""

  init(kind: String, title: String, subtitle: String) {
    self.kind = kind
    self.title = title
    self.subtitle = subtitle
  }

  /// Opens a `<section>` with an id and heading; close it with `endSection()`.
  mutating func section(_ id: String, _ heading: String, intro: String? = nil) {
    body += "<section id=\"\(Markup.escape(id))\">\n<h2>\(Markup.escape(heading))</h2>\n"
    if let intro { body += "<p class=\"intro\">\(Markup.escape(intro))</p>\n" }
  }

  mutating func endSection() { body += "</section>\n" }

  /// Key figures as a grid of tiles: (label, value, detail).
  mutating func tiles(_ id: String, _ items: [(String, String, String)]) {
    body += "<div class=\"tiles\" id=\"\(Markup.escape(id))\">\n"
    for (label, value, detail) in items {
      body += "<div class=\"tile\"><div class=\"label\">\(Markup.escape(label))</div>"
        + "<div class=\"value\">\(Markup.escape(value))</div>"
        + (detail.isEmpty ? "" : "<div class=\"detail\">\(Markup.escape(detail))</div>") + "</div>\n"
    }
    body += "</div>\n"
  }

  /// Charts side by side where the page is wide enough.
  mutating func charts(_ svgs: [String], wide: Bool = false) {
    body += "<div class=\"\(wide ? "charts wide" : "charts")\">\n"
    for s in svgs { body += "<figure>\n" + s + "</figure>\n" }
    body += "</div>\n"
  }

  /// A table cell: text, right-aligned number, or pre-escaped markup.
  enum Cell {
    case text(String)
    case number(String)
    case markup(String)
  }

  /// A table with a header row; `footer` rows go in `<tfoot>`.
  mutating func table(_ id: String, caption: String? = nil, header: [String], numeric: Set<Int> = [], rows: [[Cell]],
                      footer: [[Cell]] = []) {
    body += "<table id=\"\(Markup.escape(id))\">\n"
    if let caption { body += "<caption>\(Markup.escape(caption))</caption>\n" }
    body += "<thead><tr>"
    for (i, h) in header.enumerated() {
      body += numeric.contains(i) ? "<th class=\"num\">\(Markup.escape(h))</th>" : "<th>\(Markup.escape(h))</th>"
    }
    body += "</tr></thead>\n<tbody>\n"
    func row(_ cells: [Cell]) {
      body += "<tr>"
      for c in cells {
        switch c {
        case .text(let t): body += "<td>\(Markup.escape(t))</td>"
        case .number(let t): body += "<td class=\"num\">\(Markup.escape(t))</td>"
        case .markup(let m): body += "<td>\(m)</td>"
        }
      }
      body += "</tr>\n"
    }
    rows.forEach(row)
    body += "</tbody>\n"
    if !footer.isEmpty {
      body += "<tfoot>\n"
      footer.forEach(row)
      body += "</tfoot>\n"
    }
    body += "</table>\n"
  }

  mutating func paragraph(_ text: String, cls: String = "note") {
    body += "<p class=\"\(cls)\">\(Markup.escape(text))</p>\n"
  }

  /// A horizontal bar for a share in 0...1 followed by its percentage.
  static func shareBar(_ share: Double) -> String {
    let pct = min(max(share.isFinite ? share : 0, 0), 1) * 100
    return "<span class=\"bar\"><span style=\"width:\(String(format: "%.1f", pct))%\"></span></span> "
      + String(format: "%.1f%%", pct)
  }

  /// The whole document.
  func html() -> String {
    let generated = ISO8601DateFormatter().string(from: Date())
    let command = (["schedctl"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
    return """
      <!DOCTYPE html>
      <html lang="en">
      <head>
      <meta charset="utf-8"/>
      <meta name="viewport" content="width=device-width, initial-scale=1"/>
      <meta name="generator" content="schedctl"/>
      <meta name="schedctl-report" content="\(Markup.escape(kind))"/>
      <title>\(Markup.escape(title))</title>
      <style>
      \(Self.css)
      </style>
      </head>
      <body>
      <header>
      <h1>\(Markup.escape(title))</h1>
      <p class="sub">\(Markup.escape(subtitle))</p>
      </header>
      <main>
      \(body)</main>
      <footer>
      <p>Generated \(Markup.escape(generated)) by <code>\(Markup.escape(command))</code>. Self-contained: no scripts, no external resources.</p>
      </footer>
      </body>
      </html>

      """
  }

  static let css = """
    :root { color-scheme: light; }
    body { margin: 0; background: #f6f7f9; color: #1f2328;
      font: 14px/1.45 "DejaVu Sans", "Liberation Sans", "Helvetica Neue", Arial, sans-serif; }
    header, main, footer { max-width: 1320px; margin: 0 auto; padding: 0 20px; }
    header { padding-top: 18px; }
    h1 { font-size: 22px; margin: 0 0 2px; }
    h2 { font-size: 17px; margin: 26px 0 8px; border-bottom: 1px solid #d0d7de; padding-bottom: 4px; }
    p.sub { margin: 0; color: #57606a; }
    p.intro, p.note { color: #57606a; margin: 4px 0 10px; max-width: 100ch; }
    footer { color: #6e7781; font-size: 12px; padding-bottom: 24px; }
    code { font-family: "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 12px; word-break: break-all; }
    .tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); gap: 10px; margin: 14px 0; }
    .tile { background: #fff; border: 1px solid #d0d7de; border-radius: 6px; padding: 8px 12px; }
    .tile .label { color: #57606a; font-size: 12px; }
    .tile .value { font-size: 18px; font-weight: 600; font-variant-numeric: tabular-nums; }
    .tile .detail { color: #57606a; font-size: 12px; }
    .charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(560px, 1fr)); gap: 14px; margin-bottom: 14px; }
    .charts.wide { grid-template-columns: 1fr; }
    figure { margin: 0; background: #fff; border: 1px solid #d0d7de; border-radius: 6px; padding: 6px; }
    svg.chart { display: block; width: 100%; height: auto; }
    svg.chart text { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 12px; fill: #1f2328; }
    svg.chart .chart-title { font-size: 14px; font-weight: 600; }
    svg.chart .chart-subtitle, svg.chart .panel-note, svg.chart .axis-label { fill: #57606a; }
    svg.chart .panel-title { font-weight: 600; }
    svg.chart .tick { fill: #57606a; font-size: 11px; }
    svg.chart .grid { stroke: #eaeef2; stroke-width: 1; }
    svg.chart .axis-line { stroke: #8c959f; stroke-width: 1; }
    svg.chart path.series { fill: none; stroke-width: 1.8; stroke-linejoin: round; stroke-linecap: round; }
    svg.chart path.series.reference { stroke-width: 1.2; }
    svg.chart .marker { stroke: #57606a; stroke-width: 1; stroke-dasharray: 3 3; }
    svg.chart .marker-label { font-size: 11px; fill: #3d444d; paint-order: stroke; stroke: #fff; stroke-width: 3px; }
    svg.chart .empty-note { fill: #8c959f; font-size: 14px; }
    table { border-collapse: collapse; background: #fff; margin: 8px 0 4px; font-variant-numeric: tabular-nums; }
    caption { text-align: left; color: #57606a; padding: 4px 0; }
    th, td { border: 1px solid #d0d7de; padding: 4px 9px; text-align: left; vertical-align: top; }
    th { background: #f0f2f5; font-weight: 600; }
    td.num, th.num { text-align: right; white-space: nowrap; }
    tfoot td { font-weight: 600; background: #f6f8fa; }
    .bar { display: inline-block; width: 90px; height: 9px; background: #eaeef2; border-radius: 2px; vertical-align: middle; }
    .bar span { display: block; height: 100%; background: #4e79a7; border-radius: 2px; }
    .ring { display: inline-block; padding: 0 6px; margin: 1px 2px; border-radius: 9px; background: #ddf4ff; font-size: 12px; }
    @media print { body { background: #fff; } figure, .tile { break-inside: avoid; } }
    """
}

/// Checks and writing for `--report PATH.html`.
enum HTMLReportPath {
  /// Throws a `ValidationError` (exit 2) unless `path` ends in `.html` and its
  /// directory exists and is writable (checked before any work is done).
  static func validate(_ path: String, option: String = "--report") throws {
    guard path.lowercased().hasSuffix(".html") || path.lowercased().hasSuffix(".htm") else {
      throw ValidationError("\(option): expected a file name ending in .html, got '\(path)'")
    }
    let url = URL(fileURLWithPath: path)
    let dir = url.deletingLastPathComponent().path
    var isDir: ObjCBool = false
    guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir) else {
      throw ValidationError("\(option) \(path): directory '\(dir)' does not exist")
    }
    guard isDir.boolValue else { throw ValidationError("\(option) \(path): '\(dir)' is not a directory") }
    guard access(dir, W_OK) == 0 else { throw ValidationError("\(option) \(path): directory '\(dir)' is not writable") }
    if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) {
      guard !isDir.boolValue else { throw ValidationError("\(option) \(path): is a directory") }
      guard access(url.path, W_OK) == 0 else { throw ValidationError("\(option) \(path): the file exists and is not writable") }
    }
  }
}
