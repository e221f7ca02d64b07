// tfjs-core ships its ops without their gradients, and its Node (CommonJS) build cannot load
// `dist/register_all_gradients`; the @tensorflow/tfjs bundle registers them all into the same core.
import './quiet.ts';
import '@tensorflow/tfjs';
