// The exporters' third-party libraries, bundled by scripts/build.sh (esbuild) into one ES module,
// build/vendor/export-deps.mjs, that loads by URL in Node and in a browser Worker alike (a Worker
// cannot resolve bare npm names: no import maps there). Chosen because:
//   @bufbuild/protobuf  passes the protobuf conformance suite, is plain ESM and never uses eval
//                       (the playground's Content-Security-Policy forbids it; protobufjs's runtime
//                       probes for require with eval);
//   onnx-buf            the official onnx.proto compiled by protoc-gen-es: message and field
//                       definitions are ONNX's own, not retyped by hand;
//   fflate              small, fast zip writer that runs in browsers and Node (the PyTorch folder
//                       as one .zip download).
export { create, toBinary, fromBinary } from '@bufbuild/protobuf';
export { ModelProtoSchema, TensorProto_DataType, AttributeProto_AttributeType } from 'onnx-buf';
export { zipSync, unzipSync, strToU8 } from 'fflate';
// Not a library: the PyTorch export's train.py as text (esbuild's text loader, --loader:.py=text),
// so it travels in the bundle every exporter already loads (pytorch-train.js).
export { default as TRAIN_PY_TEMPLATE } from './train.py';
