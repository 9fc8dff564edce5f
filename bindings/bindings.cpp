// The Embind declaration list: which C++ names JavaScript sees. No logic here; the
// facade (engine_api.h) does conversions and errors, bindings/wasmgrad.js the ergonomics.
#include <emscripten/bind.h>

#include "engine_api.h"
#include "export_api.h"
#include "introspect_api.h"
#include "js_types.h"
#include "model_api.h"
#include "teaching_api.h"

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

  // Result objects (js_types.h), typed in wasmgrad.d.ts under the same names.
  value_object<JsEvaluation>("Evaluation")
      .field("loss", &JsEvaluation::loss)
      .field("accuracy", &JsEvaluation::accuracy)
      .field("samples", &JsEvaluation::samples)
      .field("classes", &JsEvaluation::classes)
      .field("confusion", &JsEvaluation::confusion);
  value_object<JsEpochResult>("EpochResult")
      .field("epoch", &JsEpochResult::epoch)
      .field("trainLoss", &JsEpochResult::trainLoss)
      .field("trainAccuracy", &JsEpochResult::trainAccuracy)
      .field("validation", &JsEpochResult::validation)
      .field("seconds", &JsEpochResult::seconds)
      .field("samplesPerSecond", &JsEpochResult::samplesPerSecond)
      .field("stop", &JsEpochResult::stop)
      .field("stopReason", &JsEpochResult::stopReason);
  value_object<JsProgress>("Progress")
      .field("epoch", &JsProgress::epoch)
      .field("batch", &JsProgress::batch)
      .field("batches", &JsProgress::batches)
      .field("loss", &JsProgress::loss)
      .field("accuracy", &JsProgress::accuracy)
      .field("stepBatches", &JsProgress::stepBatches)
      .field("stepLoss", &JsProgress::stepLoss)
      .field("stepAccuracy", &JsProgress::stepAccuracy)
      .field("lastBatchLoss", &JsProgress::lastBatchLoss)
      .field("learningRate", &JsProgress::learningRate)
      .field("gradNorm", &JsProgress::gradNorm)
      .field("samplesPerSecond", &JsProgress::samplesPerSecond)
      .field("epochDone", &JsProgress::epochDone)
      .field("epochEnd", &JsProgress::epochEnd)
      .field("diverged", &JsProgress::diverged)
      .field("message", &JsProgress::message);
  value_object<JsReceptiveField>("LayerReceptiveField")
      .field("size", &JsReceptiveField::size)
      .field("jump", &JsReceptiveField::jump)
      .field("start", &JsReceptiveField::start);
  value_object<JsLayerSummary>("LayerSummary")
      .field("name", &JsLayerSummary::name)
      .field("type", &JsLayerSummary::type)
      .field("outputShape", &JsLayerSummary::outputShape)
      .field("parameters", &JsLayerSummary::parameters)
      .field("multiplyAdds", &JsLayerSummary::multiplyAdds)
      .field("receptiveField", &JsLayerSummary::receptiveField)
      .field("detail", &JsLayerSummary::detail);
  value_object<JsHistogram>("Histogram")
      .field("layer", &JsHistogram::layer)
      .field("layerName", &JsHistogram::layerName)
      .field("name", &JsHistogram::name)
      .field("kind", &JsHistogram::kind)
      .field("min", &JsHistogram::min)
      .field("max", &JsHistogram::max)
      .field("counts", &JsHistogram::counts)
      .field("nanCount", &JsHistogram::nanCount)
      .field("infCount", &JsHistogram::infCount);
  value_object<wg::GradNorm>("GradNorm")
      .field("layer", &wg::GradNorm::layer)
      .field("layerName", &wg::GradNorm::layer_name)
      .field("name", &wg::GradNorm::name)
      .field("norm", &wg::GradNorm::norm);
  value_object<JsLayerField>("LayerField")
      .field("name", &JsLayerField::name)
      .field("kind", &JsLayerField::kind)
      .field("min", &JsLayerField::min)
      .field("max", &JsLayerField::max)
      .field("required", &JsLayerField::required)
      .field("defaultText", &JsLayerField::defaultText);
  value_object<JsLayerType>("LayerType")
      .field("type", &JsLayerType::type)
      .field("aliasOf", &JsLayerType::aliasOf)
      .field("needsImage", &JsLayerType::needsImage)
      .field("fields", &JsLayerType::fields);
  value_object<JsPreset>("Preset")
      .field("name", &JsPreset::name)
      .field("title", &JsPreset::title)
      .field("data", &JsPreset::data)
      .field("input", &JsPreset::input)
      .field("classes", &JsPreset::classes);
  value_object<JsTrainingCatalog>("TrainingCatalog")
      .field("optimizers", &JsTrainingCatalog::optimizers)
      .field("losses", &JsTrainingCatalog::losses)
      .field("schedules", &JsTrainingCatalog::schedules);

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
      .function("subset", &DatasetHandle::subset)
      .function("setClassNames", &DatasetHandle::set_class_names);

  class_<ModelHandle>("Model")
      .class_function("create", &ModelHandle::create)
      .class_function("load", &ModelHandle::load)
      .class_function("presetSpec", &ModelHandle::preset_spec)
      .class_function("presetNames", &ModelHandle::preset_names)
      .class_function("presets", &ModelHandle::presets)
      .class_function("layerTypes", &ModelHandle::layer_types)
      .class_function("describe", &ModelHandle::describe)
      .class_function("architectures", &ModelHandle::architectures)
      .function("spec", &ModelHandle::spec)
      .function("summary", &ModelHandle::summary)
      .function("checkData", &ModelHandle::check_data)
      .function("totalParameters", &ModelHandle::total_parameters)
      .function("inputShape", &ModelHandle::input_shape)
      .function("outputShape", &ModelHandle::output_shape)
      .function("outputs", &ModelHandle::outputs)
      .function("predict", &ModelHandle::predict)
      .function("classify", &ModelHandle::classify)
      .function("reinitialize", &ModelHandle::reinitialize)
      .function("parameters", &ModelHandle::parameters)
      .function("save", &ModelHandle::save)
      .function("metadata", &ModelHandle::metadata)
      .function("hasOptimizerState", &ModelHandle::has_optimizer_state);

  class_<TrainerHandle>("Trainer")
      .class_function("create", &TrainerHandle::create)
      .class_function("catalog", &TrainerHandle::catalog)
      .function("setData", &TrainerHandle::set_data)
      .function("step", &TrainerHandle::step)
      .function("trainOnBatch", &TrainerHandle::train_on_batch)
      .function("trainOnIndices", &TrainerHandle::train_on_indices)
      .function("trainEpoch", &TrainerHandle::train_epoch)
      .function("evaluate", &TrainerHandle::evaluate)
      .function("history", &TrainerHandle::history)
      .function("setLearningRate", &TrainerHandle::set_learning_rate)
      .function("learningRate", &TrainerHandle::learning_rate)
      .function("epoch", &TrainerHandle::epoch)
      .function("finished", &TrainerHandle::finished)
      .function("config", &TrainerHandle::config)
      .function("save", &TrainerHandle::save)
      .function("restoreOptimizerState", &TrainerHandle::restore_optimizer_state)
      .function("restoreProgress", &TrainerHandle::restore_progress);

  // ---- seeing inside the network (introspect_api.h): the records of introspect_types.h
  value_object<JsLayerActivation>("LayerActivation")
      .field("layer", &JsLayerActivation::layer)
      .field("name", &JsLayerActivation::name)
      .field("type", &JsLayerActivation::type)
      .field("shape", &JsLayerActivation::shape)
      .field("data", &JsLayerActivation::data);
  value_object<JsBlockPath>("BlockPath")
      .field("branch", &JsBlockPath::branch)
      .field("identity", &JsBlockPath::identity)
      .field("shape", &JsBlockPath::shape)
      .field("layers", &JsBlockPath::layers);
  value_object<JsLayerFilters>("LayerFilters")
      .field("shape", &JsLayerFilters::shape)
      .field("data", &JsLayerFilters::data)
      .field("layer", &JsLayerFilters::layer)
      .field("name", &JsLayerFilters::name)
      .field("type", &JsLayerFilters::type);
  value_object<JsSaliencyMap>("SaliencyMap")
      .field("shape", &JsSaliencyMap::shape)
      .field("data", &JsSaliencyMap::data)
      .field("classIndex", &JsSaliencyMap::classIndex)
      .field("score", &JsSaliencyMap::score);
  value_object<wg::PixelRect>("PixelRect")
      .field("top", &wg::PixelRect::top)
      .field("left", &wg::PixelRect::left)
      .field("height", &wg::PixelRect::height)
      .field("width", &wg::PixelRect::width);
  value_object<wg::TheoreticalField>("ReceptiveField")
      .field("full", &wg::TheoreticalField::full)
      .field("clipped", &wg::TheoreticalField::clipped);
  value_object<JsEffectiveField>("EffectiveField")
      .field("shape", &JsEffectiveField::shape)
      .field("data", &JsEffectiveField::data)
      .field("layer", &JsEffectiveField::layer)
      .field("channel", &JsEffectiveField::channel)
      .field("row", &JsEffectiveField::row)
      .field("col", &JsEffectiveField::col)
      .field("activation", &JsEffectiveField::activation)
      .field("theoretical", &JsEffectiveField::theoretical);
  value_object<JsAscent>("AscentResult")
      .field("shape", &JsAscent::shape)
      .field("data", &JsAscent::data)
      .field("scores", &JsAscent::scores)
      .field("objectives", &JsAscent::objectives);

  function("layerActivations", &layer_activations);
  function("blockActivations", &block_activations);
  function("layerFilters", &layer_filters);
  function("saliencyMap", &saliency_map);
  function("effectiveReceptiveField", &effective_receptive_field);
  function("theoreticalReceptiveField", &theoretical_receptive_field);
  function("classImage", &class_image);
  function("deepDream", &deep_dream);
  function("parameterHistograms", &parameter_histograms);
  function("parameterGradNorms", &parameter_grad_norms);
  function("lossGraph", &loss_graph);

  // ---- inside one unit (introspect/explain_unit.h, introspect/network_flow.h): an explanation is
  // the UnitExplanation record with its kind's steps record assigned onto it.
  value_object<wg::UnitIndex>("UnitIndex")
      .field("layer", &wg::UnitIndex::layer)
      .field("channel", &wg::UnitIndex::channel)
      .field("row", &wg::UnitIndex::row)
      .field("col", &wg::UnitIndex::col);
  value_object<wg::NextActivation>("NextActivation")
      .field("layer", &wg::NextActivation::layer)
      .field("name", &wg::NextActivation::name)
      .field("type", &wg::NextActivation::type)
      .field("slope", &wg::NextActivation::slope)
      .field("input", &wg::NextActivation::input)
      .field("result", &wg::NextActivation::result)
      .field("value", &wg::NextActivation::value);
  value_object<JsUnitExplanation>("UnitExplanation")
      .field("kind", &JsUnitExplanation::kind)
      .field("type", &JsUnitExplanation::type)
      .field("layer", &JsUnitExplanation::layer)
      .field("name", &JsUnitExplanation::name)
      .field("unit", &JsUnitExplanation::unit)
      .field("inputLayer", &JsUnitExplanation::inputLayer)
      .field("inputShape", &JsUnitExplanation::inputShape)
      .field("outputShape", &JsUnitExplanation::outputShape)
      .field("value", &JsUnitExplanation::value)
      .field("result", &JsUnitExplanation::result)
      .field("receptiveField", &JsUnitExplanation::receptiveField)
      .field("next", &JsUnitExplanation::next);
  value_object<JsInputWindow>("InputWindow")
      .field("top", &JsInputWindow::top)
      .field("left", &JsInputWindow::left)
      .field("rows", &JsInputWindow::rows)
      .field("cols", &JsInputWindow::cols)
      .field("step", &JsInputWindow::step)
      .field("stride", &JsInputWindow::stride)
      .field("pad", &JsInputWindow::pad)
      .field("padding", &JsInputWindow::padding);
  value_object<JsConvChannelTerm>("ConvChannelTerm")
      .field("channel", &JsConvChannelTerm::channel)
      .field("patch", &JsConvChannelTerm::patch)
      .field("weights", &JsConvChannelTerm::weights)
      .field("products", &JsConvChannelTerm::products)
      .field("sum", &JsConvChannelTerm::sum);
  value_object<JsConvSteps>("ConvSteps")
      .field("window", &JsConvSteps::window)
      .field("channels", &JsConvSteps::channels)
      .field("channelSum", &JsConvSteps::channelSum)
      .field("hasBias", &JsConvSteps::hasBias)
      .field("bias", &JsConvSteps::bias)
      .field("preActivation", &JsConvSteps::preActivation);
  value_object<JsPoolWinner>("PoolWinner")
      .field("tap", &JsPoolWinner::tap)
      .field("row", &JsPoolWinner::row)
      .field("col", &JsPoolWinner::col)
      .field("value", &JsPoolWinner::value);
  value_object<JsMaxPoolSteps>("MaxPoolSteps")
      .field("window", &JsMaxPoolSteps::window)
      .field("values", &JsMaxPoolSteps::values)
      .field("winner", &JsMaxPoolSteps::winner);
  value_object<JsAvgPoolSteps>("AvgPoolSteps")
      .field("window", &JsAvgPoolSteps::window)
      .field("values", &JsAvgPoolSteps::values)
      .field("sum", &JsAvgPoolSteps::sum)
      .field("divisor", &JsAvgPoolSteps::divisor);
  value_object<JsL2PoolSteps>("L2PoolSteps")
      .field("window", &JsL2PoolSteps::window)
      .field("values", &JsL2PoolSteps::values)
      .field("sumOfSquares", &JsL2PoolSteps::sumOfSquares);
  value_object<wg::Contribution>("Contribution")
      .field("input", &wg::Contribution::input)
      .field("channel", &wg::Contribution::channel)
      .field("row", &wg::Contribution::row)
      .field("col", &wg::Contribution::col)
      .field("inputValue", &wg::Contribution::input_value)
      .field("weight", &wg::Contribution::weight)
      .field("product", &wg::Contribution::product);
  value_object<JsRest>("Rest")
      .field("count", &JsRest::count)
      .field("sum", &JsRest::sum);
  value_object<JsLinearSteps>("LinearSteps")
      .field("inputs", &JsLinearSteps::inputs)
      .field("top", &JsLinearSteps::top)
      .field("rest", &JsLinearSteps::rest)
      .field("products", &JsLinearSteps::products)
      .field("productSum", &JsLinearSteps::productSum)
      .field("hasBias", &JsLinearSteps::hasBias)
      .field("bias", &JsLinearSteps::bias)
      .field("preActivation", &JsLinearSteps::preActivation);
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
  value_object<JsLcnSteps>("LcnSteps")
      .field("window", &JsLcnSteps::window)
      .field("inputChannels", &JsLcnSteps::inputChannels)
      .field("input", &JsLcnSteps::input)
      .field("localMean", &JsLcnSteps::localMean)
      .field("centered", &JsLcnSteps::centered)
      .field("localStd", &JsLcnSteps::localStd)
      .field("meanStd", &JsLcnSteps::meanStd)
      .field("eps", &JsLcnSteps::eps)
      .field("divisor", &JsLcnSteps::divisor)
      .field("divisorFrom", &JsLcnSteps::divisorFrom);
  value_object<JsDropoutSteps>("DropoutSteps")
      .field("input", &JsDropoutSteps::input)
      .field("rate", &JsDropoutSteps::rate);
  value_object<JsSlopeSteps>("ActivationSteps")
      .field("input", &JsSlopeSteps::input)
      .field("slope", &JsSlopeSteps::slope);
  value_object<JsFlattenSource>("FlattenSource")
      .field("channel", &JsFlattenSource::channel)
      .field("row", &JsFlattenSource::row)
      .field("col", &JsFlattenSource::col);
  value_object<JsFlattenSteps>("FlattenSteps")
      .field("input", &JsFlattenSteps::input)
      .field("source", &JsFlattenSteps::source);
  value_object<JsResidualSteps>("ResidualSteps")
      .field("layersTerm", &JsResidualSteps::layersTerm)
      .field("shortcutTerm", &JsResidualSteps::shortcutTerm)
      .field("identity", &JsResidualSteps::identity)
      .field("layersCount", &JsResidualSteps::layersCount)
      .field("shortcutCount", &JsResidualSteps::shortcutCount);
  value_object<JsConcatSteps>("ConcatSteps")
      .field("branch", &JsConcatSteps::branch)
      .field("channel", &JsConcatSteps::channel)
      .field("offset", &JsConcatSteps::offset)
      .field("branchChannels", &JsConcatSteps::branchChannels)
      .field("identity", &JsConcatSteps::identity)
      .field("layersCount", &JsConcatSteps::layersCount)
      .field("input", &JsConcatSteps::input);
  value_object<JsFlowEdges>("FlowEdges")
      .field("kind", &JsFlowEdges::kind)
      .field("possible", &JsFlowEdges::possible)
      .field("source", &JsFlowEdges::source)
      .field("target", &JsFlowEdges::target)
      .field("value", &JsFlowEdges::value);
  value_object<JsFlowColumn>("FlowColumn")
      .field("index", &JsFlowColumn::index)
      .field("layers", &JsFlowColumn::layers)
      .field("name", &JsFlowColumn::name)
      .field("type", &JsFlowColumn::type)
      .field("shape", &JsFlowColumn::shape)
      .field("nodes", &JsFlowColumn::nodes)
      .field("values", &JsFlowColumn::values)
      .field("maxima", &JsFlowColumn::maxima)
      .field("maps", &JsFlowColumn::maps)
      .field("incoming", &JsFlowColumn::incoming);
  value_object<JsNetworkFlow>("NetworkFlow")
      .field("columns", &JsNetworkFlow::columns);
  function("explainUnit", &explain_unit);
  function("networkFlow", &network_flow);

  // ---- the lectures' teaching pieces (teaching_api.h)
  function("workedExample", &worked_example);
  function("workedExampleNames", &worked_example_names);
  class_<PerceptronHandle>("Perceptron")
      .class_function("create", &PerceptronHandle::create)
      .function("predict", &PerceptronHandle::predict)
      .function("learn", &PerceptronHandle::learn)
      .function("weights", &PerceptronHandle::weights)
      .function("bias", &PerceptronHandle::bias)
      .function("setWeights", &PerceptronHandle::set_weights);

  // ---- models leaving the engine and coming back (export_api.h)
  function("modelTensors", &model_tensors);
  function("exportSafetensors", &export_safetensors);
  function("importSafetensors", &import_safetensors);
  function("normalizeTrainingSettings", &normalize_training_settings);
}
