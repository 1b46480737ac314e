/**
 * The glossary: one entry per term lessons link to as `/glossary#<id>`.
 * A typed list rather than MDX so the content tests can check every lesson link
 * against these ids without compiling anything, and so each term names the lesson that teaches it.
 */
export interface GlossaryTerm {
  /** The anchor: lessons link to `/glossary#<id>`; lowercase words joined by hyphens. */
  id: string;
  /** How the term is written in prose. */
  term: string;
  /** Plain-words definition; a sentence or three. */
  definition: string;
  /** Slugs of the lessons that teach it, the main one first. */
  lessons: string[];
  /** Other glossary ids worth reading next. */
  related?: string[];
}

export const GLOSSARY: readonly GlossaryTerm[] = [
  {
    id: "latency",
    term: "Latency",
    definition:
      "How long one request takes, from the moment it is sent to the moment its answer is back. It belongs to a single request, so a server has many latencies, one per request, and describing them takes a distribution rather than one number.",
    lessons: ["latency-vs-throughput", "latency-is-a-distribution"],
    related: ["throughput", "percentile"],
  },
  {
    id: "throughput",
    term: "Throughput",
    definition:
      "How much work finishes per second: requests, inferences or items. It describes the server as a whole, not any one request. Raising it (with bigger batches or more requests in flight) often makes each request wait longer.",
    lessons: ["latency-vs-throughput", "batching"],
    related: ["latency", "littles-law"],
  },
  {
    id: "percentile",
    term: "Percentile",
    definition:
      "The value below which a given share of the measurements fall. The 90th percentile (p90) of a latency sample is the time that 90% of requests beat. With few samples a percentile lies between two measured values; this lab interpolates linearly between the two nearest ones.",
    lessons: ["latency-is-a-distribution"],
    related: ["p50", "p99"],
  },
  {
    id: "p50",
    term: "p50 (median)",
    definition:
      "The 50th percentile: half of the requests were faster, half slower. It describes a typical request and says nothing about the slow ones, which is why it is never reported alone.",
    lessons: ["latency-is-a-distribution"],
    related: ["p99", "percentile"],
  },
  {
    id: "p99",
    term: "p99 (tail latency)",
    definition:
      "The 99th percentile: one request in a hundred is slower than this. A page that fans out to many backend calls waits for the slowest of them, so users meet the tail far more often than one in a hundred. Estimating it needs many more samples than the median does.",
    lessons: ["latency-is-a-distribution", "serving-and-dynamic-batching"],
    related: ["p50", "confidence-interval"],
  },
  {
    id: "confidence-interval",
    term: "Confidence interval",
    definition:
      "A range that, over repeated experiments, would contain the true value most of the time (95% for the lab's intervals). The lab gives one for the median from the ordering of the samples. It covers the noise within one run only: a different machine, load or day can move the result outside it.",
    lessons: ["latency-is-a-distribution"],
    related: ["percentile"],
  },
  {
    id: "timer-resolution",
    term: "Timer resolution",
    definition:
      "The smallest step a clock can show. Browsers coarsen performance.now() on purpose, so an operation shorter than one step reads as zero or as one step. A single call faster than the timer is not measured at all; the lab then times many calls together and divides.",
    lessons: ["latency-is-a-distribution"],
    related: ["warm-up"],
  },
  {
    id: "cold-start",
    term: "Cold start",
    definition:
      "The first request to a model that has not run yet in this process: it pays for loading the file, building the session, compiling kernels and filling caches. It is real and users do feel it, but it is a different number from the time of a warmed-up call and must be reported separately.",
    lessons: ["latency-is-a-distribution", "choosing-hardware"],
    related: ["warm-up", "steady-state"],
  },
  {
    id: "warm-up",
    term: "Warm-up",
    definition:
      "Calls made and thrown away before timing starts, so that one-off costs (loading, compilation, cache filling, clock ramp-up) are out of the measurement. How many are needed is itself something to check, not assume.",
    lessons: ["latency-is-a-distribution"],
    related: ["cold-start", "steady-state"],
  },
  {
    id: "steady-state",
    term: "Steady state",
    definition:
      "The behaviour of a system after warm-up, when successive calls cost about the same and the numbers stop drifting. Calling a cold or still-drifting run steady state is one of the commonest benchmarking mistakes.",
    lessons: ["latency-is-a-distribution"],
    related: ["warm-up", "cold-start"],
  },
  {
    id: "closed-loop",
    term: "Closed-loop load",
    definition:
      "A load generator that sends the next request only after the previous one has answered. When the server slows down, it politely sends less, so the test never sees the queue that real users, who do not wait for each other, would build up.",
    lessons: ["latency-is-a-distribution", "latency-vs-throughput"],
    related: ["open-loop", "coordinated-omission"],
  },
  {
    id: "open-loop",
    term: "Open-loop load",
    definition:
      "A load generator that sends requests on its own schedule (often at random, Poisson-distributed moments at a set average rate) whether or not earlier ones have finished. It is how independent users behave, and it is the only way to see queueing delay and the latency a server gives at a given arrival rate.",
    lessons: ["latency-vs-throughput", "serving-and-dynamic-batching"],
    related: ["closed-loop", "coordinated-omission", "littles-law"],
  },
  {
    id: "coordinated-omission",
    term: "Coordinated omission",
    definition:
      "The error a closed-loop test makes: while the server is stalled, the tester stops sending, so the requests that would have waited are never sent and never counted. The reported tail then looks far better than what users would see.",
    lessons: ["latency-is-a-distribution"],
    related: ["closed-loop", "open-loop"],
  },
  {
    id: "littles-law",
    term: "Little's law",
    definition:
      "In any stable system, the average number of requests inside equals the rate at which they arrive times the average time each one spends inside (L = λ × W). It holds whatever the arrival pattern, so it lets you check a load test's numbers against each other.",
    lessons: ["latency-vs-throughput"],
    related: ["throughput", "latency", "open-loop"],
  },
  {
    id: "utilisation",
    term: "Utilisation",
    definition:
      "The share of time a device (or a server) is busy doing useful work. A device paid for by the hour costs the same when idle, so cost per inference grows as utilisation falls; and as utilisation nears 100%, queues and tail latency grow quickly.",
    lessons: ["cost-power-and-tco", "serving-and-dynamic-batching"],
    related: ["cost-per-million", "tco"],
  },
  {
    id: "batch",
    term: "Batch",
    definition:
      "Several inputs sent through the model in one call, stacked along the first dimension of the input tensor. The call's fixed costs and the reading of the weights are shared by every input in it; each input's own arithmetic is not.",
    lessons: ["batching"],
    related: ["knee", "dynamic-batching"],
  },
  {
    id: "knee",
    term: "Knee (of a batch sweep or a load curve)",
    definition:
      "The point on a curve after which pushing further buys little more throughput but costs a lot more latency. In a batch sweep it is the batch size where throughput flattens; in a load test, the arrival rate where latency starts to climb steeply.",
    lessons: ["batching", "latency-vs-throughput"],
    related: ["batch", "throughput"],
  },
  {
    id: "dynamic-batching",
    term: "Dynamic batching",
    definition:
      "A server-side queue that collects requests arriving close together and runs them as one batch: it waits until it has a maximum batch size or until a short deadline passes, whichever comes first. It trades a little waiting time per request for throughput, and only helps when a batch is cheaper per item than single calls.",
    lessons: ["serving-and-dynamic-batching"],
    related: ["batch", "open-loop", "p99"],
  },
  {
    id: "arithmetic-intensity",
    term: "Arithmetic intensity",
    definition:
      "Floating-point operations done per byte moved to or from memory. A matrix-vector product (batch 1) reads every weight once and uses it once: low intensity. A matrix-matrix product reuses each weight for every row of the batch: higher intensity.",
    lessons: ["cpu-or-gpu", "batching"],
    related: ["roofline", "memory-bound", "compute-bound"],
  },
  {
    id: "roofline",
    term: "Roofline",
    definition:
      "A chart of attainable speed (operations per second) against arithmetic intensity. Its sloped part is the memory bandwidth ceiling and its flat part the peak arithmetic rate; where a workload's intensity meets the lower of the two tells which one limits it.",
    lessons: ["cpu-or-gpu"],
    related: ["arithmetic-intensity", "memory-bound", "compute-bound"],
  },
  {
    id: "memory-bound",
    term: "Memory-bound",
    definition:
      "Limited by how fast data (usually the weights) can be read from memory, not by arithmetic. Making the arithmetic units faster does nothing; sharing each read across more inputs (batching) or reading fewer bytes (quantization) does.",
    lessons: ["cpu-or-gpu", "batching"],
    related: ["compute-bound", "overhead-bound", "roofline"],
  },
  {
    id: "compute-bound",
    term: "Compute-bound",
    definition:
      "Limited by how many arithmetic operations per second the hardware can do. This is the regime where a GPU's thousands of arithmetic units, or a CPU's wide vector units, pay off, and where a bigger batch no longer raises throughput per call.",
    lessons: ["cpu-or-gpu", "batching"],
    related: ["memory-bound", "roofline"],
  },
  {
    id: "overhead-bound",
    term: "Overhead-bound",
    definition:
      "Limited by fixed costs per call rather than by the model's work: the runtime's dispatch, kernel launches, copying tensors, a network round trip. Tiny models live here; a faster chip barely helps, while batching or calling less often does.",
    lessons: ["cpu-or-gpu", "batching"],
    related: ["memory-bound", "compute-bound"],
  },
  {
    id: "simd",
    term: "SIMD (vector instructions)",
    definition:
      "Single instruction, multiple data: one CPU instruction that does the same operation on several numbers at once (AVX2 and AVX-512 on x86, NEON on Arm). Together with many cores, it is why a modern CPU is far from a one-thing-at-a-time machine.",
    lessons: ["cpu-or-gpu"],
    related: ["compute-bound"],
  },
  {
    id: "execution-provider",
    term: "Execution provider",
    definition:
      "ONNX Runtime's name for a backend that runs a model's operators on particular hardware: CPU, CUDA, TensorRT, OpenVINO, CoreML, WebGPU and others. An operator the chosen provider cannot run falls back to the CPU provider, which can quietly cost copies and speed.",
    lessons: ["choosing-hardware", "quantization"],
    related: ["webgpu", "wasm", "cuda-visible-devices"],
  },
  {
    id: "webgpu",
    term: "WebGPU",
    definition:
      "The web's modern GPU programming interface, which lets a page run compute shaders on the visitor's graphics hardware. The lab's browser lane uses it when the browser offers an adapter; which adapter that is (a real GPU or a software one) has to be checked, not assumed.",
    lessons: ["choosing-hardware", "cpu-or-gpu"],
    related: ["wasm", "swiftshader", "execution-provider"],
  },
  {
    id: "wasm",
    term: "WASM (WebAssembly)",
    definition:
      "A compact binary format browsers run at near-native speed on the CPU, optionally with SIMD and several threads. In this lab a WASM run is a CPU run in the browser, never a GPU run.",
    lessons: ["choosing-hardware", "latency-is-a-distribution"],
    related: ["webgpu", "simd"],
  },
  {
    id: "swiftshader",
    term: "SwiftShader",
    definition:
      "A GPU implemented in software: it answers Vulkan (and so WebGPU) calls by running the shaders on the CPU. It makes GPU code run on machines without a GPU, but its timings are CPU timings in disguise and say nothing about real GPU speed.",
    lessons: ["choosing-hardware", "cpu-or-gpu"],
    related: ["webgpu", "execution-provider"],
  },
  {
    id: "cuda-visible-devices",
    term: "CUDA_VISIBLE_DEVICES",
    definition:
      "An environment variable that decides which NVIDIA GPUs a process may see, and in what order. A list of indices such as 0 or 1,0 exposes only those GPUs (renumbered from 0); an empty value or -1 hides every GPU, so CUDA code falls back or fails. It does not accept a word like all.",
    lessons: ["choosing-hardware"],
    related: ["execution-provider"],
  },
  {
    id: "quantization",
    term: "Quantization",
    definition:
      "Storing a model's numbers (weights, and sometimes activations) in fewer bits than 32-bit floating point, as small integers with a scale. It shrinks the file and the bytes each call reads; whether it also speeds the model up, and whether the answers stay right, depends on the model, the method and the hardware.",
    lessons: ["quantization"],
    related: ["int8", "calibration"],
  },
  {
    id: "int8",
    term: "int8",
    definition:
      "8-bit integers: a quarter of the bytes of fp32. Weight-only int8 converts weights back to floats before multiplying; dynamic and static int8 also do the multiplication in integers, which is fast only on hardware and execution providers that have integer kernels for it.",
    lessons: ["quantization"],
    related: ["quantization", "calibration"],
  },
  {
    id: "calibration",
    term: "Calibration",
    definition:
      "Running a few representative inputs through a model before static quantization to record the range each activation takes, so the integer scales fit real data. Calibrating on data unlike production inputs gives scales that clip or waste range.",
    lessons: ["quantization"],
    related: ["int8", "quantization"],
  },
  {
    id: "cost-per-million",
    term: "Cost per million inferences",
    definition:
      "The price of running a device for an hour divided by the inferences it completes in that hour, scaled to a million. It depends as much on measured throughput and utilisation as on the hourly price, which is why a dearer device can be cheaper per inference.",
    lessons: ["cost-power-and-tco"],
    related: ["tco", "utilisation"],
  },
  {
    id: "tco",
    term: "TCO (total cost of ownership)",
    definition:
      "Everything a machine costs over its life, not just its purchase or hourly price: power and cooling, space, networking, software licences, staff time, spare capacity for peaks and failures.",
    lessons: ["cost-power-and-tco"],
    related: ["cost-per-million", "utilisation"],
  },
  {
    id: "hybrid-routing",
    term: "Hybrid routing",
    definition:
      "Serving one model from both CPUs and GPUs and choosing per request (or per batch) where it runs, by size, latency budget or queue length. Not to be confused with the other meaning of hybrid, training on GPUs and serving on CPUs.",
    lessons: ["hybrid-cpu-gpu-serving"],
    related: ["dynamic-batching", "utilisation"],
  },
];

/** Every id, for link checks. */
export const GLOSSARY_IDS: ReadonlySet<string> = new Set(GLOSSARY.map((entry) => entry.id));
