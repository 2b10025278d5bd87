import Foundation
import Testing
@testable import SchedCore

@Suite struct VoucherSpecTests {
  @Test func exampleFileEqualsTheIllustrativeVouchers() throws {
    let v = try VoucherSpec.load(path: TestPaths.packageRoot + "/Docs/examples/vouchers.yaml")
    #expect(v == Voucher.illustrative)
  }

  static let valid = """
  - id: v1
    tenant: t
    rate_basis_points: 2500
    cap_per_year: 1234.56
    kinds: [gpu, NPU]
  - {id: v2, tenant: t, rate_basis_points: 10000, cap_per_year: "7"}
  - {id: v1, tenant: u, rate_basis_points: 0, cap_per_year: 0.5}
  """

  @Test func validFile() throws {
    let v = try VoucherSpec.parse(yaml: Self.valid, file: "v.yaml")
    #expect(v == [
      Voucher(id: "v1", tenant: "t", rateBasisPoints: 2500, capPerYear: Money(fen: 123_456), kinds: [.gpu, .npu]),
      Voucher(id: "v2", tenant: "t", rateBasisPoints: 10_000, capPerYear: Money(fen: 700)),
      Voucher(id: "v1", tenant: "u", rateBasisPoints: 0, capPerYear: Money(fen: 50)),
    ])
    #expect(try VoucherSpec.parse(yaml: "[]", file: "v.yaml").isEmpty)
    // The largest cap is exact.
    let big = try VoucherSpec.parse(yaml: "- {id: a, tenant: t, rate_basis_points: 1, cap_per_year: 1000000000000.00}", file: "v.yaml")
    #expect(big[0].capPerYear == VoucherSpec.maxCap)
  }

  /// (replace, with, line, field, a fragment of the message)
  static let bad: [(String, String, Int, String, String)] = [
    ("cap_per_year: 1234.56", "cap_per_year: 1234.567", 4, "[0].cap_per_year", "more than two decimals"),
    ("cap_per_year: 1234.56", "cap_per_year: -5", 4, "[0].cap_per_year", "negative"),
    ("cap_per_year: 1234.56", "cap_per_year: lots", 4, "[0].cap_per_year", "expected yuan"),
    ("cap_per_year: 1234.56", "cap_per_year: 1.2e3", 4, "[0].cap_per_year", "expected yuan"),
    ("cap_per_year: 1234.56", "cap_per_year: 99999999999999999999", 4, "[0].cap_per_year", "too large"),
    ("cap_per_year: 1234.56", "cap_per_year: 1000000000000.01", 4, "[0].cap_per_year", "too large"),
    ("cap_per_year: 1234.56", "cap_per_year: [1]", 4, "[0].cap_per_year", "expected an amount"),
    ("rate_basis_points: 2500", "rate_basis_points: 10001", 3, "[0].rate_basis_points", "over 100 %"),
    ("rate_basis_points: 2500", "rate_basis_points: -1", 3, "[0].rate_basis_points", "negative"),
    ("rate_basis_points: 2500", "rate_basis_points: 25.5", 3, "[0].rate_basis_points", "whole number"),
    ("rate_basis_points: 2500", "rate_basis_points: 99999999999999999999", 3, "[0].rate_basis_points", "too large"),
    ("rate_basis_points: 2500", "rate: 2500", 3, "[0].rate", "unknown field"),
    ("kinds: [gpu, NPU]", "kinds: [gpu, tpu]", 5, "[0].kinds[1]", "unknown value 'tpu'"),
    ("kinds: [gpu, NPU]", "kinds: [gpu, gpu]", 5, "[0].kinds[1]", "listed twice"),
    ("kinds: [gpu, NPU]", "kinds: []", 5, "[0].kinds", "empty list"),
    ("kinds: [gpu, NPU]", "kinds: gpu", 5, "[0].kinds", "expected a list"),
    ("  tenant: t\n  rate", "  rate", 1, "[0].tenant", "missing required field"),
    ("{id: v1, tenant: u,", "{id: v2, tenant: t,", 7, "[2].id", "duplicate voucher 'v2' for tenant 't'"),
    ("id: v2,", "id: '',", 6, "[1].id", "must not be empty"),
  ]

  @Test(arguments: 0..<bad.count)
  func badFile(_ i: Int) {
    let (from, to, line, path, fragment) = Self.bad[i]
    #expect(Self.valid.contains(from), "case \(i)")
    do {
      _ = try VoucherSpec.parse(yaml: Self.valid.replacingOccurrences(of: from, with: to), file: "v.yaml")
      Issue.record("case \(i) accepted")
    } catch {
      #expect(error.errors.contains { $0.line == line && $0.path == path && $0.message.contains(fragment) },
              "case \(i): \(error)")
      #expect(error.description.contains("v.yaml:\(line):"), "case \(i): \(error)")
    }
  }

  @Test(arguments: [("", "the file is empty"), ("id: v1\n", "expected a list"), ("- [1, 2\n", "YAML syntax")])
  func badDocument(_ text: String, _ fragment: String) {
    do {
      _ = try VoucherSpec.parse(yaml: text, file: "v.yaml")
      Issue.record("accepted \(text)")
    } catch {
      #expect(error.errors.contains { $0.message.contains(fragment) }, "\(error)")
    }
  }

  @Test func voucherFileDrivesSettlement() throws {
    let records = [UsageRecord(jobID: "j", tenant: "t", site: "tj", node: "n", startMicros: 0, endMicros: 3_600_000_000,
                               milliCPU: 0, memoryMiB: 0, deviceModel: "T4", deviceKind: .gpu, deviceMilli: 4000)]
    let ledger = UsageLedger(cluster: MeteringTests.cluster(), records: records)  // ¥10.00
    let v = try VoucherSpec.parse(yaml: "- {id: v, tenant: t, rate_basis_points: 5000, cap_per_year: 3.00, kinds: [gpu]}",
                                  file: "v.yaml")
    #expect(Settlement(ledger: ledger, vouchers: v).statements[0].subsidy == Money(fen: 300))
    let cpuOnly = try VoucherSpec.parse(yaml: "- {id: v, tenant: t, rate_basis_points: 5000, cap_per_year: 3.00, kinds: [cpu]}",
                                        file: "v.yaml")
    #expect(Settlement(ledger: ledger, vouchers: cpuOnly).statements[0].subsidy == .zero)
  }
}
