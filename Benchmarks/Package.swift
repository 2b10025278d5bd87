// swift-tools-version: 6.1
import PackageDescription

// The benchmark package sits beside the root package so `swift test` there
// never builds it. Run with `make bench` or
//   cd Benchmarks && swift package --allow-writing-to-package-directory benchmark
let package = Package(
  name: "SchedCoreBenchmarks",
  platforms: [.macOS(.v15)],
  dependencies: [
    .package(name: "SchedCore", path: ".."),
    .package(url: "https://github.com/ordo-one/benchmark", from: "1.29.0", traits: ["MallocInterposer"]),
  ],
  // One executable per benchmark suite, each in Benchmarks/<name>/.
  targets: ["PlacementBenchmarks", "SimulationBenchmarks", "OpenbBenchmarks"].map { name in
    .executableTarget(
      name: name,
      dependencies: [
        .product(name: "SchedCore", package: "SchedCore"),
        .product(name: "Benchmark", package: "benchmark"),
      ],
      path: "Benchmarks/\(name)",
      plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    )
  }
)
