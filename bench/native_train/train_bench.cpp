// Peer: wasmgrad native (xsimd on the host ISA) for bench/run.mjs, in a child process.
//
//   build/native/wasmgrad_train_bench <model: mlp|cnn|lenet> <threads> <data-dir> '<protocol JSON>'
//
// Repeats bench/lib/protocol.mjs step for step, like bench/peers/torch_bench.py: the same
// batches in file order (trainer.train_on_batch), warm-up, timed runs of B batches, then
// accuracy of a fresh model; prints "@@PARTIAL <json>" lines and "@@RESULT <json>" last.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/parallel.h"
#include "data/idx.h"
#include "nn/model.h"
#include "train/trainer.h"
#include "util/json.h"

namespace {

double now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

std::vector<std::uint8_t> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) wg::fail("cannot open ", path);
  return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(in), {});
}

wg::Dataset load_split(const std::string& dir, const std::string& kind) {
  auto images = read_bytes(dir + "/digits-" + kind + "-images-idx3-ubyte");
  auto labels = read_bytes(dir + "/digits-" + kind + "-labels-idx1-ubyte");
  return wg::from_idx(images.data(), images.size(), labels.data(), labels.size(), kind);
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

wg::json::Value numbers(const std::vector<double>& v) {
  wg::json::Value a = wg::json::Value::array();
  for (double x : v) a.push_back(x);
  return a;
}

}  // namespace

int main(int argc, char** argv) {
  using wg::json::Value;
  Value info = Value::object({{"framework", "wasmgrad native"}});
  try {
    if (argc < 4) wg::fail("usage: wasmgrad_train_bench <mlp|cnn|lenet> <threads> <data-dir> [protocol JSON]");
    const std::string model_name = argv[1];
    const int threads = std::stoi(argv[2]);
    const std::string dir = argv[3];
    const Value p = wg::json::parse(argc > 4 ? argv[4] : "{}");
    auto param = [&](const char* key, double fallback) {
      const Value* v = p.find(key);
      return v && v->is_number() ? v->as_number() : fallback;
    };
    const int bs = static_cast<int>(param("batchSize", 64));
    const float lr = static_cast<float>(param("learningRate", 1e-3));
    wg::set_num_threads(threads);
    info.set("framework", std::string("wasmgrad native ") + std::to_string(wg::num_threads()) + " thread" +
                              (wg::num_threads() > 1 ? "s" : ""));
    const std::string preset = model_name == "lenet" ? "lenet5" : model_name;

    const wg::Dataset train = load_split(dir, "train");
    const wg::Dataset test = load_split(dir, "test");
    const int per_epoch = train.size() / bs;
    const std::int64_t pixels = wg::shape_numel(train.sample_shape());
    int next = 0;

    struct Run {
      wg::Model model;
      wg::Trainer trainer;
      static wg::TrainConfig config(float lr) {
        wg::TrainConfig c;
        c.optimizer.learning_rate = lr;
        return c;
      }
      Run(const std::string& preset, float lr) : model(wg::preset_spec(preset)), trainer(model, config(lr)) {}
    };
    wg::Shape batch_shape = train.inputs.shape();
    batch_shape[0] = bs;
    auto step = [&](Run& run) {
      const int b = next++ % per_epoch;
      wg::Tensor inputs = wg::Tensor::empty(batch_shape);
      std::copy(train.inputs.data() + b * bs * pixels, train.inputs.data() + (b + 1) * bs * pixels, inputs.data());
      std::vector<int> labels(train.labels.begin() + b * bs, train.labels.begin() + (b + 1) * bs);
      run.trainer.train_on_batch(inputs, labels);
    };

    auto run = std::make_unique<Run>(preset, lr);
    // At least warmupBatches and warmupMinSeconds, at most warmupMaxSeconds (at least one batch);
    // `warmup` keeps the last kWarmupKept batches' times.
    constexpr std::size_t kWarmupKept = 10;
    std::vector<double> warmup;
    int warmup_batches = 0;
    const double start = now();
    for (;;) {
      const double elapsed = now() - start;
      const bool enough = warmup_batches >= param("warmupBatches", 5) && elapsed >= param("warmupMinSeconds", 3);
      if (warmup_batches > 0 && (enough || elapsed >= param("warmupMaxSeconds", 4))) break;
      const double t = now();
      step(*run);
      warmup.push_back(now() - t);
      if (warmup.size() > kWarmupKept) warmup.erase(warmup.begin());
      ++warmup_batches;
    }
    const double per_batch = median(std::vector<double>(warmup.end() - std::min<std::size_t>(3, warmup.size()), warmup.end()));
    const int b = std::max<int>(param("minBatchesPerRun", 1),
                                std::min<int>(param("maxBatchesPerRun", 400), std::lround(param("targetRunSeconds", 1) / per_batch)));
    const int runs = std::min<int>(param("runs", 5), std::max<int>(param("minRuns", 3), std::floor(param("timedMaxSeconds", 20) / (b * per_batch))));
    std::vector<double> sps;
    for (int r = 0; r < runs; ++r) {
      const double t = now();
      for (int i = 0; i < b; ++i) step(*run);
      sps.push_back(b * bs / (now() - t));
      Value partial = info;
      partial.set("batchSize", bs);
      partial.set("warmupSeconds", numbers(warmup));
      partial.set("samplesPerSecond", numbers(sps));
      partial.set("batchesPerRun", b);
      std::printf("@@PARTIAL %s\n", wg::json::dump(partial).c_str());
      std::fflush(stdout);
    }
    const double med = median(sps);

    const int affordable = static_cast<int>(std::floor(param("accuracyBudgetSeconds", 15) * med / bs));
    const int acc_batches = std::min(per_epoch, std::max<int>(param("minAccuracyBatches", 10), affordable));
    run = std::make_unique<Run>(preset, lr);
    next = 0;
    const double t = now();
    for (int i = 0; i < acc_batches; ++i) step(*run);
    const double acc_seconds = now() - t;
    const float accuracy = run->trainer.evaluate(test).accuracy;

    Value result = info;
    result.set("status", "ok");
    result.set("version", "native");
    result.set("samplesPerSecond", numbers(sps));
    result.set("median", med);
    result.set("min", *std::min_element(sps.begin(), sps.end()));
    result.set("max", *std::max_element(sps.begin(), sps.end()));
    result.set("batchSize", bs);
    result.set("warmupBatches", warmup_batches);
    result.set("warmupSeconds", numbers(warmup));
    result.set("batchesPerRun", b);
    result.set("runs", runs);
    result.set("accuracy", static_cast<double>(accuracy));
    result.set("accuracyBatches", acc_batches);
    result.set("epochBatches", per_epoch);
    result.set("accuracyTrainSeconds", acc_seconds);
    std::printf("@@RESULT %s\n", wg::json::dump(result).c_str());
    return 0;
  } catch (const std::exception& e) {
    Value result = info;
    result.set("status", "error");
    result.set("error", std::string(e.what()));
    std::printf("@@RESULT %s\n", wg::json::dump(result).c_str());
    return 1;
  }
}
