/// Scorer `energy`: prefers nodes that deliver compute with less power:
/// intensity e = TDP × site PUE / peak FP16 TFLOPS for accelerators (per core
/// for CPU nodes); s = 1 − e / e_max over the cluster, 0 when unknown.
enum EnergyScorer {
  static func score(_ c: NodeClass, _ ctx: ScoringContext) -> Double {
    guard let e = c.energyIntensity, ctx.maxEnergyIntensity > 0 else { return 0 }
    return 1 - e / ctx.maxEnergyIntensity
  }
}
