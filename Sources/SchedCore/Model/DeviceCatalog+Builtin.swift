extension DeviceCatalog {
  /// The built-in catalog. Figures are nominal public specifications; each
  /// figure's source is listed in Docs/DeviceCatalog.md.
  public static let builtin = DeviceCatalog(builtinModels)

  /// The built-in entries, in catalog order.
  public static let builtinModels: [DeviceModel] = [
    // NVIDIA GPUs
    DeviceModel(name: "H100-SXM", aliases: ["H100"], vendor: "NVIDIA", kind: .gpu, domestic: false,
                memoryMiB: 81_920, fp64TFLOPS: 67, fp32TFLOPS: 67, fp16TFLOPS: 989.5, int8TOPS: 1979, tdpWatts: 700),
    DeviceModel(name: "H800-SXM", aliases: ["H800"], vendor: "NVIDIA", kind: .gpu, domestic: false,
                memoryMiB: 81_920, fp64TFLOPS: 1, fp32TFLOPS: 67, fp16TFLOPS: 989.5, int8TOPS: 1979, tdpWatts: 700),
    DeviceModel(name: "H20", vendor: "NVIDIA", kind: .gpu, domestic: false,
                memoryMiB: 98_304, fp64TFLOPS: 1, fp32TFLOPS: 44, fp16TFLOPS: 148, int8TOPS: 296, tdpWatts: 400),
    DeviceModel(name: "A100-80GB", aliases: ["A100"], vendor: "NVIDIA", kind: .gpu, domestic: false,
                memoryMiB: 81_920, fp64TFLOPS: 19.5, fp32TFLOPS: 19.5, fp16TFLOPS: 312, int8TOPS: 624, tdpWatts: 400),
    DeviceModel(name: "A10", vendor: "NVIDIA", kind: .gpu, domestic: false,
                memoryMiB: 24_576, fp32TFLOPS: 31.2, fp16TFLOPS: 125, int8TOPS: 250, tdpWatts: 150),
    DeviceModel(name: "L40S", vendor: "NVIDIA", kind: .gpu, domestic: false,
                memoryMiB: 49_152, fp32TFLOPS: 91.6, fp16TFLOPS: 362.05, int8TOPS: 733, tdpWatts: 350),
    DeviceModel(name: "T4", vendor: "NVIDIA", kind: .gpu, domestic: false,
                memoryMiB: 16_384, fp32TFLOPS: 8.1, fp16TFLOPS: 65, int8TOPS: 130, tdpWatts: 70),
    DeviceModel(name: "V100-16GB", aliases: ["V100M16"], vendor: "NVIDIA", kind: .gpu, domestic: false,
                memoryMiB: 16_384, fp64TFLOPS: 7.8, fp32TFLOPS: 15.7, fp16TFLOPS: 125, tdpWatts: 300),
    DeviceModel(name: "V100-32GB", aliases: ["V100M32"], vendor: "NVIDIA", kind: .gpu, domestic: false,
                memoryMiB: 32_768, fp64TFLOPS: 7.8, fp32TFLOPS: 15.7, fp16TFLOPS: 125, tdpWatts: 300),
    DeviceModel(name: "P100", vendor: "NVIDIA", kind: .gpu, domestic: false,
                memoryMiB: 16_384, fp64TFLOPS: 5.3, fp32TFLOPS: 10.6, fp16TFLOPS: 21.2, tdpWatts: 300),
    // Anonymised models of the Alibaba openb trace: figures unknown.
    DeviceModel(name: "G2", vendor: "unknown", kind: .gpu, domestic: false),
    DeviceModel(name: "G3", vendor: "unknown", kind: .gpu, domestic: false),
    // Domestic accelerators
    DeviceModel(name: "Ascend-910B", aliases: ["910B"], vendor: "Huawei", kind: .npu, domestic: true,
                memoryMiB: 65_536, fp16TFLOPS: 320, int8TOPS: 640, tdpWatts: 310),
    DeviceModel(name: "Ascend-310P", aliases: ["310P"], vendor: "Huawei", kind: .npu, domestic: true,
                memoryMiB: 24_576, fp16TFLOPS: 70, int8TOPS: 140, tdpWatts: 72),
    DeviceModel(name: "Hygon-Z100", aliases: ["Z100"], vendor: "Hygon", kind: .dcu, domestic: true,
                memoryMiB: 32_768, fp64TFLOPS: 10.1, fp32TFLOPS: 10.1, fp16TFLOPS: 40.5, tdpWatts: 300),
    DeviceModel(name: "Hygon-K100", aliases: ["K100"], vendor: "Hygon", kind: .dcu, domestic: true,
                memoryMiB: 65_536, fp64TFLOPS: 24.5, fp32TFLOPS: 49, fp16TFLOPS: 196, int8TOPS: 392, tdpWatts: 350),
    DeviceModel(name: "MLU370-X8", vendor: "Cambricon", kind: .npu, domestic: true,
                memoryMiB: 49_152, fp32TFLOPS: 32, fp16TFLOPS: 96, int8TOPS: 256, tdpWatts: 250),
    // DPUs
    DeviceModel(name: "BlueField-3", aliases: ["BF3"], vendor: "NVIDIA", kind: .dpu, domestic: false,
                memoryMiB: 32_768, tdpWatts: 150),
    DeviceModel(name: "Yusur-K2", aliases: ["K2"], vendor: "Yusur", kind: .dpu, domestic: true,
                tdpWatts: 75),
    // CPUs (per socket)
    DeviceModel(name: "Kunpeng-920", vendor: "Huawei", kind: .cpu, domestic: true,
                tdpWatts: 180, coresPerSocket: 64),
    DeviceModel(name: "Phytium-S2500", vendor: "Phytium", kind: .cpu, domestic: true,
                tdpWatts: 150, coresPerSocket: 64),
    DeviceModel(name: "Hygon-7285", vendor: "Hygon", kind: .cpu, domestic: true,
                tdpWatts: 190, coresPerSocket: 32),
    DeviceModel(name: "Xeon-8480+", aliases: ["Xeon-Platinum-8480+"], vendor: "Intel", kind: .cpu, domestic: false,
                fp64TFLOPS: 3.6, tdpWatts: 350, coresPerSocket: 56),
    DeviceModel(name: "EPYC-9654", vendor: "AMD", kind: .cpu, domestic: false,
                fp64TFLOPS: 3.7, tdpWatts: 360, coresPerSocket: 96),
  ]
}
