extension Voucher {
  /// Illustrative compute vouchers for the synthetic workload's tenants
  /// (rates and caps are examples, not any programme's terms).
  public static let illustrative: [Voucher] = [
    Voucher(id: "tj-ai-2026", tenant: "llm-lab", rateBasisPoints: 5000, capPerYear: Money(fen: 20_000_000),
            kinds: [.gpu, .npu, .dcu]),
    Voucher(id: "tj-ai-2026", tenant: "auto-drive", rateBasisPoints: 3000, capPerYear: Money(fen: 500_000)),
    Voucher(id: "hpc-2026", tenant: "hpc-institute", rateBasisPoints: 4000, capPerYear: Money(fen: 5_000_000)),
    Voucher(id: "edu-2026", tenant: "edu-cloud", rateBasisPoints: 5000, capPerYear: Money(fen: 100_000)),
  ]
}
