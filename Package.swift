// swift-tools-version: 6.1
import PackageDescription

// Internal consistency checks (cluster-state invariants verified after every
// mutation) are compiled into debug builds, so `swift test` runs with them.
// Release builds leave them out; force them on with
//   swift build -c release -Xswiftc -DSCHEDCORE_INTERNAL_CHECKS
let internalChecks: [SwiftSetting] = [
  .define("SCHEDCORE_INTERNAL_CHECKS", .when(configuration: .debug)),
]

let package = Package(
  name: "SchedCore",
  platforms: [.macOS(.v15)],
  products: [
    .library(name: "SchedCore", targets: ["SchedCore"]),
    .executable(name: "schedctl", targets: ["schedctl"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.1.0"),
  ],
  targets: [
    .systemLibrary(
      name: "CHwloc",
      pkgConfig: "hwloc",
      providers: [.apt(["libhwloc-dev"])]
    ),
    .systemLibrary(
      name: "CNuma",
      pkgConfig: "numa",
      providers: [.apt(["libnuma-dev"])]
    ),
    .target(
      name: "SchedCore",
      dependencies: [
        "CHwloc",
        "CNuma",
        .product(name: "Collections", package: "swift-collections"),
        .product(name: "Histogram", package: "hdrhistogram-swift"),
        .product(name: "Yams", package: "Yams"),
        .product(name: "Logging", package: "swift-log"),
      ],
      swiftSettings: internalChecks
    ),
    .executableTarget(
      name: "schedctl",
      dependencies: [
        "SchedCore",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Histogram", package: "hdrhistogram-swift"),
        .product(name: "Yams", package: "Yams"),
      ]
    ),
    .testTarget(
      name: "SchedCoreTests",
      dependencies: ["SchedCore"],
      swiftSettings: internalChecks
    ),
    .testTarget(
      name: "schedctlTests",
      dependencies: ["SchedCore", "schedctl"]
    ),
  ],
  swiftLanguageModes: [.v6]
)
