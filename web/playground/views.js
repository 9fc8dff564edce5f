// The playground's views, created once (each draws into its container and emits typed DOM
// events), and the wiring that keeps them drawing the store's slices. The views themselves live
// in web/views/, shared with the course demos.
import { BuildBadge } from '../views/build-badge.js';
import { ProgressView } from '../views/progress.js';
import { CurvesView } from '../views/curves.js';
import { DrawPad } from '../views/draw-pad.js';
import { ProbabilitiesView } from '../views/probabilities.js';
import { LayerTableView } from '../views/layer-table.js';
import { FiltersView } from '../views/filters.js';
import { ActivationsView } from '../views/activations.js';
import { ReceptiveFieldView } from '../views/receptive-field.js';
import { ConfusionView } from '../views/confusion.js';
import { HistogramView } from '../views/histogram.js';
import { GalleryView } from '../views/gallery.js';
import { DecisionBoundaryView } from '../views/decision-boundary.js';
import { SaliencyView } from '../views/saliency.js';
import { ClassImagesView } from '../views/class-images.js';
import { ImagePickerView } from '../views/image-picker.js';
import { UnitExplainerView } from '../views/unit-explainer.js';
import { NetworkFlowView } from '../views/network-flow.js';
import { el } from '../views/dom.js';
import { describeError } from './layer-editor.js';
import { protocolSummary } from './inspect-panel.js';

const byId = (id) => document.getElementById(id);

export function createViews() {
  return {
    badge: new BuildBadge(byId('build-badge')),
    progress: new ProgressView(byId('progress-view')),
    curves: new CurvesView(byId('curves-view')),
    drawPad: new DrawPad(byId('draw-pad-view')),
    probabilities: new ProbabilitiesView(byId('probabilities-view')),
    layerTable: new LayerTableView(byId('layer-table-view')),
    filters: new FiltersView(byId('filters-view')),
    activations: new ActivationsView(byId('activations-view')),
    receptiveField: new ReceptiveFieldView(byId('receptive-field-view')),
    confusion: new ConfusionView(byId('confusion-view')),
    confusionExamples: new GalleryView(byId('confusion-examples'), { tileSize: 44, set: 'validation' }),
    histograms: new HistogramView(byId('histogram-view')),
    gallery: new GalleryView(byId('gallery-view')),
    boundary: new DecisionBoundaryView(byId('boundary-view')),
    saliency: new SaliencyView(byId('saliency-view')),
    classImages: new ClassImagesView(byId('class-images-view')),
    imagePicker: new ImagePickerView(byId('image-picker-view')),
    // Inside one unit (unit-panel.js)
    unitExplainer: new UnitExplainerView(byId('unit-view')),
    network: new NetworkFlowView(byId('network-view')),
  };
}

/** Subscribes the views that draw a store slice as it is. */
export function drawFromStore(store, views) {
  store.subscribe(['engine'], ({ engine }) => {
    views.badge.render(engine.status === 'ready' ? engine : null);
    if (engine.status === 'loading') views.badge.element.textContent = 'loading engine…';
    else if (engine.status === 'failed') views.badge.renderFailed('engine failed to load', engine.problem);
    for (const node of document.querySelectorAll('[data-engine]')) node.disabled = engine.status !== 'ready';
  });
  store.subscribe(['run', 'settings'], ({ run }) => views.progress.render(run.progress));
  store.subscribe(['history', 'settings'], ({ history, settings }) => views.curves.render(history, settings.epochs));
  store.subscribe(['model'], ({ model }) => {
    if (model.summary) views.layerTable.render(model.summary);
    views.layerTable.showError(model.error ? describeError(model.error, model.spec?.layers ?? []) : null);
    if (model.summary) views.receptiveField.render({ summary: protocolSummary(model.summary) });
  });
  store.subscribe(['data'], ({ data }) => {
    if (data.points && data.points !== views.shownPoints) {
      views.shownPoints = data.points;
      views.boundary.setPoints(data.points);
    }
  });
  store.subscribe(['inspect'], ({ inspect }) => {
    if (inspect.unit) views.receptiveField.render({ layer: inspect.unit.layer, unit: { row: inspect.unit.row, col: inspect.unit.col },
      channel: inspect.unit.channel });
  });
}

/** A new model or run: the confusion matrix and its examples no longer describe it. */
export function clearRunViews(views) {
  byId('confusion-view').replaceChildren(el('p', { class: 'view-note' }, 'Available after the first epoch.'));
  byId('confusion-examples').replaceChildren();
  views.boundary.highlight(null);
  views.classImages.reset();
}
