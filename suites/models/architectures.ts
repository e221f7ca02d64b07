import type { ArchitectureSpec } from '../../engine/architecture.ts';

/** LeNet-300-100 (LeCun et al. 1998; Han et al. 2015; Frankle & Carbin 2019): 266,200 prunable weights. */
export const lenet300100: ArchitectureSpec = {
  id: 'lenet-300-100',
  inputShape: [784],
  layers: [
    { kind: 'dense', name: 'fc1', units: 300, activation: 'relu' },
    { kind: 'dense', name: 'fc2', units: 100, activation: 'relu' },
    { kind: 'dense', name: 'fc3', units: 10, activation: 'linear' },
  ],
};

/** LeNet-5 as in Han et al. 2015 (Caffe variant): conv 20@5×5, pool, conv 50@5×5, pool, fc 500, fc 10. */
export const lenet5: ArchitectureSpec = {
  id: 'lenet-5',
  inputShape: [28, 28, 1],
  layers: [
    { kind: 'conv2d', name: 'conv1', filters: 20, kernelSize: 5, padding: 'valid', activation: 'relu' },
    { kind: 'maxPool', size: 2 },
    { kind: 'conv2d', name: 'conv2', filters: 50, kernelSize: 5, padding: 'valid', activation: 'relu' },
    { kind: 'maxPool', size: 2 },
    { kind: 'flatten' },
    { kind: 'dense', name: 'fc1', units: 500, activation: 'relu' },
    { kind: 'dense', name: 'fc2', units: 10, activation: 'linear' },
  ],
};

/** Conv-4 for CIFAR-10 (Frankle & Carbin 2019): 64,64,pool,128,128,pool, fc 256, 256, 10. */
export const conv4: ArchitectureSpec = {
  id: 'conv-4',
  inputShape: [32, 32, 3],
  layers: [
    { kind: 'conv2d', name: 'conv1', filters: 64, kernelSize: 3, padding: 'same', activation: 'relu' },
    { kind: 'conv2d', name: 'conv2', filters: 64, kernelSize: 3, padding: 'same', activation: 'relu' },
    { kind: 'maxPool', size: 2 },
    { kind: 'conv2d', name: 'conv3', filters: 128, kernelSize: 3, padding: 'same', activation: 'relu' },
    { kind: 'conv2d', name: 'conv4', filters: 128, kernelSize: 3, padding: 'same', activation: 'relu' },
    { kind: 'maxPool', size: 2 },
    { kind: 'flatten' },
    { kind: 'dense', name: 'fc1', units: 256, activation: 'relu' },
    { kind: 'dense', name: 'fc2', units: 256, activation: 'relu' },
    { kind: 'dense', name: 'fc3', units: 10, activation: 'linear' },
  ],
};
