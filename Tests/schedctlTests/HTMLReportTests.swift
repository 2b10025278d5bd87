import Foundation
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

/// `--report PATH.html` on simulate and experiment openb: the file's structure,
/// its well-formedness, bad paths, and (when Chromium is installed) the render check.
@Suite struct HTMLReportTests {
  static let simulateCharts = ["chart-util-kind", "chart-util-site", "chart-queue", "chart-wait-cdf", "chart-fragmentation"]
  static let openbCharts = ["chart-allocation", "chart-fragmentation"]

  /// A fresh directory for this test's files.
  func scratch(_ name: String) throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("schedctl-report-\(getpid())-\(name)")
    try? FileManager.default.removeItem(at: dir)
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
  }

  /// Runs a small simulation with `--report` and returns the HTML.
  func simulateReport(into dir: URL) throws -> (path: String, html: String) {
    let path = dir.appendingPathComponent("sim.html").path
    let (s, out, err) = try schedctl(["simulate", "--jobs", "300", "--duration", "2", "--report", path])
    #expect(s == 0, "\(err)")
    #expect(out.contains("wait p50"), "the table still goes to stdout")
    let html = try String(contentsOfFile: path, encoding: .utf8)
    return (path, html)
  }

  /// The markup of the element that carries `id="…"`, up to its closing tag.
  func element(_ html: String, id: String, tag: String) -> String? {
    guard let idRange = html.range(of: "id=\"\(id)\"") else { return nil }
    guard let open = html.range(of: "<\(tag)", options: .backwards, range: html.startIndex..<idRange.lowerBound),
          let close = html.range(of: "</\(tag)>", range: idRange.upperBound..<html.endIndex) else { return nil }
    return String(html[open.lowerBound..<close.upperBound])
  }

  /// Checks every chart id is an `<svg class="chart">` with a series path holding
  /// at least two points, every table has body rows, and nothing points outside the file.
  func checkStructure(_ html: String, charts: [String], tables: [String]) {
    #expect(html.hasPrefix("<!DOCTYPE html>"))
    for id in charts {
      guard let svg = element(html, id: id, tag: "svg") else {
        Issue.record("\(id): no <svg id=\"\(id)\">")
        continue
      }
      #expect(svg.hasPrefix("<svg class=\"chart"), "\(id): \(svg.prefix(80))")
      let series = svg.components(separatedBy: "<path class=\"series").dropFirst()
      let withData = series.filter { p in
        guard let d = p.range(of: " d=\"M") else { return false }
        let data = p[d.upperBound...].prefix { $0 != "\"" }
        return data.contains { "LHV".contains($0) } && data.contains { $0.isNumber }
      }
      #expect(!withData.isEmpty, "\(id): no series path with data")
    }
    for id in tables {
      guard let table = element(html, id: id, tag: "table") else {
        Issue.record("\(id): no <table id=\"\(id)\">")
        continue
      }
      let bodyRows = table.components(separatedBy: "<tbody>").last?.components(separatedBy: "<tr>").count ?? 0
      #expect(bodyRows >= 2, "\(id): no rows")
    }
    #expect(!html.contains("http://") && !html.contains("https://"), "the report must not reference URLs")
    #expect(!html.lowercased().contains("<script"), "no scripts")
    #expect(!html.contains("<img") && !html.contains("@import") && !html.contains("url("), "no external images or fonts")
  }

  /// Well-formedness errors of `html` read as XML (empty when well-formed).
  /// `XMLParser` is strict, unlike `XMLDocument`, which recovers from errors.
  func wellFormednessErrors(_ html: String) -> [String] {
    #if canImport(FoundationXML) || canImport(Darwin)
    final class Errors: NSObject, XMLParserDelegate {
      var list: [String] = []
      func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
        list.append("line \(parser.lineNumber): \(parseError)")
      }
    }
    let parser = XMLParser(data: Data(html.utf8))
    let errors = Errors()
    parser.delegate = errors
    let ok = parser.parse()
    if let e = parser.parserError, errors.list.isEmpty { errors.list.append("line \(parser.lineNumber): \(e)") }
    if !ok, errors.list.isEmpty { errors.list.append("parse failed at line \(parser.lineNumber)") }
    return errors.list
    #else
    // No XML parser: every opened element must be closed, in order.
    var stack: [Substring] = []
    var rest = Substring(html)
    while let lt = rest.firstIndex(of: "<") {
      guard let gt = rest[lt...].firstIndex(of: ">") else { return ["unterminated tag"] }
      let tag = rest[rest.index(after: lt)..<gt]
      rest = rest[rest.index(after: gt)...]
      if tag.hasPrefix("!") || tag.hasSuffix("/") { continue }
      let name = tag.split(whereSeparator: { $0 == " " || $0 == "\n" }).first ?? ""
      if name.hasPrefix("/") {
        if stack.popLast() != name.dropFirst() { return ["mismatched </\(name.dropFirst())>"] }
      } else {
        stack.append(name)
      }
    }
    return stack.isEmpty ? [] : ["unclosed: \(stack)"]
    #endif
  }

  /// The report must be well-formed XML (and a broken copy must not be, so the
  /// check is not vacuous); XPath must find every chart's series path.
  func checkWellFormed(_ html: String, charts: [String]) throws {
    let errors = wellFormednessErrors(html)
    #expect(errors.isEmpty, "not well-formed: \(errors.prefix(3))")
    let broken = html.replacingOccurrences(of: "</table>", with: "")
    #expect(!wellFormednessErrors(broken).isEmpty, "the well-formedness check accepts a report with unclosed tables")
    #if canImport(FoundationXML) || canImport(Darwin)
    let doc = try XMLDocument(data: Data(html.utf8), options: [])
    #expect(doc.rootElement()?.name == "html")
    for id in charts {
      let xpath = "//svg[@id='\(id)' and contains(@class, 'chart')]//path[contains(@class, 'series') and string-length(@d) > 3]"
      #expect(try !doc.nodes(forXPath: xpath).isEmpty, "\(id): XPath finds no series path")
    }
    #endif
  }

  @Test func simulateReportHasEveryChartAndTable() throws {
    let dir = try scratch("sim")
    defer { try? FileManager.default.removeItem(at: dir) }
    let (_, html) = try simulateReport(into: dir)
    checkStructure(html, charts: Self.simulateCharts, tables: ["table-sites", "table-settlement"])
    try checkWellFormed(html, charts: Self.simulateCharts)
    #expect(html.contains("<meta name=\"schedctl-report\" content=\"simulate\"/>"))
    // Ring membership and settlement figures of the reference cluster.
    #expect(html.contains("tianjin-metro") && html.contains("jingjinji"))
    #expect(html.contains("vouchers exhausted") && html.contains("llm-lab"))
    #expect(html.utf8.count < 400_000, "report size \(html.utf8.count) bytes")
  }

  @Test func openbReportHasCurvesAndLoadTable() throws {
    let dir = try scratch("openb")
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("openb.html").path
    let (s, out, err) = try schedctl(["experiment", "openb", "--nodes", "Tests/Fixtures/openb/openb_node_list_gpu_node.head20.csv",
                                      "--pods", "Tests/Fixtures/openb/openb_pod_list_default.head50.csv", "--seeds", "1..3",
                                      "--report", path])
    #expect(s == 0, "\(err)")
    #expect(out.contains("arrived %"))
    let html = try String(contentsOfFile: path, encoding: .utf8)
    checkStructure(html, charts: Self.openbCharts, tables: ["table-load", "table-runs"])
    try checkWellFormed(html, charts: Self.openbCharts)
    let allocation = element(html, id: "chart-allocation", tag: "svg") ?? ""
    for seed in 1...3 { #expect(allocation.contains("data-series=\"seed \(seed)\""), "seed \(seed) curve") }
    for x in stride(from: 50, through: 130, by: 10) { #expect(html.contains("<td class=\"num\">\(x)</td>")) }
  }

  @Test(arguments: [
    (["simulate", "--jobs", "10"], "/nonexistent-dir/r.html"),
    (["simulate", "--jobs", "10"], "report.txt"),
    (["simulate", "--jobs", "10"], "/etc/hostname/r.html"),
    (["experiment", "openb"], "/nonexistent-dir/o.html"),
  ])
  func badReportPathExitsTwo(_ args: [String], _ path: String) throws {
    let (s, _, err) = try schedctl(args + ["--report", path])
    #expect(s == 2, "status \(s): \(err)")
    #expect(err.contains(path), "the message names the path: \(err)")
  }

  @Test func chromiumRendersEveryChart() throws {
    let browser = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
      .map { URL(fileURLWithPath: String($0)).appendingPathComponent("chromium-headless-shell").path }
      .first { FileManager.default.isExecutableFile(atPath: $0) }
    guard browser != nil else {
      print("skipped: chromium-headless-shell not installed (apt-get install chromium-headless-shell); "
            + "the render check did not run")
      try Test.cancel("skipped: chromium-headless-shell not installed")
    }
    let dir = try scratch("chromium")
    defer { try? FileManager.default.removeItem(at: dir) }
    let (path, _) = try simulateReport(into: dir)
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/bash")
    p.arguments = [root.appendingPathComponent("scripts/check-report.sh").path, path,
                   dir.appendingPathComponent("sim.png").path]
    let out = Pipe()
    p.standardOutput = out
    p.standardError = out
    try p.run()
    let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    #expect(p.terminationStatus == 0, "\(text)")
    #expect(text.contains("check-report: OK"), "\(text)")
    for id in Self.simulateCharts { #expect(text.contains("ok:   \(id)"), "\(id) not rendered: \(text)") }
    #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("sim.png").path), "screenshot")
  }
}
