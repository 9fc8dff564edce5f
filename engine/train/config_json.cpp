#include "train/config_json.h"

#include <cmath>
#include <limits>
#include <vector>

#include "core/error.h"
#include "util/json.h"

namespace wg {

namespace {

// Reads one JSON object's fields, refusing keys it was not told about.
class ObjectReader {
 public:
  ObjectReader(const json::Value& object, std::string where, std::vector<std::string> allowed)
      : object_(object), where_(std::move(where)) {
    WG_CHECK(object.is_object(), where_, " must be a JSON object, got ", json::type_name(object.type()));
    for (const json::Member& m : object.members()) {
      bool known = false;
      for (const std::string& a : allowed) known = known || a == m.first;
      if (!known) {
        std::string valid;
        for (const std::string& a : allowed) valid += (valid.empty() ? "" : ", ") + a;
        fail(where_, ": unknown key \"", m.first, "\" (valid keys: ", valid, ")");
      }
    }
  }

  double number(const char* key, double fallback, double min, double max) const {
    const json::Value* v = object_.find(key);
    if (v == nullptr) return fallback;
    WG_CHECK(v->is_number(), where_, ": \"", key, "\" must be a number, got ", json::type_name(v->type()));
    const double x = v->as_number();
    WG_CHECK(std::isfinite(x) && x >= min && x <= max, where_, ": \"", key, "\" must be in [", min, ", ", max,
             "], got ", x);
    return x;
  }
  int integer(const char* key, int fallback, int min, int max) const {
    const double x = number(key, fallback, min, max);
    WG_CHECK(x == std::floor(x), where_, ": \"", key, "\" must be a whole number, got ", x);
    return static_cast<int>(x);
  }
  bool boolean(const char* key, bool fallback) const {
    const json::Value* v = object_.find(key);
    if (v == nullptr) return fallback;
    WG_CHECK(v->is_bool(), where_, ": \"", key, "\" must be true or false, got ", json::type_name(v->type()));
    return v->as_bool();
  }
  std::string string(const char* key, const std::string& fallback) const {
    const json::Value* v = object_.find(key);
    if (v == nullptr) return fallback;
    WG_CHECK(v->is_string(), where_, ": \"", key, "\" must be a string, got ", json::type_name(v->type()));
    return v->as_string();
  }
  const json::Value* find(const char* key) const { return object_.find(key); }

