// The Embind declaration list: which C++ names JavaScript sees. No logic here; the
// facade (engine_api.h) does conversions and errors, bindings/wasmgrad.js the ergonomics.
#include <emscripten/bind.h>

#include "engine_api.h"
#include "introspect_api.h"
#include "model_api.h"

using namespace emscripten;
using namespace wg::api;

EMSCRIPTEN_BINDINGS(wasmgrad) {
  value_object<BuildInfo>("BuildInfo")
      .field("build", &BuildInfo::build)
      .field("simdArch", &BuildInfo::simd_arch)
      .field("threadsSupported", &BuildInfo::threads_supported)
      .field("maxThreads", &BuildInfo::max_threads)
      .field("numThreads", &BuildInfo::num_threads);
  value_object<MemoryStats>("MemoryStats")
      .field("liveBytes", &MemoryStats::live_bytes)
      .field("cachedBytes", &MemoryStats::cached_bytes)
      .field("systemAllocations", &MemoryStats::system_allocations)
      .field("mallocBytes", &MemoryStats::malloc_bytes)
      .field("heapTopBytes", &MemoryStats::heap_top_bytes);

  function("buildInfo", &build_info);
  function("numThreads", &num_threads);
  function("setNumThreads", &set_num_threads);
  function("memoryStats", &memory_stats);
  function("trimMemory", &trim_memory);

  class_<TensorHandle>("Tensor")
      .class_function("fromArray", &TensorHandle::from_array)
      .class_function("zeros", &TensorHandle::zeros)
      .function("shape", &TensorHandle::shape)
      .function("size", &TensorHandle::size)
      .function("toArray", &TensorHandle::to_array)
      .function("view", &TensorHandle::view);

  class_<DatasetHandle>("Dataset")
      .constructor<>()
      .class_function("fromIdx", &DatasetHandle::from_idx)
      .class_function("toy", &DatasetHandle::toy)
      .class_function("fromArrays", &DatasetHandle::from_arrays)
      .class_function("toyNames", &DatasetHandle::toy_names)
      .function("name", &DatasetHandle::name)
      .function("size", &DatasetHandle::size)
      .function("numClasses", &DatasetHandle::num_classes)
      .function("sampleShape", &DatasetHandle::sample_shape)
      .function("classNames", &DatasetHandle::class_names)
      .function("inputs", &DatasetHandle::inputs)
      .function("labels", &DatasetHandle::labels)
      .function("targets", &DatasetHandle::targets)
      .function("classCounts", &DatasetHandle::class_counts)
      .function("splitTrain", &DatasetHandle::split_train)
      .function("splitValidation", &DatasetHandle::split_validation)
      .function("subset", &DatasetHandle::subset);

  class_<ModelHandle>("Model")
      .class_function("create", &ModelHandle::create)
      .class_function("load", &ModelHandle::load)
      .class_function("presetSpec", &ModelHandle::preset_spec)
      .class_function("presetNames", &ModelHandle::preset_names)
      .function("spec", &ModelHandle::spec)
      .function("summary", &ModelHandle::summary)
      .function("totalParameters", &ModelHandle::total_parameters)
      .function("inputShape", &ModelHandle::input_shape)
      .function("outputShape", &ModelHandle::output_shape)
      .function("outputs", &ModelHandle::outputs)
      .function("predict", &ModelHandle::predict)
      .function("reinitialize", &ModelHandle::reinitialize)
      .function("parameters", &ModelHandle::parameters)
      .function("save", &ModelHandle::save)
      .function("metadata", &ModelHandle::metadata)
      .function("hasOptimizerState", &ModelHandle::has_optimizer_state);

  class_<TrainerHandle>("Trainer")
      .class_function("create", &TrainerHandle::create)
      .function("setData", &TrainerHandle::set_data)
      .function("runBatches", &TrainerHandle::run_batches)
      .function("trainOnBatch", &TrainerHandle::train_on_batch)
      .function("trainEpoch", &TrainerHandle::train_epoch)
      .function("evaluate", &TrainerHandle::evaluate)
      .function("setLearningRate", &TrainerHandle::set_learning_rate)
      .function("learningRate", &TrainerHandle::learning_rate)
      .function("epoch", &TrainerHandle::epoch)
      .function("finished", &TrainerHandle::finished)
      .function("config", &TrainerHandle::config)
      .function("save", &TrainerHandle::save)
      .function("restoreOptimizerState", &TrainerHandle::restore_optimizer_state);

  function("layerActivations", &layer_activations);
  function("layerFilters", &layer_filters);
  function("saliencyMap", &saliency_map);
  function("effectiveReceptiveField", &effective_receptive_field);
  function("theoreticalReceptiveField", &theoretical_receptive_field);
  function("classImage", &class_image);
  function("deepDream", &deep_dream);
  function("parameterHistograms", &parameter_histograms);
  function("lossGraph", &loss_graph);
  function("workedExample", &worked_example);
  function("workedExampleNames", &worked_example_names);

  // ---- inside one unit (introspect/explain_unit.h, introspect/network_flow.h): the fixed-shape
  // records of an explanation as value objects; the kind-dependent rest is built in introspect_api.cpp.
  value_object<wg::UnitIndex>("UnitIndex")
      .field("layer", &wg::UnitIndex::layer)
      .field("channel", &wg::UnitIndex::channel)
      .field("row", &wg::UnitIndex::row)
      .field("col", &wg::UnitIndex::col);
  value_object<wg::PixelRect>("PixelRect")
      .field("top", &wg::PixelRect::top)
      .field("left", &wg::PixelRect::left)
      .field("height", &wg::PixelRect::height)
      .field("width", &wg::PixelRect::width);
  value_object<wg::TheoreticalField>("ReceptiveField")
      .field("full", &wg::TheoreticalField::full)
      .field("clipped", &wg::TheoreticalField::clipped);
  value_object<wg::NextActivation>("NextActivation")
      .field("layer", &wg::NextActivation::layer)
      .field("name", &wg::NextActivation::name)
      .field("type", &wg::NextActivation::type)
      .field("slope", &wg::NextActivation::slope)
      .field("input", &wg::NextActivation::input)
      .field("result", &wg::NextActivation::result)
      .field("value", &wg::NextActivation::value);
  value_object<wg::Contribution>("Contribution")
      .field("input", &wg::Contribution::input)
      .field("channel", &wg::Contribution::channel)
      .field("row", &wg::Contribution::row)
      .field("col", &wg::Contribution::col)
      .field("inputValue", &wg::Contribution::input_value)
      .field("weight", &wg::Contribution::weight)
      .field("product", &wg::Contribution::product);
  value_object<wg::NormExplanation>("NormSteps")
      .field("input", &wg::NormExplanation::input)
      .field("mean", &wg::NormExplanation::mean)
      .field("variance", &wg::NormExplanation::variance)
      .field("eps", &wg::NormExplanation::eps)
      .field("count", &wg::NormExplanation::count)
      .field("std", &wg::NormExplanation::std_dev)
      .field("normalized", &wg::NormExplanation::normalized)
      .field("affine", &wg::NormExplanation::affine)
      .field("gamma", &wg::NormExplanation::gamma)
      .field("beta", &wg::NormExplanation::beta);
  function("explainUnit", &explain_unit);
  function("networkFlow", &network_flow);

  class_<PerceptronHandle>("Perceptron")
      .class_function("create", &PerceptronHandle::create)
      .function("predict", &PerceptronHandle::predict)
      .function("learn", &PerceptronHandle::learn)
      .function("weights", &PerceptronHandle::weights)
      .function("bias", &PerceptronHandle::bias)
      .function("setWeights", &PerceptronHandle::set_weights);
}
