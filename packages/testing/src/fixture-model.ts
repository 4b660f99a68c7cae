// The fixture-model generator (tiny deterministic CLIP/SigLIP-shaped ONNX models, full-size random ViTs) for tests
// and benchmarks. It lives in the sdk's source, where `ftf-models fixture` bundles it, but is not one of the
// published package's entry points: tooling reaches it here.
export * from '../../sdk/src/fixture/index.js';
