extension Cluster {
  /// The embedded Jing-Jin-Ji reference cluster as cluster YAML (the format
  /// of Docs/Formats.md). Figures are illustrative (see Docs/ReferenceCluster.md).
  public static let referenceYAML: String = """
# The embedded Jing-Jin-Ji reference cluster of SchedCore.
# ILLUSTRATIVE figures: site names follow real places in Tianjin, Beijing and Hebei,
# but node counts, prices, PUE, green shares and latencies are made up for
# simulation and are not any operator's data. See Docs/ReferenceCluster.md.
name: jingjinji-reference
sites:
  - id: binhai-hpc
    name: National Supercomputer Center in Tianjin (Binhai)
    city: Tianjin
    district: Binhai New Area
    tier: centre
    pue: 1.30
    green_share: 0.15
    prices:
      cpu_core_hour: 0.06
      memory_gib_hour: 0.01
      device_hour: {gpu: 8.00, npu: 6.00, dcu: 4.00, dpu: 1.00}
      model_hour: {H100-SXM: 28.00, H800-SXM: 26.00, A100-80GB: 12.00, L40S: 9.00, H20: 10.00, A10: 4.00, T4: 2.50, V100-32GB: 5.00, Ascend-910B: 9.00, Ascend-310P: 2.00, Hygon-K100: 7.00, Hygon-Z100: 3.50, MLU370-X8: 5.00}
  - id: binhai-ai
    name: Binhai AI Computing Centre
    city: Tianjin
    district: Binhai New Area
    tier: centre
    pue: 1.25
    green_share: 0.30
    prices:
      cpu_core_hour: 0.06
      memory_gib_hour: 0.01
      device_hour: {gpu: 8.00, npu: 6.00, dcu: 4.00, dpu: 1.00}
      model_hour: {H100-SXM: 28.00, H800-SXM: 26.00, A100-80GB: 12.00, L40S: 9.00, H20: 10.00, A10: 4.00, T4: 2.50, V100-32GB: 5.00, Ascend-910B: 9.00, Ascend-310P: 2.00, Hygon-K100: 7.00, Hygon-Z100: 3.50, MLU370-X8: 5.00}
  - id: wuqing
    name: Wuqing Data Centre Park
    city: Tianjin
    district: Wuqing
    tier: park
    pue: 1.35
    green_share: 0.20
    prices:
      cpu_core_hour: 0.06
      memory_gib_hour: 0.01
      device_hour: {gpu: 7.60, npu: 5.70, dcu: 3.80, dpu: 0.95}
      model_hour: {H100-SXM: 26.60, H800-SXM: 24.70, A100-80GB: 11.40, L40S: 8.55, H20: 9.50, A10: 3.80, T4: 2.38, V100-32GB: 4.75, Ascend-910B: 8.55, Ascend-310P: 1.90, Hygon-K100: 6.65, Hygon-Z100: 3.32, MLU370-X8: 4.75}
  - id: hebei-district-ai
    name: Tianjin Hebei District AI Computing Centre
    city: Tianjin
    district: Hebei District
    tier: centre
    pue: 1.28
    green_share: 0.25
    prices:
      cpu_core_hour: 0.06
      memory_gib_hour: 0.01
      device_hour: {gpu: 8.00, npu: 6.00, dcu: 4.00, dpu: 1.00}
      model_hour: {H100-SXM: 28.00, H800-SXM: 26.00, A100-80GB: 12.00, L40S: 9.00, H20: 10.00, A10: 4.00, T4: 2.50, V100-32GB: 5.00, Ascend-910B: 9.00, Ascend-310P: 2.00, Hygon-K100: 7.00, Hygon-Z100: 3.50, MLU370-X8: 5.00}
  - id: jinnan
    name: Jinnan Computing Park
    city: Tianjin
    district: Jinnan
    tier: park
    pue: 1.40
    green_share: 0.15
    prices:
      cpu_core_hour: 0.06
      memory_gib_hour: 0.01
      device_hour: {gpu: 7.60, npu: 5.70, dcu: 3.80, dpu: 0.95}
      model_hour: {H100-SXM: 26.60, H800-SXM: 24.70, A100-80GB: 11.40, L40S: 8.55, H20: 9.50, A10: 3.80, T4: 2.38, V100-32GB: 4.75, Ascend-910B: 8.55, Ascend-310P: 1.90, Hygon-K100: 6.65, Hygon-Z100: 3.32, MLU370-X8: 4.75}
  - id: xiqing-edge
    name: Xiqing Connected-Vehicle Edge
    city: Tianjin
    district: Xiqing
    tier: edge
    pue: 1.50
    green_share: 0.10
    prices:
      cpu_core_hour: 0.08
      memory_gib_hour: 0.01
      device_hour: {gpu: 10.40, npu: 7.80, dcu: 5.20, dpu: 1.30}
      model_hour: {H100-SXM: 36.40, H800-SXM: 33.80, A100-80GB: 15.60, L40S: 11.70, H20: 13.00, A10: 5.20, T4: 3.25, V100-32GB: 6.50, Ascend-910B: 11.70, Ascend-310P: 2.60, Hygon-K100: 9.10, Hygon-Z100: 4.55, MLU370-X8: 6.50}
  - id: binhai-port-edge
    name: Tianjin Port Edge
    city: Tianjin
    district: Binhai New Area
    tier: edge
    pue: 1.50
    green_share: 0.10
    prices:
      cpu_core_hour: 0.08
      memory_gib_hour: 0.01
      device_hour: {gpu: 10.40, npu: 7.80, dcu: 5.20, dpu: 1.30}
      model_hour: {H100-SXM: 36.40, H800-SXM: 33.80, A100-80GB: 15.60, L40S: 11.70, H20: 13.00, A10: 5.20, T4: 3.25, V100-32GB: 6.50, Ascend-910B: 11.70, Ascend-310P: 2.60, Hygon-K100: 9.10, Hygon-Z100: 4.55, MLU370-X8: 6.50}
  - id: beijing-yizhuang
    name: Beijing Yizhuang Computing Centre
    city: Beijing
    district: Daxing (Yizhuang)
    tier: centre
    pue: 1.30
    green_share: 0.20
    prices:
      cpu_core_hour: 0.07
      memory_gib_hour: 0.01
      device_hour: {gpu: 9.20, npu: 6.90, dcu: 4.60, dpu: 1.15}
      model_hour: {H100-SXM: 32.20, H800-SXM: 29.90, A100-80GB: 13.80, L40S: 10.35, H20: 11.50, A10: 4.60, T4: 2.88, V100-32GB: 5.75, Ascend-910B: 10.35, Ascend-310P: 2.30, Hygon-K100: 8.05, Hygon-Z100: 4.02, MLU370-X8: 5.75}
  - id: beijing-haidian
    name: Beijing Haidian AI Park
    city: Beijing
    district: Haidian
    tier: park
    pue: 1.35
    green_share: 0.20
    prices:
      cpu_core_hour: 0.07
      memory_gib_hour: 0.01
      device_hour: {gpu: 9.60, npu: 7.20, dcu: 4.80, dpu: 1.20}
      model_hour: {H100-SXM: 33.60, H800-SXM: 31.20, A100-80GB: 14.40, L40S: 10.80, H20: 12.00, A10: 4.80, T4: 3.00, V100-32GB: 6.00, Ascend-910B: 10.80, Ascend-310P: 2.40, Hygon-K100: 8.40, Hygon-Z100: 4.20, MLU370-X8: 6.00}
  - id: zhangjiakou
    name: Zhangjiakou Green Data Centre
    city: Zhangjiakou
    district: Zhangbei
    tier: centre
    pue: 1.15
    green_share: 0.80
    prices:
      cpu_core_hour: 0.05
      memory_gib_hour: 0.01
      device_hour: {gpu: 6.40, npu: 4.80, dcu: 3.20, dpu: 0.80}
      model_hour: {H100-SXM: 22.40, H800-SXM: 20.80, A100-80GB: 9.60, L40S: 7.20, H20: 8.00, A10: 3.20, T4: 2.00, V100-32GB: 4.00, Ascend-910B: 7.20, Ascend-310P: 1.60, Hygon-K100: 5.60, Hygon-Z100: 2.80, MLU370-X8: 4.00}
  - id: langfang
    name: Langfang Cloud Park
    city: Langfang
    district: Guangyang
    tier: park
    pue: 1.25
    green_share: 0.30
    prices:
      cpu_core_hour: 0.05
      memory_gib_hour: 0.01
      device_hour: {gpu: 7.20, npu: 5.40, dcu: 3.60, dpu: 0.90}
      model_hour: {H100-SXM: 25.20, H800-SXM: 23.40, A100-80GB: 10.80, L40S: 8.10, H20: 9.00, A10: 3.60, T4: 2.25, V100-32GB: 4.50, Ascend-910B: 8.10, Ascend-310P: 1.80, Hygon-K100: 6.30, Hygon-Z100: 3.15, MLU370-X8: 4.50}
  - id: baoding
    name: Baoding Computing Park
    city: Baoding
    district: Lianchi
    tier: park
    pue: 1.30
    green_share: 0.25
    prices:
      cpu_core_hour: 0.05
      memory_gib_hour: 0.01
      device_hour: {gpu: 7.20, npu: 5.40, dcu: 3.60, dpu: 0.90}
      model_hour: {H100-SXM: 25.20, H800-SXM: 23.40, A100-80GB: 10.80, L40S: 8.10, H20: 9.00, A10: 3.60, T4: 2.25, V100-32GB: 4.50, Ascend-910B: 8.10, Ascend-310P: 1.80, Hygon-K100: 6.30, Hygon-Z100: 3.15, MLU370-X8: 4.50}
locations:
  - {id: tianjin-users, kind: access, city: Tianjin}
  - {id: xiqing-vehicles, kind: access, city: Tianjin}
  - {id: tianjin-port, kind: access, city: Tianjin}
  - {id: beijing-users, kind: access, city: Beijing}
  - {id: hebei-users, kind: access, city: Baoding}
links:
  - {a: binhai-hpc, b: binhai-ai, latency_us: 100}
  - {a: binhai-ai, b: binhai-port-edge, latency_us: 150}
  - {a: binhai-hpc, b: binhai-port-edge, latency_us: 200}
  - {a: binhai-ai, b: hebei-district-ai, latency_us: 350}
  - {a: binhai-ai, b: jinnan, latency_us: 350}
  - {a: binhai-ai, b: xiqing-edge, latency_us: 400}
  - {a: hebei-district-ai, b: wuqing, latency_us: 300}
  - {a: hebei-district-ai, b: xiqing-edge, latency_us: 200}
  - {a: hebei-district-ai, b: jinnan, latency_us: 200}
  - {a: jinnan, b: xiqing-edge, latency_us: 150}
  - {a: wuqing, b: xiqing-edge, latency_us: 350}
  - {a: tianjin-users, b: hebei-district-ai, latency_us: 100}
  - {a: xiqing-vehicles, b: xiqing-edge, latency_us: 80}
  - {a: tianjin-port, b: binhai-port-edge, latency_us: 60}
  - {a: wuqing, b: langfang, latency_us: 300}
  - {a: langfang, b: beijing-yizhuang, latency_us: 300}
  - {a: beijing-yizhuang, b: beijing-haidian, latency_us: 200}
  - {a: beijing-users, b: beijing-haidian, latency_us: 100}
  - {a: beijing-users, b: beijing-yizhuang, latency_us: 100}
  - {a: beijing-haidian, b: zhangjiakou, latency_us: 900}
  - {a: beijing-yizhuang, b: baoding, latency_us: 800}
  - {a: langfang, b: baoding, latency_us: 700}
  - {a: binhai-ai, b: beijing-yizhuang, latency_us: 800}
  - {a: hebei-district-ai, b: beijing-yizhuang, latency_us: 700}
  - {a: hebei-users, b: baoding, latency_us: 100}
rings:
  - {name: tianjin-metro, bound_us: 1000, members: [binhai-hpc, binhai-ai, wuqing, hebei-district-ai, jinnan, xiqing-edge, binhai-port-edge, tianjin-users, xiqing-vehicles, tianjin-port]}
  - {name: jingjinji, bound_us: 2000, members: [binhai-ai, hebei-district-ai, wuqing, beijing-yizhuang, beijing-haidian, zhangjiakou, langfang, baoding, beijing-users, tianjin-users]}
node_groups:
  - name: hpc-cpu
    site: binhai-hpc
    count: 1300
    cpu: {model: Hygon-7285, sockets: 2, cores: 64}
    memory_gib: 256
    numa_nodes: 2
  - name: hpc-z100
    site: binhai-hpc
    count: 600
    cpu: {model: Hygon-7285, sockets: 2, cores: 64}
    memory_gib: 256
    accelerators: {model: Hygon-Z100, count: 4}
    numa_nodes: 2
  - name: hpc-k100
    site: binhai-hpc
    count: 300
    cpu: {model: Hygon-7285, sockets: 2, cores: 64}
    memory_gib: 512
    accelerators: {model: Hygon-K100, count: 8}
    numa_nodes: 2
  - name: bhai-910b
    site: binhai-ai
    count: 900
    cpu: {model: Kunpeng-920, sockets: 2, cores: 128}
    memory_gib: 1024
    accelerators: {model: Ascend-910B, count: 8}
    dpu: {model: Yusur-K2, count: 1}
    numa_nodes: 4
  - name: wq-cpu
    site: wuqing
    count: 1000
    cpu: {model: Phytium-S2500, sockets: 2, cores: 128}
    memory_gib: 512
    numa_nodes: 2
  - name: wq-a10
    site: wuqing
    count: 300
    cpu: {model: Xeon-8480+, sockets: 2, cores: 112}
    memory_gib: 512
    accelerators: {model: A10, count: 2}
    numa_nodes: 2
  - name: hd-mlu
    site: hebei-district-ai
    count: 300
    cpu: {model: Hygon-7285, sockets: 2, cores: 64}
    memory_gib: 512
    accelerators: {model: MLU370-X8, count: 8}
    numa_nodes: 2
  - name: hd-910b
    site: hebei-district-ai
    count: 300
    cpu: {model: Kunpeng-920, sockets: 2, cores: 128}
    memory_gib: 1024
    accelerators: {model: Ascend-910B, count: 8}
    dpu: {model: Yusur-K2, count: 1}
    numa_nodes: 4
  - name: jn-l40s
    site: jinnan
    count: 300
    cpu: {model: Xeon-8480+, sockets: 2, cores: 112}
    memory_gib: 1024
    accelerators: {model: L40S, count: 8}
    numa_nodes: 2
  - name: jn-h20
    site: jinnan
    count: 200
    cpu: {model: Xeon-8480+, sockets: 2, cores: 112}
    memory_gib: 2048
    accelerators: {model: H20, count: 8}
    dpu: {model: BlueField-3, count: 1}
    numa_nodes: 2
  - name: jn-cpu
    site: jinnan
    count: 400
    cpu: {model: EPYC-9654, sockets: 2, cores: 192}
    memory_gib: 768
    numa_nodes: 2
  - name: xq-t4
    site: xiqing-edge
    count: 40
    cpu: {model: Xeon-8480+, sockets: 1, cores: 56}
    memory_gib: 256
    accelerators: {model: T4, count: 4}
    numa_nodes: 1
  - name: xq-310p
    site: xiqing-edge
    count: 40
    cpu: {model: Kunpeng-920, sockets: 1, cores: 64}
    memory_gib: 256
    accelerators: {model: Ascend-310P, count: 4}
    numa_nodes: 1
  - name: port-310p
    site: binhai-port-edge
    count: 30
    cpu: {model: Kunpeng-920, sockets: 1, cores: 64}
    memory_gib: 256
    accelerators: {model: Ascend-310P, count: 2}
    numa_nodes: 1
  - name: port-t4
    site: binhai-port-edge
    count: 20
    cpu: {model: Xeon-8480+, sockets: 1, cores: 56}
    memory_gib: 256
    accelerators: {model: T4, count: 2}
    numa_nodes: 1
  - name: yz-h800
    site: beijing-yizhuang
    count: 150
    cpu: {model: Xeon-8480+, sockets: 2, cores: 112}
    memory_gib: 2048
    accelerators: {model: H800-SXM, count: 8}
    dpu: {model: BlueField-3, count: 1}
    numa_nodes: 2
  - name: yz-a100
    site: beijing-yizhuang
    count: 250
    cpu: {model: Xeon-8480+, sockets: 2, cores: 112}
    memory_gib: 1024
    accelerators: {model: A100-80GB, count: 8}
    numa_nodes: 2
  - name: yz-cpu
    site: beijing-yizhuang
    count: 600
    cpu: {model: Xeon-8480+, sockets: 2, cores: 112}
    memory_gib: 512
    numa_nodes: 2
  - name: hdn-h100
    site: beijing-haidian
    count: 60
    cpu: {model: Xeon-8480+, sockets: 2, cores: 112}
    memory_gib: 2048
    accelerators: {model: H100-SXM, count: 8}
    dpu: {model: BlueField-3, count: 1}
    numa_nodes: 2
  - name: hdn-v100
    site: beijing-haidian
    count: 150
    cpu: {model: Xeon-8480+, sockets: 2, cores: 56}
    memory_gib: 768
    accelerators: {model: V100-32GB, count: 8}
    numa_nodes: 2
  - name: zjk-910b
    site: zhangjiakou
    count: 1000
    cpu: {model: Kunpeng-920, sockets: 2, cores: 128}
    memory_gib: 1024
    accelerators: {model: Ascend-910B, count: 8}
    dpu: {model: Yusur-K2, count: 1}
    numa_nodes: 4
  - name: zjk-k100
    site: zhangjiakou
    count: 200
    cpu: {model: Hygon-7285, sockets: 2, cores: 64}
    memory_gib: 512
    accelerators: {model: Hygon-K100, count: 8}
    numa_nodes: 2
  - name: zjk-cpu
    site: zhangjiakou
    count: 800
    cpu: {model: Kunpeng-920, sockets: 2, cores: 128}
    memory_gib: 512
    numa_nodes: 2
  - name: lf-cpu
    site: langfang
    count: 600
    cpu: {model: Hygon-7285, sockets: 2, cores: 64}
    memory_gib: 256
    numa_nodes: 2
  - name: lf-a10
    site: langfang
    count: 200
    cpu: {model: Xeon-8480+, sockets: 2, cores: 112}
    memory_gib: 512
    accelerators: {model: A10, count: 4}
    numa_nodes: 2
  - name: bd-310p
    site: baoding
    count: 200
    cpu: {model: Kunpeng-920, sockets: 2, cores: 128}
    memory_gib: 512
    accelerators: {model: Ascend-310P, count: 4}
    numa_nodes: 2
  - name: bd-z100
    site: baoding
    count: 150
    cpu: {model: Hygon-7285, sockets: 2, cores: 64}
    memory_gib: 256
    accelerators: {model: Hygon-Z100, count: 4}
    numa_nodes: 2
"""

  /// The embedded Jing-Jin-Ji reference cluster, parsed from `referenceYAML`.
  public static func reference() throws(SpecErrors) -> Cluster {
    try ClusterSpec.parse(yaml: referenceYAML, file: "<reference>")
  }
}
