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
  targets: [
    .executableTarget(
      name: "PlacementBenchmarks",
      dependencies: [
        .product(name: "SchedCore", package: "SchedCore"),
        .product(name: "Benchmark", package: "benchmark"),
      ],
      path: "Benchmarks/PlacementBenchmarks",
      plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    ),
    .executableTarget(
      name: "SimulationBenchmarks",
      dependencies: [
        .product(name: "SchedCore", package: "SchedCore"),
        .product(name: "Benchmark", package: "benchmark"),
      ],
      path: "Benchmarks/SimulationBenchmarks",
      plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    ),
    .executableTarget(
      name: "OpenbBenchmarks",
      dependencies: [
        .product(name: "SchedCore", package: "SchedCore"),
        .product(name: "Benchmark", package: "benchmark"),
      ],
      path: "Benchmarks/OpenbBenchmarks",
      plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    ),
  ]
)
