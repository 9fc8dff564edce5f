// Engine results -> their plain JS objects (see js_types.h).
#include "js_types.h"

#include "js_interop.h"

namespace wg::api {

JsEvaluation to_js(const EvalResult& r) { return {r.loss, r.accuracy, r.samples, r.classes, int32_copy(r.confusion)}; }

JsEpochResult to_js(const EpochResult& e) {
  return {e.epoch,
          e.train_loss,
          e.train_accuracy,
          e.validation.samples > 0 ? val(to_js(e.validation)) : val::null(),
          e.seconds,
          e.samples_per_second,
          e.stop,
          e.stop_reason};
}

JsProgress to_js(const Progress& p) {
  return {p.epoch,
          p.batch,
          p.batches,
          p.loss,
          p.accuracy,
          p.step_batches,
          p.step_loss,
          p.step_accuracy,
          p.last_batch_loss,
          p.learning_rate,
          p.grad_norm,
          p.samples_per_second,
          p.epoch_done,
          p.epoch_end ? val(to_js(*p.epoch_end)) : val::null(),
          p.diverged,
          p.message};
}

JsLayerSummary to_js(const LayerSummary& s) {
  return {s.name,
          s.type,
          shape_to_js(s.output_shape),
          static_cast<double>(s.parameters),
          static_cast<double>(s.multiply_adds),
          {s.rf_size, s.rf_jump, s.rf_start},
          s.detail};
}

JsHistogram to_js(const Histogram& h) {
  return {h.layer, h.layer_name, h.name, h.kind, h.min, h.max, int32_copy(h.counts), h.nan_count, h.inf_count};
}

JsLayerType to_js(const LayerTypeInfo& t) {
  val fields = val::array();
  for (const FieldInfo& f : t.fields) {
    fields.call<void>("push", val(JsLayerField{f.name, field_kind_name(f.kind), f.min, f.max, f.required, f.default_text}));
  }
  return {t.type, t.alias_of, t.needs_image, fields};
}

JsPreset to_js(const PresetInfo& p) { return {p.name, p.title, p.data, shape_to_js(p.input), p.classes}; }

}  // namespace wg::api
