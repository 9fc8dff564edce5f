// Implementation of the teaching pieces (see teaching_api.h).
#include "teaching_api.h"

#include <cmath>
#include <vector>

#include "introspect/graph.h"
#include "js_interop.h"

namespace wg::api {

std::string worked_example(const std::string& name, const val& inputs) {
  return guarded([&] { return json::dump(to_json(worked_example_graph(name, floats_from_js(inputs, name.c_str())))); });
}

val worked_example_names() {
  return guarded([] {
    val out = val::array();
    for (const std::string& n : wg::worked_example_names()) out.call<void>("push", n);
    return out;
  });
}

PerceptronHandle PerceptronHandle::create(int features, double learning_rate) {
  return guarded([&] { return PerceptronHandle(Perceptron(features, static_cast<float>(learning_rate))); });
}

int PerceptronHandle::predict(const val& x) const {
  return guarded([&] {
    const std::vector<float> v = floats_from_js(x, "Perceptron.predict");
    WG_CHECK(v.size() == perceptron_.weights.size(), "Perceptron.predict: ", v.size(), " inputs for ",
             perceptron_.weights.size(), " weights");
    return perceptron_.predict(v.data());
  });
}

bool PerceptronHandle::learn(const val& x, int label) {
  return guarded([&] {
    const std::vector<float> v = floats_from_js(x, "Perceptron.learn");
    WG_CHECK(v.size() == perceptron_.weights.size(), "Perceptron.learn: ", v.size(), " inputs for ",
             perceptron_.weights.size(), " weights");
    return perceptron_.learn(v.data(), label);
  });
}

val PerceptronHandle::weights() const {
  return guarded([&] {
    return val(emscripten::typed_memory_view(perceptron_.weights.size(), perceptron_.weights.data())).call<val>("slice");
  });
}

void PerceptronHandle::set_weights(const val& weights, double bias) {
  guarded([&] {
    const std::vector<float> w = floats_from_js(weights, "Perceptron.setWeights");
    WG_CHECK(w.size() == perceptron_.weights.size(), "Perceptron.setWeights: ", w.size(), " weights for ",
             perceptron_.weights.size(), " inputs");
    WG_CHECK(std::isfinite(bias), "Perceptron.setWeights: bias must be a finite number");
    perceptron_.weights = w;
    perceptron_.bias = static_cast<float>(bias);
  });
}

}  // namespace wg::api
