import * as tf from '@tensorflow/tfjs-core';

// tfjs's own console banner on the cpu backend ("install tfjs-node") is replaced by the backend note
// PruneBench prints itself (engine/backend/backend-selection.ts), which says the same and more.
tf.env().set('PROD', true);