 private:
  const json::Value& object_;
  std::string where_;
};

constexpr double kBig = 1e9;

}  // namespace

TrainConfig train_config_from_json(const std::string& json_text) {
  json::ParseOptions options;
  options.what = "training settings JSON";
  const json::Value root = json::parse(json_text, options);
  ObjectReader r(root, "training settings",
                 {"optimizer", "learningRate", "momentum", "nesterov", "beta1", "beta2", "eps", "alpha",
                  "weightDecay", "clipGradNorm", "clipGradValue", "schedule", "loss", "batchSize", "epochs",
                  "seed", "augment", "l1", "l2", "earlyStoppingPatience", "layerLearningRates"});
  TrainConfig c;
  OptimizerConfig& o = c.optimizer;
  o.type = r.string("optimizer", o.type);
  o.learning_rate = static_cast<float>(r.number("learningRate", o.learning_rate, 0, 1e3));
  o.momentum = static_cast<float>(r.number("momentum", o.momentum, 0, 1));
  o.nesterov = r.boolean("nesterov", o.nesterov);
  o.beta1 = static_cast<float>(r.number("beta1", o.beta1, 0, 1));
  o.beta2 = static_cast<float>(r.number("beta2", o.beta2, 0, 1));
  o.eps = static_cast<float>(r.number("eps", o.eps, 0, 1));
  o.alpha = static_cast<float>(r.number("alpha", o.alpha, 0, 1));
  o.weight_decay = static_cast<float>(r.number("weightDecay", o.weight_decay, 0, kBig));
  o.clip_grad_norm = static_cast<float>(r.number("clipGradNorm", o.clip_grad_norm, 0, kBig));
  o.clip_grad_value = static_cast<float>(r.number("clipGradValue", o.clip_grad_value, 0, kBig));
  if (const json::Value* s = r.find("schedule")) {
    ObjectReader sr(*s, "training settings: schedule",
                    {"type", "stepSize", "gamma", "totalEpochs", "minLr", "warmupEpochs"});
    ScheduleConfig& sc = c.schedule;
    sc.type = sr.string("type", sc.type);
    sc.step_size = sr.integer("stepSize", sc.step_size, 1, 1000000);
    sc.gamma = static_cast<float>(sr.number("gamma", sc.gamma, 0, 1e3));
    sc.total_epochs = sr.integer("totalEpochs", sc.total_epochs, 1, 1000000);
    sc.min_lr = static_cast<float>(sr.number("minLr", sc.min_lr, 0, 1e3));
    sc.warmup_epochs = sr.integer("warmupEpochs", sc.warmup_epochs, 0, 1000000);
    validate_schedule(sc);
  }
  c.loss = r.string("loss", c.loss);
  c.batch_size = r.integer("batchSize", c.batch_size, 1, 65536);
  c.epochs = r.integer("epochs", c.epochs, 1, 100000);
  c.seed = static_cast<std::uint64_t>(r.number("seed", static_cast<double>(c.seed), 0, 9007199254740991.0));
  if (const json::Value* a = r.find("augment")) {
    ObjectReader ar(*a, "training settings: augment", {"maxShift", "maxRotation", "noise"});
    c.augment.max_shift = ar.integer("maxShift", c.augment.max_shift, 0, 64);
    c.augment.max_rotation_degrees = static_cast<float>(ar.number("maxRotation", c.augment.max_rotation_degrees, 0, 180));
    c.augment.noise_std = static_cast<float>(ar.number("noise", c.augment.noise_std, 0, 1));
  }
  c.l1 = static_cast<float>(r.number("l1", c.l1, 0, kBig));
  c.l2 = static_cast<float>(r.number("l2", c.l2, 0, kBig));
  c.early_stopping_patience = r.integer("earlyStoppingPatience", c.early_stopping_patience, 0, 100000);
  if (const json::Value* m = r.find("layerLearningRates")) {
    WG_CHECK(m->is_object(), "training settings: \"layerLearningRates\" must be an object like {\"conv1\": 0.5}");
    for (const json::Member& entry : m->members()) {
      WG_CHECK(entry.second.is_number(), "training settings: layerLearningRates.", entry.first, " must be a number");
      c.layer_lr_multipliers[entry.first] = static_cast<float>(entry.second.as_number());
    }
  }
  validate(c);
  return c;
}

std::string train_config_to_json(const TrainConfig& c) {
  const OptimizerConfig& o = c.optimizer;
  json::Value layer_rates = json::Value::object();
  for (const auto& [layer, m] : c.layer_lr_multipliers) layer_rates.set(layer, json::Value(static_cast<double>(m)));
  json::Value root = json::Value::object({
      {"optimizer", o.type},
      {"learningRate", static_cast<double>(o.learning_rate)},
      {"momentum", static_cast<double>(o.momentum)},
      {"nesterov", o.nesterov},
      {"beta1", static_cast<double>(o.beta1)},
      {"beta2", static_cast<double>(o.beta2)},
      {"eps", static_cast<double>(o.eps)},
      {"alpha", static_cast<double>(o.alpha)},
      {"weightDecay", static_cast<double>(o.weight_decay)},
      {"clipGradNorm", static_cast<double>(o.clip_grad_norm)},
      {"clipGradValue", static_cast<double>(o.clip_grad_value)},
      {"schedule", json::Value::object({{"type", c.schedule.type},
                                        {"stepSize", c.schedule.step_size},
                                        {"gamma", static_cast<double>(c.schedule.gamma)},
                                        {"totalEpochs", c.schedule.total_epochs},
                                        {"minLr", static_cast<double>(c.schedule.min_lr)},
                                        {"warmupEpochs", c.schedule.warmup_epochs}})},
      {"loss", c.loss},
      {"batchSize", c.batch_size},
      {"epochs", c.epochs},
      {"seed", static_cast<double>(c.seed)},
      {"augment", json::Value::object({{"maxShift", c.augment.max_shift},
                                       {"maxRotation", static_cast<double>(c.augment.max_rotation_degrees)},
                                       {"noise", static_cast<double>(c.augment.noise_std)}})},
      {"l1", static_cast<double>(c.l1)},
      {"l2", static_cast<double>(c.l2)},
      {"earlyStoppingPatience", c.early_stopping_patience},
      {"layerLearningRates", layer_rates},
  });
  return json::dump(root);
}

}  // namespace wg
